package nock

import (
	"errors"

	"github.com/kingserf/king/noun"
)

// Motes: the kinds of crash, as in the goof [mote tang] (PROTOCOL.md §3.2).
const (
	// MoteExit is a deterministic crash: the computation itself is bad.
	MoteExit = "exit"
	// MoteIntr is an interrupted computation (SIGINT, or a cancelled context).
	MoteIntr = "intr"
	// MoteAlrm is a computation that ran out of time (context deadline or
	// Config.StepLimit).
	MoteAlrm = "alrm"
	// MoteMeme is a computation that exceeded Config.MemoryBudget.
	MoteMeme = "meme"
	// MoteFail is an internal interpreter error; seeing it means a bug here.
	MoteFail = "fail"
)

// Sentinel errors matching a *Crash of each mote with errors.Is.
var (
	// ErrExit matches a deterministic crash.
	ErrExit = errors.New("nock: exit")
	// ErrIntr matches an interrupted computation.
	ErrIntr = errors.New("nock: intr")
	// ErrAlrm matches a computation that ran out of time.
	ErrAlrm = errors.New("nock: alrm")
	// ErrMeme matches a computation that ran out of memory budget.
	ErrMeme = errors.New("nock: meme")
	// ErrFail matches an internal interpreter error.
	ErrFail = errors.New("nock: fail")
)

// Crash is a failed computation. It is the only error type the interpreter's
// evaluation methods return.
type Crash struct {
	// Mote is the kind of crash: MoteExit, MoteIntr, MoteAlrm, MoteMeme or
	// MoteFail.
	Mote string
	// Trace is the rendered stack trace, a list of tanks, outermost frame
	// first (the crash site last). It becomes the tang of the goof.
	Trace []noun.Noun
	// Frames are the raw trace frames [tag clue] (tag one of %spot, %mean,
	// %hunk, %lose), outermost first, for a caller that wants to render them
	// itself (for example with a kernel's own wish arm, as Urbit's serf does).
	Frames []noun.Noun
	// Reason says, for people, what went wrong at the crash site, such as
	// "opcode 0: axis 6 is not in the subject". It is not part of the goof.
	Reason string
}

// Error describes the crash: "nock: exit: <reason>".
func (c *Crash) Error() string {
	msg := "nock: " + c.Mote
	if c.Reason != "" {
		msg += ": " + c.Reason
	}
	return msg
}

// Unwrap returns the sentinel error of the crash's mote, so that
// errors.Is(err, ErrIntr) works.
func (c *Crash) Unwrap() error {
	switch c.Mote {
	case MoteExit:
		return ErrExit
	case MoteIntr:
		return ErrIntr
	case MoteAlrm:
		return ErrAlrm
	case MoteMeme:
		return ErrMeme
	}
	return ErrFail
}

// Tang returns the trace as a Hoon list of tanks, outermost frame first.
func (c *Crash) Tang() noun.Noun {
	return noun.T(append(append([]noun.Noun(nil), c.Trace...), noun.Zero)...)
}

// Goof returns the goof noun [mote tang] that the serf reports for this
// crash.
func (c *Crash) Goof() noun.Noun {
	return noun.Cell(noun.Cord(c.Mote), c.Tang())
}
