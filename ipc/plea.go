package ipc

import (
	"strconv"
	"strings"

	"github.com/kingserf/king/noun"
)

// Plea is a message from serf to king (PROTOCOL.md §3.2). The
// implementations are exactly the plea types of this package.
type Plea interface {
	// Noun encodes the plea.
	Noun() noun.Noun
	// String is a short description for logs: the tag and the numbers,
	// never a whole noun.
	String() string
	plea()
}

// Ripe is [%ripe [pro hon nok] eve mug], the serf's first message, sent
// exactly once: the protocol version (Proto, 1), the Hoon and Nock versions
// (Hon, Nock; 2020–2021 serfs send 141 and 4) and the event number and mug
// of the state it loaded (0 and 0 for an empty serf). Decoding does not
// check the versions, which may be any atoms (one wider than 64 bits
// decodes as math.MaxUint64); the king decides what it accepts.
type Ripe struct {
	Proto, Hon, Nock uint64
	Eve              uint64
	Mug              uint32
}

// Live is [%live ~], the reply to every %live writ but %exit.
type Live struct{}

// Slog is [%slog pri tank]: log output from the kernel. It may come at any
// time, between or before replies.
type Slog struct {
	Priority uint64
	Tank     noun.Noun
}

// Flog is [%flog cord]: a runtime log line. It may come at any time. As in
// any cord, trailing NUL bytes of Text are not carried.
type Flog struct{ Text string }

// PeekDone is [%peek %done result]: what the kernel's peek produced,
// normally a (unit [mark noun]), ~ when the path has no value. As Urbit's
// serf and king do, DecodePlea passes on any noun; Cask unwraps the usual
// shape.
type PeekDone struct{ Result noun.Noun }

// PeekBail is [%peek %bail goof]: the peek crashed.
type PeekBail struct{ Goof Goof }

// PlayDone is [%play %done mug]: the batch replayed; Mug is the mug of the
// kernel after its last event.
type PlayDone struct{ Mug uint32 }

// PlayBail is [%play %bail eve mug goof]: the batch stopped at a crash
// with Goof. As in Urbit's serf (which sends its dun_d), Eve is the last
// event that succeeded, so event Eve+1 is the one that crashed, and Mug is
// the mug of the kernel after event Eve, the state the serf keeps.
//
// The serfs of urbit/urbit v1.x send only the goof's tang in the last
// field ([%play %bail eve mug tang]); such a plea decodes with TangOnly
// set and an empty Goof.Mote, and encodes back the same way.
type PlayBail struct {
	Eve      uint64
	Mug      uint32
	Goof     Goof
	TangOnly bool
}

// WorkDone is [%work %done eve mug effects]: the event became event number
// Eve, leaving a kernel whose mug is Mug. Effects is a (list ovum).
type WorkDone struct {
	Eve     uint64
	Mug     uint32
	Effects noun.Noun
}

// WorkSwap is [%work %swap eve mug job effects]: the event crashed, and the
// replacement Job (a %crud) ran instead as event Eve; Job is what the king
// logs. Effects is a (list ovum).
type WorkSwap struct {
	Eve     uint64
	Mug     uint32
	Job     noun.Noun
	Effects noun.Noun
}

// WorkBail is [%work %bail goofs]: the event and its replacement both
// crashed (reference serfs send the replacement's goof first); no event
// number was consumed.
type WorkBail struct{ Goofs []Goof }

// Noun encodes the plea.
func (p Ripe) Noun() noun.Noun {
	ver := noun.T(noun.Atom(p.Proto), noun.Atom(p.Hon), noun.Atom(p.Nock))
	return noun.T(tag(tagRipe), ver, noun.Atom(p.Eve), mugAtom(p.Mug))
}

// Noun encodes the plea.
func (Live) Noun() noun.Noun { return noun.Cell(tag(tagLive), noun.Zero) }

// Noun encodes the plea.
func (p Slog) Noun() noun.Noun { return noun.T(tag(tagSlog), noun.Atom(p.Priority), p.Tank) }

// Noun encodes the plea.
func (p Flog) Noun() noun.Noun { return noun.Cell(tag(tagFlog), noun.Cord(p.Text)) }

// Noun encodes the plea.
func (p PeekDone) Noun() noun.Noun { return noun.T(tag(tagPeek), tag(tagDone), p.Result) }

// Noun encodes the plea.
func (p PeekBail) Noun() noun.Noun { return noun.T(tag(tagPeek), tag(tagBail), p.Goof.Noun()) }

// Noun encodes the plea.
func (p PlayDone) Noun() noun.Noun { return noun.T(tag(tagPlay), tag(tagDone), mugAtom(p.Mug)) }

// Noun encodes the plea.
func (p PlayBail) Noun() noun.Noun {
	last := p.Goof.Noun()
	if p.TangOnly {
		last = p.Goof.Tang
	}
	return noun.T(tag(tagPlay), tag(tagBail), noun.Atom(p.Eve), mugAtom(p.Mug), last)
}

