// Package corpus generates deterministic nouns for benchmarks and for
// comparing runtimes on the same data: a "mixed" noun shaped like a compiled
// kernel, a "cells" noun of over a million distinct cells, and "events",
// small [now [wire card]] nouns like those a king sends a serf.
//
// The same seed always gives the same noun (math/rand/v2's PCG), on every
// platform, so jam files written by `king noun corpus` can be regenerated
// instead of checked in.
package corpus

import (
	"math/rand/v2"
	"strings"

	"github.com/kingserf/king/noun"
)

// Kinds returns the corpus kinds by name, as `king noun corpus --kind`
// takes them.
func Kinds() []string { return []string{"mixed", "cells", "events"} }

// DefaultEvents is the number of events in the "events" corpus.
const DefaultEvents = 100_000

// newRand returns the deterministic generator for seed; stream separates
// the kinds so they do not share a sequence.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// Mixed returns a noun shaped like a compiled kernel, about 3 MB jammed: a
// tree of cores whose batteries are Nock formulas (deep trees of small
// atoms: opcodes, axes, constants), with about 5% of subtrees shared, hint
// and constant cords, and a few atoms thousands of bits wide.
func Mixed(seed int64) noun.Noun { return mixed(seed, 35_000) }

// mixed builds the mixed noun with the given number of arms.
func mixed(seed int64, arms int) noun.Noun {
	g := &mixedGen{r: newRand(seed, 1), terms: strings.Fields(termList)}
	formulas := make([]noun.Noun, arms)
	for i := range formulas {
		formulas[i] = g.formula(0)
	}
	// A few wide atoms, as a kernel carries tables and jet hashes.
	for i := 0; i < 8; i++ {
		formulas[g.r.IntN(arms)] = noun.T(noun.Atom(1), g.wideAtom(1000+g.r.IntN(7000)))
	}
	// Group arms into cores [battery payload], cores into a balanced tree.
	var cores []noun.Noun
	for i := 0; i < arms; i += 16 {
		battery := balanced(formulas[i:min(i+16, arms)])
		payload := noun.T(noun.Atom(uint64(i)), g.cord())
		cores = append(cores, noun.Cell(battery, payload))
	}
	return balanced(cores)
}

// mixedGen builds Nock-like formulas.
type mixedGen struct {
	r     *rand.Rand
	terms []string
	// pool holds earlier subtrees for reuse, which is how a kernel's
	// sharing arises (jam writes a reused subtree as a backref).
	pool []noun.Noun
}

// termList holds the cords that hints and constants draw from.
const termList = "fast full mean spot hunk lose live slog memo bout hand lord hilt " +
	"mass this that gate core sample context battery payload wing tune vase"

func (g *mixedGen) cord() noun.Noun { return noun.Cord(g.terms[g.r.IntN(len(g.terms))]) }

func (g *mixedGen) wideAtom(nbits int) noun.Noun {
	ws := make([]uint64, (nbits+63)/64)
	for i := range ws {
		ws[i] = g.r.Uint64()
	}
	if r := nbits % 64; r != 0 {
		ws[len(ws)-1] &= 1<<r - 1
	}
	ws[len(ws)-1] |= 1 << ((nbits - 1) % 64)
	return noun.AtomWords(ws)
}

// small returns an atom as compiled code has them: mostly tiny.
func (g *mixedGen) small() noun.Noun {
	switch x := g.r.IntN(100); {
	case x < 60:
		return noun.Atom(uint64(g.r.IntN(4)))
	case x < 85:
		return noun.Atom(uint64(g.r.IntN(64)))
	case x < 95:
		return noun.Atom(uint64(g.r.IntN(1 << 12)))
	default:
		return g.cord()
	}
}

// axis returns a slot axis: small, and biased to the low ones.
func (g *mixedGen) axis() noun.Noun {
	return noun.Atom(uint64(2 + g.r.IntN(2+g.r.IntN(120))))
}

// formula returns a random Nock formula; depth bounds the recursion.
func (g *mixedGen) formula(depth int) noun.Noun {
	if len(g.pool) > 0 && g.r.IntN(100) < 5 {
		return g.pool[g.r.IntN(len(g.pool))]
	}
	f := g.fresh(depth)
	if g.r.IntN(8) == 0 {
		if len(g.pool) < 4096 {
			g.pool = append(g.pool, f)
		} else {
			g.pool[g.r.IntN(len(g.pool))] = f
		}
	}
	return f
}

