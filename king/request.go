package king

import (
	"context"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Request is something Run is asked to do: a Work, Save, Pack, Scry or
// Kill, sent by value. The set is closed.
type Request interface{ request() }

// Work asks Run to compute one event with %work. Done, if not nil, gets
// the result.
type Work struct {
	// Job is the event, [now ovum].
	Job noun.Noun
	// JobJam, if not nil, is noun.Jam(Job), which a caller that logs the
	// event makes anyway: Run then copies it into the writ instead of
	// jamming Job again. Run checks that it cues, not that it cues to
	// Job; a JobJam that does not cue is ignored and Job jammed instead.
	JobJam []byte
	// Mil is the serf's timeout for it in milliseconds; 0 means none. One
	// above ipc.MaxMil, more than the protocol carries, is sent as MaxMil.
	Mil uint64
	// Done receives the result, on Run's goroutine.
	Done func(WorkResult)
}

// Save asks Run to snapshot the serf once the work in flight has drained
// and RunOptions.WaitDurable says the log has caught up. Done, if not nil,
// gets the outcome.
type Save struct{ Done func(error) }

// Pack asks Run to compact the serf ([%live %pack ~]) once the work in
// flight has drained. Done, if not nil, gets the outcome.
type Pack struct{ Done func(error) }

// Scry asks Run to peek at Path with Gang (as Serf.Scry) once the work in
// flight has drained. Done, if not nil, gets the answer.
type Scry struct {
	Gang, Path noun.Noun
	Done       func(result noun.Noun, err error)
}

// Kill asks Run to return (nil) once the work in flight has drained. It
// does not stop the serf; call Stop for that.
type Kill struct{}

func (Work) request() {}
func (Save) request() {}
func (Pack) request() {}
func (Scry) request() {}
func (Kill) request() {}

// ResultKind says how a %work ended.
type ResultKind uint8

// The ways a %work ends.
const (
	// WorkDone: the event was computed.
	WorkDone ResultKind = iota + 1
	// WorkSwap: the event crashed and its %crud replacement was computed
	// instead; the replacement is what must be logged.
	WorkSwap
	// WorkBail: the event and its replacement both crashed; no event
	// number was used.
	WorkBail
)

// String returns "done", "swap" or "bail".
func (k ResultKind) String() string {
	switch k {
	case WorkDone:
		return "done"
	case WorkSwap:
		return "swap"
	case WorkBail:
		return "bail"
	default:
		return "unknown"
	}
}

// WorkResult is the outcome of one Work.
type WorkResult struct {
	Kind ResultKind
	// Eve is the event's number for done and swap; for a bail, the
	// serf's last event, unchanged.
	Eve uint64
	// Mug is the mug of the kernel after Eve.
	Mug uint32
	// Job is the job to log: the one sent for done (and, for the record,
	// for bail), the replacement for swap.
	Job noun.Noun
	// Effects are the event's effects, a (list ovum); ~ for a bail.
	Effects noun.Noun
	// Goofs are the crashes of a bail, the replacement's first.
	Goofs []ipc.Goof
}

// SpinState says what the serf is doing, for a spinner.
type SpinState struct {
	// Busy is false when the serf is idle.
	Busy bool
	// Eve is the number the event being computed gets if it succeeds.
	Eve uint64
	// Job is that event.
	Job noun.Noun
	// Since is when it became the serf's current event (approximately:
	// when the previous reply arrived, or when it was sent).
	Since time.Time
}

// DefaultMaxInFlight is RunOptions.MaxInFlight's default.
const DefaultMaxInFlight = 10

// RunOptions tune Run. The zero value is usable.
type RunOptions struct {
	// MaxInFlight is how many %work writs may await replies at once; 0
	// means DefaultMaxInFlight.
	MaxInFlight int
	// Spinner, if not nil, is told on Run's goroutine whenever the event
	// being computed changes or the serf becomes idle.
	Spinner func(SpinState)
	// WaitDurable, if not nil, is called before a Save with the serf's
	// last event and must return once the caller's log holds that event
	// durably (a snapshot must never be ahead of the log). An error fails
	// the Save, not Run.
	WaitDurable func(ctx context.Context, eve uint64) error
}