// Noun encodes the plea.
func (p WorkDone) Noun() noun.Noun {
	return noun.T(tag(tagWork), tag(tagDone), noun.Atom(p.Eve), mugAtom(p.Mug), p.Effects)
}

// Noun encodes the plea.
func (p WorkSwap) Noun() noun.Noun {
	return noun.T(tag(tagWork), tag(tagSwap), noun.Atom(p.Eve), mugAtom(p.Mug), p.Job, p.Effects)
}

// Noun encodes the plea.
func (p WorkBail) Noun() noun.Noun {
	goofs := noun.Zero
	for i := len(p.Goofs) - 1; i >= 0; i-- {
		goofs = noun.Cell(p.Goofs[i].Noun(), goofs)
	}
	return noun.T(tag(tagWork), tag(tagBail), goofs)
}

// Cask unwraps the result of a peek: ok is true and mark and data are set
// when Result is [~ mark data] with an atom mark; ok is false when Result is
// ~ (no value) or, for a PeekDone not made by DecodePlea, malformed.
func (p PeekDone) Cask() (mark string, data noun.Noun, ok bool) {
	u, c, isCell := p.Result.Uncell()
	if !isCell || !u.IsZero() {
		return "", noun.Zero, false
	}
	m, data, isCell := c.Uncell()
	if !isCell || m.IsCell() {
		return "", noun.Zero, false
	}
	return string(m.Bytes()), data, true
}

// String describes the plea for logs.
func (p Ripe) String() string {
	return "ripe pro=" + u(p.Proto) + " hon=" + u(p.Hon) + " nok=" + u(p.Nock) +
		" eve=" + u(p.Eve) + " mug=" + hexMug(p.Mug)
}

// String describes the plea for logs.
func (Live) String() string { return "live" }

// String describes the plea for logs.
func (p Slog) String() string { return "slog pri=" + u(p.Priority) }

// String describes the plea for logs: the text, quoted and cut short.
func (p Flog) String() string { return "flog " + strconv.Quote(clip(p.Text)) }

// String describes the plea for logs: the mark, or ~ for no value.
func (p PeekDone) String() string {
	if mark, _, ok := p.Cask(); ok {
		return "peek.done " + showTerm(mark)
	}
	if !p.Result.IsZero() {
		return "peek.done (not a unit cask)"
	}
	return "peek.done ~"
}

// String describes the plea for logs.
func (p PeekBail) String() string { return "peek.bail " + p.Goof.String() }

// String describes the plea for logs.
func (p PlayDone) String() string { return "play.done mug=" + hexMug(p.Mug) }

// String describes the plea for logs.
func (p PlayBail) String() string {
	if p.TangOnly {
		return "play.bail eve=" + u(p.Eve) + " mug=" + hexMug(p.Mug) + " (tang only)"
	}
	return "play.bail eve=" + u(p.Eve) + " mug=" + hexMug(p.Mug) + " " + p.Goof.String()
}

// String describes the plea for logs.
func (p WorkDone) String() string { return "work.done eve=" + u(p.Eve) + " mug=" + hexMug(p.Mug) }

// String describes the plea for logs.
func (p WorkSwap) String() string { return "work.swap eve=" + u(p.Eve) + " mug=" + hexMug(p.Mug) }

// String describes the plea for logs: the motes of the goofs.
func (p WorkBail) String() string {
	var b strings.Builder
	b.WriteString("work.bail")
	for i, g := range p.Goofs {
		if i == maxGoofsShown {
			b.WriteString(" …")
			break
		}
		b.WriteString(" ")
		b.WriteString(g.String())
	}
	return b.String()
}

func (Ripe) plea()     {}
func (Live) plea()     {}
func (Slog) plea()     {}
func (Flog) plea()     {}
func (PeekDone) plea() {}
func (PeekBail) plea() {}
func (PlayDone) plea() {}
func (PlayBail) plea() {}
func (WorkDone) plea() {}
func (WorkSwap) plea() {}
func (WorkBail) plea() {}

// maxGoofsShown is how many goofs WorkBail.String lists.
const maxGoofsShown = 4

// maxTextShown is how many bytes of a cord String methods print.
const maxTextShown = 80

// mugAtom is the atom of a mug.
func mugAtom(m uint32) noun.Noun { return noun.Atom(uint64(m)) }

// hexMug formats a mug as 0x followed by eight hex digits.
func hexMug(m uint32) string {
	s := strconv.FormatUint(uint64(m), 16)
	return "0x" + strings.Repeat("0", 8-len(s)) + s
}

// clip cuts s to maxTextShown bytes, marking the cut.
func clip(s string) string {
	if len(s) <= maxTextShown {
		return s
	}
	return s[:maxTextShown] + "…"
}

// showTerm prints a term as %term, or quoted if it is not a plain term.
func showTerm(s string) string {
	if isTerm([]byte(s)) && len(s) <= maxTermShown {
		return "%" + s
	}
	return strconv.Quote(clip(s))
}
