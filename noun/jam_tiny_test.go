package noun

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// jamTinyOnly jams n by the tiny path alone; ok is false if n does not fit.
func jamTinyOnly(n Noun) (out []byte, ok bool) { return jamTinyWith(n, false) }

// jamTinyWith is jamTinyOnly, with hashes that mostly collide if weak.
func jamTinyWith(n Noun, weak bool) (out []byte, ok bool) {
	j := jammer{tinyWeak: weak}
	j.setup()
	defer j.tinyClear()
	if !n.IsCell() || !j.tinyFlatten(n) {
		return nil, false
	}
	j.tinyWrite()
	return j.w.bytes(), true
}

// genTinyNoun draws nouns that fit the tiny path or just miss it, built
// to hit its every rule: atoms of every width around the offsets they are
// written at (so some repeats are backrefs and some are not), big atoms,
// repeats by pointer and rebuilt equal, and subtrees that agree for a
// while and then differ.
func genTinyNoun() *rapid.Generator[Noun] {
	return rapid.Custom(func(t *rapid.T) Noun {
		atoms := []Noun{Atom(0), Atom(1), Atom(math.MaxUint64)}
		for range rapid.IntRange(1, 6).Draw(t, "atoms") {
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0:
				width := rapid.IntRange(1, 64).Draw(t, "width")
				atoms = append(atoms, Atom(rapid.Uint64().Draw(t, "v")>>(64-width)|1<<(width-1)))
			case 1:
				atoms = append(atoms, AtomWords([]uint64{rapid.Uint64().Draw(t, "lo"), 1 + rapid.Uint64Range(0, 9).Draw(t, "hi")}))
			default:
				atoms = append(atoms, Atom(rapid.Uint64Range(0, 300).Draw(t, "small")))
			}
		}
		pool := []Noun{}
		for range rapid.IntRange(1, 70).Draw(t, "steps") {
			pick := func(label string) Noun {
				if len(pool) == 0 || rapid.IntRange(0, 2).Draw(t, label+"-atom") == 0 {
					return atoms[rapid.IntRange(0, len(atoms)-1).Draw(t, label)]
				}
				return pool[rapid.IntRange(max(0, len(pool)-8), len(pool)-1).Draw(t, label)]
			}
			switch rapid.IntRange(0, 5).Draw(t, "op") {
			case 0:
				pool = append(pool, rebuild(pick("copy")))
			default:
				pool = append(pool, Cell(pick("head"), pick("tail")))
			}
		}
		for len(pool) > 0 && !pool[len(pool)-1].IsCell() {
			pool = pool[:len(pool)-1]
		}
		if len(pool) == 0 {
			return Cell(atoms[0], atoms[len(atoms)-1])
		}
		return pool[len(pool)-1]
	})
}

// TestJamTinyMatchesReference checks the tiny path, and Jam, against the
// definition on nouns that fit it and nouns that just miss it.
func TestJamTinyMatchesReference(t *testing.T) {
	fit, miss := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		n := genTinyNoun().Draw(t, "n")
		want := refJam(n)
		require.Equal(t, want, Jam(rebuild(n)))
		got, ok := jamTinyOnly(n)
		if !ok {
			miss++
			return
		}
		fit++
		require.Equal(t, want, got)
		weak, _ := jamTinyWith(rebuild(n), true)
		require.Equal(t, want, weak, "with colliding hashes")
		back, err := Cue(want)
		require.NoError(t, err)
		again, ok := jamTinyOnly(back)
		require.True(t, ok)
		require.Equal(t, want, again)
	})
	t.Logf("%d nouns fit the tiny path, %d did not", fit, miss)
	require.NotZero(t, fit)
}

// TestJamTinyAtomWidths repeats atoms of every width near the offsets
// they are first written at, where the canonical rule switches between
// writing an atom again and a backref to it.
func TestJamTinyAtomWidths(t *testing.T) {
	for pad := 0; pad <= 12; pad++ {
		for width := 1; width <= 16; width++ {
			for _, a := range []Noun{Atom(1 << (width - 1)), Atom(1<<width - 1)} {
				items := make([]Noun, 0, pad+3)
				for range pad {
					items = append(items, Zero)
				}
				items = append(items, a, Cell(a, a), a)
				n := List(items...)
				want := refJam(n)
				got, ok := jamTinyOnly(n)
				require.True(t, ok)
				require.Equal(t, want, got, "pad %d, atom %v", pad, a)
			}
		}
	}
}

// TestJamTinyBoundary jams lists around the tiny path's size limit, some
// of whose atoms repeat, by every path.
func TestJamTinyBoundary(t *testing.T) {
	for cells := jamTinyMax/2 - 3; cells <= jamTinyMax/2+3; cells++ {
		items := make([]Noun, cells)
		for i := range items {
			items[i] = Atom(uint64(1000 + i%7))
		}
		n := List(items...)
		want := refJam(n)
		require.Equal(t, want, Jam(n), "%d cells", cells)
		require.Equal(t, want, jamWith(rebuild(n), jamTables), "%d cells", cells)
		got, ok := jamTinyOnly(n)
		// A list of c cells is 2c+1 entries.
		require.Equal(t, 2*cells+1 <= jamTinyMax, ok, "%d cells", cells)
		if ok {
			require.Equal(t, want, got, "%d cells", cells)
		}
	}
}

// TestJamTinyPoolClean checks that a tiny jam leaves no noun reachable
// from the pooled jammer.
func TestJamTinyPoolClean(t *testing.T) {
	j := getJammer()
	j.run(T(Atom(1), AtomWords([]uint64{1, 2}), Atom(1)), jamAuto)
	require.NotZero(t, j.tinyN)
	_ = j.w.bytes()
	j.tinyClear()
	require.Zero(t, j.tinyN)
	require.Equal(t, [jamTinyMax]tinyEntry{}, j.inline.tiny)
	require.Equal(t, [jamTinySlots]uint8{}, j.inline.tinySlots)
	putJammer(j)
}
