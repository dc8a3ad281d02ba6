package king

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Sentinel errors of the Serf handle. Each is matchable with errors.Is; the
// error actually returned often wraps one of them with details.
var (
	// ErrSerfNotRunning is returned by every call on a Serf whose process
	// has ended, was stopped, or was killed after a flow failed half-way.
	ErrSerfNotRunning = errors.New("king: serf not running")
	// ErrConnectionClosed is the serf's stdout ending (cleanly or inside a
	// frame) while the king still expects a plea. It usually means the serf
	// died; the error returned then also wraps the *ExitError.
	ErrConnectionClosed = errors.New("king: serf connection closed")
	// ErrBadPleaFrame is a serf whose output is not a stream of frames: a
	// frame header of length zero, a newt header whose tag is not 0x00, or
	// a length beyond the limit, as unframed text on stdout reads. The
	// error also wraps the ipc error (ipc.ErrZeroLength, ipc.ErrBadTag or
	// ipc.ErrFrameTooLarge).
	ErrBadPleaFrame = errors.New("king: the serf's output is not a stream of frames")
	// ErrRipeTimeout is a serf that sent no %ripe within Config.RipeTimeout.
	// The process has been killed and reaped when Start returns it.
	ErrRipeTimeout = errors.New("king: timed out waiting for the serf's %ripe")
)

// ExitError describes how the serf process ended when that was not a clean
// exit with status 0. It is what ExitErr returns and OnDeath receives, and
// it is wrapped in the ErrConnectionClosed errors of flows the death broke.
type ExitError struct {
	// State is the process state from wait(2).
	State *os.ProcessState
	// Stderr holds the last lines the serf wrote to stderr before it ended.
	Stderr []string
}

// Error implements error, quoting the last stderr line if there was one.
func (e *ExitError) Error() string {
	msg := "king: serf " + e.State.String()
	if n := len(e.Stderr); n > 0 {
		msg += fmt.Sprintf(" (last stderr: %q)", e.Stderr[n-1])
	}
	return msg
}

// ExitCode returns the exit status, or -1 if the process was killed by a
// signal.
func (e *ExitError) ExitCode() int { return e.State.ExitCode() }

// ProtocolVersionError is a %ripe announcing a protocol version other than
// 1, the only one this king speaks.
type ProtocolVersionError struct {
	// Got is the version the serf announced.
	Got uint64
}

// Error implements error.
func (e *ProtocolVersionError) Error() string {
	return fmt.Sprintf("king: serf speaks protocol version %d, want 1", e.Got)
}

// BadPleaAtomError is a plea frame whose payload does not cue.
type BadPleaAtomError struct {
	// Frame is a copy of the payload.
	Frame []byte
	// Err is the underlying *ipc.BadNounError.
	Err error
}

// Error implements error.
func (e *BadPleaAtomError) Error() string {
	return fmt.Sprintf("king: plea of %d bytes does not cue: %v", len(e.Frame), e.Err)
}

// Unwrap returns the *ipc.BadNounError, so errors.Is(err, ipc.ErrBadNoun)
// holds too.
func (e *BadPleaAtomError) Unwrap() error { return e.Err }

// BadPleaNounError is a plea that cued but is not a well-formed message.
type BadPleaNounError struct {
	// Noun is the plea as received.
	Noun noun.Noun
	// Field is where it went wrong, a dotted path such as "work.done.mug"
	// ("" when the message as a whole is wrong).
	Field string
	// Err is the underlying *ipc.DecodeError.
	Err error
}

// Error implements error.
func (e *BadPleaNounError) Error() string {
	return fmt.Sprintf("king: malformed plea: %v", e.Err)
}

// Unwrap returns the *ipc.DecodeError, so errors.Is(err, ipc.ErrMalformed)
// holds too.
func (e *BadPleaNounError) Unwrap() error { return e.Err }

