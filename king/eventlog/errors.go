package eventlog

import (
	"errors"
	"fmt"
)

// Sentinel errors. Returned errors wrap these; test with errors.Is.
var (
	// ErrExists is returned by Create when the log directory already holds
	// a log.
	ErrExists = errors.New("eventlog: log already exists")
	// ErrNotFound is returned by Open when the directory holds no log.
	ErrNotFound = errors.New("eventlog: no log found")
	// ErrLocked is returned by Create and Open when another process (or
	// another handle in this process) holds the log's file lock.
	ErrLocked = errors.New("eventlog: log is locked by another process")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("eventlog: log is closed")
	// ErrReadOnly is returned by writes on a log opened with ReadOnly.
	ErrReadOnly = errors.New("eventlog: log is open read-only")
	// ErrBroken is returned by every write after a commit failed. The
	// handle must be closed; reopening the log shows what is durable.
	ErrBroken = errors.New("eventlog: log is broken by an earlier failed commit")
	// ErrEmptyEvent is returned for an event with no jam bytes (the jam of
	// any noun is at least one byte long).
	ErrEmptyEvent = errors.New("eventlog: event has no jam bytes")
	// ErrTooLarge is returned for an event larger than bbolt can store.
	ErrTooLarge = errors.New("eventlog: event too large")
	// ErrBadRange is returned for an event range that starts at 0 or ends
	// before it starts.
	ErrBadRange = errors.New("eventlog: bad event range")
	// ErrShortValue is the cause in a *CorruptEventError for a value too
	// short to hold the 4-byte mug and a jam.
	ErrShortValue = errors.New("eventlog: value shorter than mug and jam")
	// ErrBadKey is the cause in a *CorruptEventError for a key that is not
	// an 8-byte event number of at least 1.
	ErrBadKey = errors.New("eventlog: malformed event key")
	// ErrChanged is returned by RepairTail when events were appended while
	// it scanned the log.
	ErrChanged = errors.New("eventlog: log changed during repair")
)

// OrderError reports an append that does not continue the log exactly.
type OrderError struct {
	// Index is the position of the offending event in the appended slice.
	Index int
	// Want is the event number that would have continued the log.
	Want uint64
	// Got is the event number that was given.
	Got uint64
}

func (e *OrderError) Error() string {
	return fmt.Sprintf("eventlog: event out of order at index %d: got event %d, want %d", e.Index, e.Got, e.Want)
}

// GapError reports missing event numbers: After is followed directly by
// Next (Next > After+1). After is 0 when the log does not start at 1.
type GapError struct {
	After, Next uint64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("eventlog: gap in event numbers: event %d is followed by event %d", e.After, e.Next)
}

// CorruptEventError reports an event whose stored value cannot be used.
type CorruptEventError struct {
	// Num is the event number (for a malformed key, the number expected at
	// that position).
	Num uint64
	// Err is the cause: ErrShortValue, ErrBadKey or the cue error.
	Err error
}

func (e *CorruptEventError) Error() string {
	return fmt.Sprintf("eventlog: event %d is corrupt: %v", e.Num, e.Err)
}

func (e *CorruptEventError) Unwrap() error { return e.Err }

// MiddleDamageError is returned by RepairTail when damage is followed by a
// valid event, so cutting the tail would silently drop good events.
type MiddleDamageError struct {
	// Problem is the first damage found (*GapError or *CorruptEventError).
	Problem error
	// NextGood is the number of the first valid event after the damage.
	NextGood uint64
}

func (e *MiddleDamageError) Error() string {
	return fmt.Sprintf("eventlog: damage in the middle of the log (valid event %d follows it), refusing to repair: %v",
		e.NextGood, e.Problem)
}

func (e *MiddleDamageError) Unwrap() error { return e.Problem }

// MetaError reports a missing or malformed META entry.
type MetaError struct {
	// Key is the META key ("version", "who", "fake", "life"), or "" when
	// the bucket itself is missing.
	Key string
	// Msg says what is wrong.
	Msg string
}

func (e *MetaError) Error() string {
	if e.Key == "" {
		return "eventlog: bad META: " + e.Msg
	}
	return fmt.Sprintf("eventlog: bad META %q: %s", e.Key, e.Msg)
}

// VersionError reports a log of a version this package does not read.
type VersionError struct {
	// Got is the stored version (saturated at the maximum uint64).
	Got uint64
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("eventlog: unsupported log version %d (this king reads version %d)", e.Got, Version)
}

// CorruptFileError reports a data file that bbolt could not read safely:
// bbolt panicked or faulted on damaged pages.
type CorruptFileError struct {
	// Op names the operation that failed.
	Op string
	// Cause describes the panic or fault.
	Cause string
}

func (e *CorruptFileError) Error() string {
	return fmt.Sprintf("eventlog: data file is corrupt (%s): %s", e.Op, e.Cause)
}