func (g *mixedGen) fresh(depth int) noun.Noun {
	A := noun.Atom
	if depth > 24 || g.r.IntN(100) < 8+depth*3 {
		// Leaves: [0 axis] or [1 constant].
		if g.r.IntN(3) > 0 {
			return noun.T(A(0), g.axis())
		}
		return noun.T(A(1), g.small())
	}
	sub := func() noun.Noun { return g.formula(depth + 1) }
	switch op := g.r.IntN(13); op {
	case 0:
		return noun.Cell(sub(), sub()) // autocons
	case 1:
		if g.r.IntN(4) == 0 {
			return noun.T(A(1), noun.T(g.small(), g.small(), g.small()))
		}
		return noun.T(A(1), g.small())
	case 2, 5, 7, 8:
		return noun.T(A(uint64(op)), sub(), sub())
	case 3, 4:
		return noun.T(A(uint64(op)), sub())
	case 6:
		return noun.T(A(6), sub(), sub(), sub())
	case 9:
		return noun.T(A(9), g.axis(), sub())
	case 10:
		return noun.T(A(10), noun.T(g.axis(), sub()), sub())
	case 11:
		if g.r.IntN(2) == 0 {
			return noun.T(A(11), g.cord(), sub())
		}
		return noun.T(A(11), noun.T(g.cord(), sub()), sub())
	default:
		return noun.T(A(0), g.axis())
	}
}

// Cells returns a noun of about 1.05 million distinct cells, about 5 MB
// jammed: a balanced tree of records [key value], each key distinct, each
// value a random atom of up to 32 bits or a small record of two.
func Cells(seed int64) noun.Noun { return cells(seed, 420_000) }

// cells builds the cells noun with the given number of records.
func cells(seed int64, records int) noun.Noun {
	r := newRand(seed, 2)
	leaves := make([]noun.Noun, records)
	for i := range leaves {
		key := noun.Atom(uint64(i)*2654435761%(1<<32) | 1<<32)
		var val noun.Noun
		if r.IntN(2) == 0 {
			val = noun.Atom(uint64(r.Uint32()))
		} else {
			val = noun.Cell(noun.Atom(uint64(r.IntN(1<<16))), noun.Atom(uint64(r.Uint32())))
		}
		leaves[i] = noun.Cell(key, val)
	}
	return balanced(leaves)
}

// balanced joins ns (non-empty) into a balanced binary tree of cells,
// iteratively, level by level.
func balanced(ns []noun.Noun) noun.Noun {
	if len(ns) == 0 {
		return noun.Zero
	}
	level := append([]noun.Noun(nil), ns...)
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i < len(level); i += 2 {
			if i+1 < len(level) {
				next = append(next, noun.Cell(level[i], level[i+1]))
			} else {
				next = append(next, level[i])
			}
		}
		level = next
	}
	return level[0]
}

// Events returns n small events [now [wire card]] as a king would send
// them in %work writs: now an @da a 65536th of a second apart, wire a
// short path, card a tagged union with a few small fields.
func Events(seed int64, n int) []noun.Noun {
	r := newRand(seed, 3)
	out := make([]noun.Noun, n)
	// 2021-01-01T00:00:00Z as @da (PROTOCOL.md §1.3).
	hi, lo := uint64(0x8000000d2e8c7380), uint64(0)
	for i := range out {
		lo += 1 << 48
		if lo == 0 {
			hi++
		}
		now := noun.AtomWords([]uint64{lo, hi})
		out[i] = noun.Cell(now, eventOvum(r))
	}
	return out
}

// eventOvum returns a random [wire card].
func eventOvum(r *rand.Rand) noun.Noun {
	C, A := noun.Cord, noun.Atom
	switch r.IntN(4) {
	case 0: // a keystroke: [[%d %term '1' ~] [%belt %txt tape]]
		tape := noun.Zero
		for i := r.IntN(6); i >= 0; i-- {
			tape = noun.Cell(A(uint64('a'+r.IntN(26))), tape)
		}
		return noun.T(noun.T(C("d"), C("term"), C("1"), noun.Zero), noun.T(C("belt"), C("txt"), tape))
	case 1: // a timer: [[%b %behn ~] [%wake ~]]
		return noun.T(noun.T(C("b"), C("behn"), noun.Zero), noun.T(C("wake"), noun.Zero))
	case 2: // a packet: [[%a %newt eny ~] [%hear [%& ip] blob]]
		blob := make([]byte, 32+r.IntN(160))
		for i := range blob {
			blob[i] = byte(r.Uint32())
		}
		lane := noun.T(noun.Zero, A(uint64(r.Uint32())))
		return noun.T(noun.T(C("a"), C("newt"), A(r.Uint64()), noun.Zero), noun.T(C("hear"), lane, noun.AtomBytes(blob)))
	default: // a kernel poke: [[0 %arvo ~] [%poke %counter n]]
		return noun.T(noun.T(noun.Zero, C("arvo"), noun.Zero), noun.T(C("poke"), C("counter"), A(uint64(r.IntN(1000)))))
	}
}

// List returns the null-terminated list [a b c ~] of ns.
func List(ns []noun.Noun) noun.Noun {
	l := noun.Zero
	for i := len(ns) - 1; i >= 0; i-- {
		l = noun.Cell(ns[i], l)
	}
	return l
}
