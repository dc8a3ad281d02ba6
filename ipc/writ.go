package ipc

import (
	"strconv"

	"github.com/kingserf/king/noun"
)

// Writ is a message from king to serf (PROTOCOL.md §3.1). The
// implementations are exactly the writ types of this package.
type Writ interface {
	// Noun encodes the writ.
	Noun() noun.Noun
	// String is a short description for logs: the tag and the numbers,
	// never a whole noun.
	String() string
	writ()
}

// LiveCram is [%live %cram eve]: write the portable state file for event
// Eve (.urb/roc/<eve>.jam), reply Live.
type LiveCram struct{ Eve uint64 }

// LiveExit is [%live %exit cod]: exit the process with status Code, with no
// reply. Reference serfs read the status as one byte, so it must be < 256.
type LiveExit struct{ Code uint8 }

// LiveSave is [%live %save eve]: snapshot to disk; Eve must equal the
// serf's last event. Reply Live.
type LiveSave struct{ Eve uint64 }

// LiveMeld is [%live %meld ~]: deduplicate the state, reply Live.
type LiveMeld struct{}

// LivePack is [%live %pack ~]: compact the state, reply Live.
type LivePack struct{}

// MaxMil is the largest timeout a %peek or %work carries: Urbit's serf
// reads mil as a 32-bit word (about 49.7 days) and refuses a writ with a
// larger one, as DecodeWrit does.
const MaxMil = 1<<32 - 1

// Peek is [%peek mil sam]: a read-only query. Mil is a timeout in
// milliseconds (0 means none, at most MaxMil). Sample is
// [gang (each path [%once care desk path])]; PeekPath and PeekOnce build it.
// Reply PeekDone or PeekBail.
type Peek struct {
	Mil    uint64
	Sample noun.Noun
}

// Play is [%play eve lit]: replay the events of lit, the first of which is
// event number Eve (1 for the boot sequence). Reply PlayDone or PlayBail.
type Play struct {
	Eve    uint64
	Events []noun.Noun
}

// Work is [%work mil job]: compute one new event. Job is [now ovum]; Mil is
// a timeout in milliseconds (0 means none, at most MaxMil). Reply WorkDone, WorkSwap or
// WorkBail.
type Work struct {
	Mil uint64
	Job noun.Noun
}

// Noun encodes the writ.
func (w LiveCram) Noun() noun.Noun { return noun.T(tag(tagLive), tag(tagCram), noun.Atom(w.Eve)) }

// Noun encodes the writ.
func (w LiveExit) Noun() noun.Noun {
	return noun.T(tag(tagLive), tag(tagExit), noun.Atom(uint64(w.Code)))
}

// Noun encodes the writ.
func (w LiveSave) Noun() noun.Noun { return noun.T(tag(tagLive), tag(tagSave), noun.Atom(w.Eve)) }

// Noun encodes the writ.
func (LiveMeld) Noun() noun.Noun { return noun.T(tag(tagLive), tag(tagMeld), noun.Zero) }

// Noun encodes the writ.
func (LivePack) Noun() noun.Noun { return noun.T(tag(tagLive), tag(tagPack), noun.Zero) }

// Noun encodes the writ.
func (w Peek) Noun() noun.Noun { return noun.T(tag(tagPeek), noun.Atom(w.Mil), w.Sample) }

// Noun encodes the writ.
func (w Play) Noun() noun.Noun { return noun.T(tag(tagPlay), noun.Atom(w.Eve), noun.List(w.Events...)) }

// Noun encodes the writ.
func (w Work) Noun() noun.Noun { return noun.T(tag(tagWork), noun.Atom(w.Mil), w.Job) }

// String describes the writ for logs.
func (w LiveCram) String() string { return "live.cram eve=" + u(w.Eve) }

// String describes the writ for logs.
func (w LiveExit) String() string { return "live.exit code=" + u(uint64(w.Code)) }

// String describes the writ for logs.
func (w LiveSave) String() string { return "live.save eve=" + u(w.Eve) }

// String describes the writ for logs.
func (LiveMeld) String() string { return "live.meld" }

// String describes the writ for logs.
func (LivePack) String() string { return "live.pack" }

// String describes the writ for logs.
func (w Peek) String() string { return "peek mil=" + u(w.Mil) }

// String describes the writ for logs.
func (w Play) String() string {
	return "play eve=" + u(w.Eve) + " events=" + strconv.Itoa(len(w.Events))
}

// String describes the writ for logs.
func (w Work) String() string { return "work mil=" + u(w.Mil) }

func (LiveCram) writ() {}
func (LiveExit) writ() {}
func (LiveSave) writ() {}
func (LiveMeld) writ() {}
func (LivePack) writ() {}
func (Peek) writ()     {}
func (Play) writ()     {}
func (Work) writ()     {}

// u formats a number in decimal.
func u(v uint64) string { return strconv.FormatUint(v, 10) }