// UnexpectedPleaError is a well-formed plea that is not what the flow in
// progress waits for, such as %live in reply to %work, or a %work %done
// whose event number does not follow the serf's last event.
type UnexpectedPleaError struct {
	// Got describes the plea received.
	Got string
	// Want describes what the flow expected.
	Want string
}

// Error implements error.
func (e *UnexpectedPleaError) Error() string {
	return fmt.Sprintf("king: unexpected plea: got %s, want %s", e.Got, e.Want)
}

// PeekBailError is a peek that crashed in the kernel ([%peek %bail goof]).
// It is an answer, not a failure of the serf, which keeps running.
type PeekBailError struct {
	Goof ipc.Goof
}

// Error implements error.
func (e *PeekBailError) Error() string {
	return fmt.Sprintf("king: peek crashed: %s", e.Goof)
}

// PlayBailError is a %play batch that failed ([%play %bail eve mug goof]).
// As in Urbit's serf, eve and mug are those of the last event that
// succeeded, which is the state the serf keeps: event Eve+1 crashed.
type PlayBailError struct {
	// Eve is the serf's last event after the bail, the last that
	// succeeded (0 for a failed boot).
	Eve uint64
	// Mug is the mug of the kernel after Eve.
	Mug uint32
	// Goof is the crash.
	Goof ipc.Goof
}

// Error implements error.
func (e *PlayBailError) Error() string {
	return fmt.Sprintf("king: replay of event %d crashed: %s (serf keeps event %d, mug %#08x)",
		e.Crashed(), e.Goof, e.Eve, e.Mug)
}

// Crashed returns the number of the event that crashed, Eve+1.
func (e *PlayBailError) Crashed() uint64 { return e.Eve + 1 }

// BailDuringReplayError is an event replayed through %work (Swim) that
// crashed, and whose %crud replacement crashed too. No event number was
// consumed: the serf still holds the state after event Eve-1.
type BailDuringReplayError struct {
	// Eve is the number of the event that crashed.
	Eve uint64
	// Goofs are the crashes, the replacement's first.
	Goofs []ipc.Goof
}

// Error implements error.
func (e *BailDuringReplayError) Error() string {
	motes := make([]string, len(e.Goofs))
	for i, g := range e.Goofs {
		motes[i] = g.String()
	}
	return fmt.Sprintf("king: event %d bailed during replay: %s", e.Eve, strings.Join(motes, " "))
}

// SwapDuringReplayError is an event replayed through %work (Swim) that
// crashed and was replaced by a %crud. The serf has computed the
// replacement as event Eve, so its state no longer follows the log.
type SwapDuringReplayError struct {
	// Eve is the number of the event that was replaced.
	Eve uint64
	// Mug is the mug of the kernel after the replacement.
	Mug uint32
	// Job is the replacement job.
	Job noun.Noun
	// Effects are the replacement's effects.
	Effects noun.Noun
}

// Error implements error.
func (e *SwapDuringReplayError) Error() string {
	return fmt.Sprintf("king: event %d crashed during replay and was replaced (mug %#08x)", e.Eve, e.Mug)
}

// EventJamError is a replay event whose Jam does not cue. Nothing of it
// was sent to the serf; the events before it were replayed.
type EventJamError struct {
	// Num is the event's number.
	Num uint64
	// Err says why, a *noun.CueError.
	Err error
}

// Error implements error.
func (e *EventJamError) Error() string {
	return fmt.Sprintf("king: event %d does not cue: %v", e.Num, e.Err)
}

// Unwrap returns the cue error.
func (e *EventJamError) Unwrap() error { return e.Err }

// EventNumberError is an event whose number does not follow the serf's
// last event: a gap or repetition in a replay source, or a boot sequence
// given to a serf that already has events. Nothing was sent to the serf.
type EventNumberError struct {
	// Want is the number the next event must have.
	Want uint64
	// Got is the number it had.
	Got uint64
}

// Error implements error.
func (e *EventNumberError) Error() string {
	return fmt.Sprintf("king: event number %d does not follow the serf's last event (want %d)", e.Got, e.Want)
}
