package serf

import (
	"errors"
	"fmt"
)

// Exit statuses of Run (and so of `king serf`). A %live %exit writ gives
// its own status instead.
const (
	// ExitOK is a clean exit.
	ExitOK = 0
	// ExitError is every fatal error but an unusable state file: bad
	// arguments, bad input from the king (a bad frame, a frame that does not
	// cue, an unknown writ, a writ out of order), stdin closed, an I/O
	// error.
	ExitError = 1
	// ExitBadState means the snapshot or rock file to load is unusable
	// (corrupt, torn, of an unknown version, or not matching its mug). A
	// king seeing it can move the file aside and replay its log instead.
	ExitBadState = 3
)

// Errors Run returns. Each is matchable with errors.Is; most are wrapped
// with details of the writ or file concerned.
var (
	// ErrStdinClosed is the end of the king's stream between frames. A king
	// ends a serf with %live %exit, so this is an error exit.
	ErrStdinClosed = errors.New("serf: stdin closed")
	// ErrBadFrame is a frame header the serf cannot read (a zero length, a
	// bad newt tag, an over-limit length) or a stream that ends inside a
	// frame.
	ErrBadFrame = errors.New("serf: bad frame")
	// ErrBadNoun is a frame whose payload does not cue.
	ErrBadNoun = errors.New("serf: frame does not cue")
	// ErrBadWrit is a noun that is not a well-formed writ, including an
	// unknown writ tag.
	ErrBadWrit = errors.New("serf: bad writ")
	// ErrOutOfOrder is a writ that does not fit the serf's state: a %play
	// of the wrong event number, a %work or %cram before boot, a %save or
	// %cram of an event that is not the last.
	ErrOutOfOrder = errors.New("serf: writ out of order")
	// ErrBadJob is a %work job or a replayed event that is not a cell
	// [now ovum].
	ErrBadJob = errors.New("serf: job is not [now ovum]")
	// ErrBadState is an unusable snapshot or rock file; see StateError.
	ErrBadState = errors.New("serf: state file unusable")
	// ErrWrite is a failure to write a plea to the king.
	ErrWrite = errors.New("serf: cannot write to king")
	// ErrConfig is a Config that Run cannot use.
	ErrConfig = errors.New("serf: bad config")
)

// StateError is a snapshot or rock file that cannot be loaded. It matches
// ErrBadState, and Run exits with ExitBadState for it.
type StateError struct {
	// Path is the file.
	Path string
	// Problem says what is wrong with it, such as "checksum mismatch".
	Problem string
}

// Error implements error.
func (e *StateError) Error() string {
	return fmt.Sprintf("serf: state file %s unusable: %s", e.Path, e.Problem)
}

// Unwrap makes errors.Is(err, ErrBadState) true.
func (e *StateError) Unwrap() error { return ErrBadState }

// exitCode maps a fatal error of Run to its exit status.
func exitCode(err error) int {
	if errors.Is(err, ErrBadState) {
		return ExitBadState
	}
	return ExitError
}
