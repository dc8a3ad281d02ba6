package pier

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/kingserf/king/noun"
)

// Pill is a parsed pill: what a new pier boots from.
//
// Two shapes are accepted (PROTOCOL.md §4.1):
//
//   - a %pill, the jam of [%pill name boot-formulas kernel-ova
//     userspace-ova], as Urbit's pills are;
//   - a bare boot list, the jam of the list of boot events itself, as
//     testdata/kernels/*.pill are: its first element is the lifecycle
//     formula (a cell).
type Pill struct {
	// Name is the %pill's name; "" for a bare list.
	Name string
	// Bare is true for a bare boot list.
	Bare bool
	// Formulas are the boot formulas; for a bare list, the whole list.
	Formulas []noun.Noun
	// Kernel are the kernel ova of a %pill, each [wire card].
	Kernel []noun.Noun
	// User are the userspace ova of a %pill, each [wire card].
	User []noun.Noun
}

// BootParams are what a boot sequence is built with, besides the pill.
type BootParams struct {
	// Who is the ship.
	Who noun.Noun
	// Fake is true for a fake ship; a %pill boots only fake ships
	// (ErrLiveShip).
	Fake bool
	// Entropy is the %wack entropy; the zero Noun means 512 fresh bits
	// from crypto/rand.
	Entropy noun.Noun
	// Now is the date of the first dated event; the zero time means the
	// current time.
	Now time.Time
}

// pillTag is the head of a %pill.
var pillTag = noun.Cord("pill")

// LoadPill parses a pill file's bytes. Anything but a %pill or a
// non-empty bare boot list whose first element is a formula (a cell) is an
// error wrapping ErrNotPill that says what was found.
func LoadPill(b []byte) (Pill, error) {
	n, err := noun.Cue(b)
	if err != nil {
		return Pill{}, fmt.Errorf("%w: bytes do not cue: %w", ErrNotPill, err)
	}
	return PillFromNoun(n)
}

// PillFromNoun parses a cued pill (see LoadPill).
func PillFromNoun(n noun.Noun) (Pill, error) {
	head, tail, ok := n.Uncell()
	if !ok {
		return Pill{}, fmt.Errorf("%w: an atom, not a cell", ErrNotPill)
	}
	if head.IsAtom() {
		if !noun.Equal(head, pillTag) {
			return Pill{}, fmt.Errorf("%w: a cell whose head is the atom %s, neither %%pill nor a formula",
				ErrNotPill, describeAtom(head))
		}
		return parseTaggedPill(tail)
	}
	list, err := noun.FromList(n)
	if err != nil {
		return Pill{}, fmt.Errorf("%w: a bare boot list must be a null-terminated list: %w", ErrNotPill, err)
	}
	return Pill{Bare: true, Formulas: list}, nil
}

// parseTaggedPill parses the tail of [%pill name formulas kernel user].
func parseTaggedPill(rest noun.Noun) (Pill, error) {
	fields := [4]noun.Noun{}
	for i := range 3 {
		h, t, ok := rest.Uncell()
		if !ok {
			return Pill{}, fmt.Errorf("%w: %%pill has %d fields, want 4 (name formulas kernel-ova userspace-ova)",
				ErrNotPill, i)
		}
		fields[i], rest = h, t
	}
	fields[3] = rest
	name, err := noun.FromTerm(fields[0])
	if err != nil {
		return Pill{}, fmt.Errorf("%w: %%pill name is not a term: %w", ErrNotPill, err)
	}
	p := Pill{Name: name}
	lists := []struct {
		what string
		dst  *[]noun.Noun
	}{{"boot formulas", &p.Formulas}, {"kernel ova", &p.Kernel}, {"userspace ova", &p.User}}
	for i, l := range lists {
		items, err := noun.FromList(fields[i+1])
		if err != nil {
			return Pill{}, fmt.Errorf("%w: %%pill %s are not a list: %w", ErrNotPill, l.what, err)
		}
		*l.dst = items
	}
	if len(p.Formulas) == 0 {
		return Pill{}, fmt.Errorf("%w: %%pill has no boot formulas", ErrNotPill)
	}
	for i, f := range p.Formulas {
		if !f.IsCell() {
			return Pill{}, fmt.Errorf("%w: %%pill boot formula %d is an atom, not a formula", ErrNotPill, i+1)
		}
	}
	for _, l := range [][]noun.Noun{p.Kernel, p.User} {
		for i, ovum := range l {
			if !ovum.IsCell() {
				return Pill{}, fmt.Errorf("%w: %%pill ovum %d is an atom, not [wire card]", ErrNotPill, i+1)
			}
		}
	}
	return p, nil
}

// Sequence builds the boot sequence to log: the events in order, and
// life, the number of boot formulas at its start.
//
// A bare list is logged as it is: every element raw, and life is its
// length, since nothing in a bare list says where formulas end (the
// kernels of testdata/kernels boot from a one-formula list).
//
// A %pill gives, as Urbit's runtime of this era does (PROTOCOL.md §4.1):
// the boot formulas raw (life = their count); then, each as [now ovum]
// with dates 2^48 apart from BootParams.Now, [[0 %arvo ~] [%whom who]],
// [[0 %arvo ~] [%wack entropy]], the kernel ova, [[%d %term '1' ~] [%boot
// | [%fake who]]] and the userspace ova. Lite is | (no), Urbit's default:
// its runtime sets it only for a lite boot (-l), which king does not
// offer. Only a fake ship can be booted this way (ErrLiveShip).
func (p Pill) Sequence(bp BootParams) (events []noun.Noun, life uint64, err error) {
	if len(p.Formulas) == 0 {
		return nil, 0, fmt.Errorf("%w: empty boot list", ErrNotPill)
	}
	if p.Bare {
		return append([]noun.Noun(nil), p.Formulas...), uint64(len(p.Formulas)), nil
	}
	if !bp.Fake {
		return nil, 0, ErrLiveShip
	}
	entropy := bp.Entropy
	if entropy.IsZero() {
		if entropy, err = freshEntropy(); err != nil {
			return nil, 0, err
		}
	}
	now := bp.Now
	if now.IsZero() {
		now = time.Now()
	}
	arvo := noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero)
	ova := make([]noun.Noun, 0, 3+len(p.Kernel)+len(p.User))
	ova = append(ova,
		noun.T(arvo, noun.Cord("whom"), bp.Who),
		noun.T(arvo, noun.Cord("wack"), entropy))
	ova = append(ova, p.Kernel...)
	vent := noun.T(noun.Cord("fake"), bp.Who)
	ova = append(ova, noun.T(noun.Path("d", "term", "1"), noun.Cord("boot"), noun.Loob(false), vent))
	ova = append(ova, p.User...)

	events = make([]noun.Noun, 0, len(p.Formulas)+len(ova))
	events = append(events, p.Formulas...)
	start := noun.Da(now)
	for i, ovum := range ova {
		events = append(events, noun.Cell(addDates(start, uint64(i)), ovum))
	}
	return events, uint64(len(p.Formulas)), nil
}

// freshEntropy returns 512 random bits as an atom.
func freshEntropy() (noun.Noun, error) {
	var b [64]byte
	if _, err := rand.Read(b[:]); err != nil {
		return noun.Zero, fmt.Errorf("pier: entropy: %w", err)
	}
	return noun.AtomBytes(b[:]), nil
}

// describeAtom renders an atom for an error message: as a term when it is
// one, else as a number.
func describeAtom(a noun.Noun) string {
	if t, err := noun.FromTerm(a); err == nil && t != "" {
		return "%" + t
	}
	return noun.String(a)
}
