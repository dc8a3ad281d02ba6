package ipc

import (
	"errors"
	"fmt"

	"github.com/kingserf/king/noun"
)

// Errors a Reader or Writer returns. Each is matchable with errors.Is; the
// typed errors below carry the details.
var (
	// ErrZeroLength is a frame header whose length is zero, which neither
	// framing allows.
	ErrZeroLength = errors.New("ipc: zero-length frame")
	// ErrBadTag is a newt frame whose tag byte is not 0x00. The error
	// returned is a *BadTagError.
	ErrBadTag = errors.New("ipc: bad frame tag")
	// ErrFrameTooLarge is a frame longer than the configured maximum (or, for
	// a newt writer, longer than a 4-byte length can say). The error returned
	// is a *FrameTooLargeError.
	ErrFrameTooLarge = errors.New("ipc: frame too large")
	// ErrTruncated is the end of the stream inside a frame, in its header or
	// its body. The end of the stream between frames is io.EOF instead.
	ErrTruncated = errors.New("ipc: stream ends inside a frame")
	// ErrBadFraming is a Framing value that is neither Legacy nor Newt where
	// one of those is needed (for example Auto given to a Writer).
	ErrBadFraming = errors.New("ipc: unknown framing")
	// ErrBadNoun is a frame whose payload does not cue. The error returned
	// is a *BadNounError.
	ErrBadNoun = errors.New("ipc: frame does not cue")
	// ErrMalformed is a noun that is not a well-formed writ or plea. The
	// error returned is a *DecodeError.
	ErrMalformed = errors.New("ipc: malformed message")
)

// BadTagError is a newt frame header whose tag byte is not 0x00.
type BadTagError struct {
	// Tag is the byte found where 0x00 was expected.
	Tag byte
}

// Error implements error.
func (e *BadTagError) Error() string {
	return fmt.Sprintf("ipc: bad frame tag 0x%02x (newt frames start with 0x00)", e.Tag)
}

// Unwrap makes errors.Is(err, ErrBadTag) true.
func (e *BadTagError) Unwrap() error { return ErrBadTag }

// FrameTooLargeError is a frame longer than the limit in force.
type FrameTooLargeError struct {
	// Len is the length the frame header claims (or the payload length
	// given to a Writer).
	Len uint64
	// Max is the largest length allowed.
	Max uint64
}

// Error implements error.
func (e *FrameTooLargeError) Error() string {
	return fmt.Sprintf("ipc: frame too large: %d bytes, limit %d", e.Len, e.Max)
}

// Unwrap makes errors.Is(err, ErrFrameTooLarge) true.
func (e *FrameTooLargeError) Unwrap() error { return ErrFrameTooLarge }

// BadNounError is a frame that was read whole but whose payload does not
// cue. The stream is still in sync, so reading may continue.
type BadNounError struct {
	// Frame is a copy of the payload (it does not alias the Reader's
	// buffer), for logging or saving.
	Frame []byte
	// Err is the error from noun.Cue.
	Err error
}

// Error implements error.
func (e *BadNounError) Error() string {
	return fmt.Sprintf("ipc: frame of %d bytes does not cue: %v", len(e.Frame), e.Err)
}

// Unwrap makes errors.Is(err, ErrBadNoun) true, and also matches the cue
// error itself.
func (e *BadNounError) Unwrap() []error { return []error{ErrBadNoun, e.Err} }

// DecodeError is a noun that is not a well-formed writ or plea. It names
// the first field that is wrong.
type DecodeError struct {
	// Kind is "writ" or "plea".
	Kind string
	// Field is the dotted path of the bad field, such as "work.done.mug",
	// "work.bail.goofs[1].mote", or "work.tag" for an unknown tag after
	// %work. It is "" when the message as a whole is wrong.
	Field string
	// Want says what the field should be, such as "atom < 2^32".
	Want string
	// Got describes what was found, such as "cell" or "atom 5"; it never
	// prints a whole large noun.
	Got string
	// Value is the offending noun itself.
	Value noun.Noun
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("ipc: decode %s: want %s, got %s", e.Kind, e.Want, e.Got)
	}
	return fmt.Sprintf("ipc: decode %s %s: want %s, got %s", e.Kind, e.Field, e.Want, e.Got)
}

// Unwrap makes errors.Is(err, ErrMalformed) true.
func (e *DecodeError) Unwrap() error { return ErrMalformed }
