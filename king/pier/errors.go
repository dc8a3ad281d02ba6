package pier

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kingserf/king/ipc"
)

// Sentinel errors of the pier. Returned errors wrap them; test with
// errors.Is.
var (
	// ErrPierExists is returned by New for a directory that already holds
	// a pier.
	ErrPierExists = errors.New("pier: pier already exists")
	// ErrNoPier is returned for a directory that holds no pier (no event
	// log under .urb/log).
	ErrNoPier = errors.New("pier: no pier here")
	// ErrLocked is what a *LockedError matches: another king holds the
	// pier.
	ErrLocked = errors.New("pier: pier is in use")
	// ErrNotPill is returned by LoadPill for bytes that are neither a
	// %pill nor a bare boot list.
	ErrNotPill = errors.New("pier: not a pill")
	// ErrLiveShip is returned when a live (non-fake) ship is booted from
	// a %pill: its boot needs a %dawn event (keys and sponsors from the
	// network), which this king cannot build.
	ErrLiveShip = errors.New("pier: a %pill boots only a fake ship (a live ship needs a %dawn event this king cannot build)")
	// ErrClosed is returned by every method of a closed Pier.
	ErrClosed = errors.New("pier: pier is closed")
	// ErrAlreadyRunning is returned by Run when the Pier already runs.
	ErrAlreadyRunning = errors.New("pier: pier is already running")
	// ErrNotRunning is returned by Inject, Shutdown and RestartSerf when
	// Run is not running, and by Inject for an event whose Run ended
	// before its outcome was known.
	ErrNotRunning = errors.New("pier: pier is not running")
	// ErrShuttingDown is returned by Inject once Shutdown has begun.
	ErrShuttingDown = errors.New("pier: pier is shutting down")
	// ErrNotCommitted is the outcome of an event the serf computed but
	// whose commit failed: its effects are never released.
	ErrNotCommitted = errors.New("pier: event not committed")
	// ErrBadOvum is an ovum that is not a cell [wire card].
	ErrBadOvum = errors.New("pier: ovum is not a cell [wire card]")
	// ErrSnapshotUnusable is what a *SnapshotUnusableError matches.
	ErrSnapshotUnusable = errors.New("pier: serf snapshot unusable")
	// ErrMugMismatch is returned by RestartSerf when the restarted serf's
	// mug differs from the one it had before.
	ErrMugMismatch = errors.New("pier: mug mismatch")
)

// LockedError is a pier another king holds: the lock file
// <pier>/.vere.lock is flocked by process Pid (0 if its pid could not be
// read).
type LockedError struct {
	// Pier is the pier directory.
	Pier string
	// Pid is the holder's process id, as written in the lock file; 0 when
	// unknown.
	Pid int
}

// Error implements error.
func (e *LockedError) Error() string {
	if e.Pid <= 0 {
		return fmt.Sprintf("pier %s is in use by another king (pid unknown)", e.Pier)
	}
	return fmt.Sprintf("pier %s is in use by king pid %d", e.Pier, e.Pid)
}

// Is makes errors.Is(err, ErrLocked) hold.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// BailError is an injected event that crashed, and whose %crud
// replacement crashed too: nothing was committed and no event number was
// used.
type BailError struct {
	// Goofs are the crashes, the replacement's first.
	Goofs []ipc.Goof
}

// Error implements error.
func (e *BailError) Error() string {
	motes := make([]string, len(e.Goofs))
	for i, g := range e.Goofs {
		motes[i] = "%" + g.Mote
	}
	return "pier: event bailed: " + strings.Join(motes, ", ")
}

// SnapshotUnusableError is a serf snapshot the serf could not load, or
// one ahead of the event log. The pier moves such a snapshot aside (to
// MovedTo) and replays the whole log into a fresh serf.
type SnapshotUnusableError struct {
	// Reason says what was wrong, in words.
	Reason string
	// Err is the underlying error (the serf's *king.ExitError), if any.
	Err error
}

// Error implements error.
func (e *SnapshotUnusableError) Error() string {
	if e.Err != nil {
		return "pier: serf snapshot unusable: " + e.Reason + ": " + e.Err.Error()
	}
	return "pier: serf snapshot unusable: " + e.Reason
}

// Unwrap returns the underlying error.
func (e *SnapshotUnusableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrSnapshotUnusable) hold.
func (e *SnapshotUnusableError) Is(target error) bool { return target == ErrSnapshotUnusable }

// LogDamageError is damage in the middle of the event log: a missing or
// unreadable event followed by good ones. The pier refuses to run rather
// than skip events.
type LogDamageError struct {
	// Eve is the first damaged (or missing) event.
	Eve uint64
	// Err is the eventlog error describing it.
	Err error
}

// Error implements error.
func (e *LogDamageError) Error() string {
	return fmt.Sprintf("pier: event log damaged at event %d (good events follow, so it cannot be cut): %v", e.Eve, e.Err)
}

// Unwrap returns the eventlog error.
func (e *LogDamageError) Unwrap() error { return e.Err }

// RestartLimitError is a serf that died more often than the restart
// intensity allows. Stderr holds the last lines of the serf that died
// last.
type RestartLimitError struct {
	// Deaths is how many times the serf died within Window.
	Deaths int
	// Window is the restart-intensity window.
	Window time.Duration
	// Err is why the serf died the last time.
	Err error
	// Stderr holds the dead serf's last stderr lines, oldest first.
	Stderr []string
}

// Error implements error, with the serf's last stderr lines.
func (e *RestartLimitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pier: serf died %d times within %v, giving up: %v", e.Deaths, e.Window, e.Err)
	if len(e.Stderr) > 0 {
		b.WriteString("; serf stderr:")
		for _, l := range e.Stderr {
			b.WriteString("\n  ")
			b.WriteString(l)
		}
	}
	return b.String()
}

// Unwrap returns why the serf died.
func (e *RestartLimitError) Unwrap() error { return e.Err }

// ReplayMugError is a replayed batch whose final mug differs from the
// mug the log recorded for its last event.
type ReplayMugError struct {
	Mismatch
}

// Error implements error.
func (e *ReplayMugError) Error() string {
	return fmt.Sprintf("pier: replay: mug mismatch at event %d: logged %#08x, serf %#08x", e.Eve, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrMugMismatch) hold.
func (e *ReplayMugError) Is(target error) bool { return target == ErrMugMismatch }

// Mismatch is one batch whose final mug differed from the logged one.
type Mismatch struct {
	// Eve is the batch's last event.
	Eve uint64
	// Want is the mug the log recorded for Eve.
	Want uint32
	// Got is the mug the serf reported.
	Got uint32
}
