package serf_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// genNoun draws a noun from a small alphabet of atoms, big ones included,
// so that equal subtrees are common.
func genNoun(t *rapid.T, depth int) noun.Noun {
	if depth == 0 || rapid.IntRange(0, 2).Draw(t, "leafy") == 0 {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			return noun.Atom(rapid.Uint64Range(0, 3).Draw(t, "small"))
		case 1:
			return noun.AtomWords([]uint64{rapid.Uint64Range(0, 2).Draw(t, "lo"), 1})
		default:
			return noun.Atom(rapid.Uint64().Draw(t, "word"))
		}
	}
	return noun.Cell(genNoun(t, depth-1), genNoun(t, depth-1))
}

// deepCopy rebuilds n with fresh cells and big atoms: equal, sharing
// nothing.
func deepCopy(n noun.Noun) noun.Noun {
	if h, tl, ok := n.Uncell(); ok {
		return noun.Cell(deepCopy(h), deepCopy(tl))
	}
	if n.IsDirect() {
		return n
	}
	return noun.AtomWords(n.Words())
}

// genRedundant draws a noun made of deep copies of a few subtrees.
func genRedundant(t *rapid.T) noun.Noun {
	pool := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) noun.Noun { return genNoun(t, 4) }), 1, 4).Draw(t, "pool")
	n := deepCopy(pool[0])
	for i := rapid.IntRange(0, 12).Draw(t, "joins"); i > 0; i-- {
		p := deepCopy(pool[rapid.IntRange(0, len(pool)-1).Draw(t, "pick")])
		if rapid.Bool().Draw(t, "left") {
			n = noun.Cell(p, n)
		} else {
			n = noun.Cell(n, p)
		}
	}
	return n
}

// requireCanonical checks that equal subtrees of n (cells and big atoms)
// are one object.
func requireCanonical(t require.TestingT, n noun.Noun) {
	byJam := map[string]noun.Noun{}
	seen := map[noun.Noun]bool{}
	stack := []noun.Noun{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x.IsDirect() || seen[x] {
			continue
		}
		seen[x] = true
		key := hex.EncodeToString(noun.Jam(x))
		if y, ok := byJam[key]; ok {
			require.True(t, x == y, "two copies of %s", noun.String(x))
		}
		byJam[key] = x
		if h, tl, ok := x.Uncell(); ok {
			stack = append(stack, h, tl)
		}
	}
}

func TestMeldProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genRedundant(t)
		m, st := serf.Meld(n)
		require.True(t, noun.Equal(n, m))
		require.Equal(t, noun.Mug(n), noun.Mug(m))
		require.Equal(t, noun.Jam(n), noun.Jam(m))
		requireCanonical(t, m)
		require.LessOrEqual(t, st.UniqueCells, st.Cells)
		require.LessOrEqual(t, st.UniqueBigAtoms, st.BigAtoms)
		again, st2 := serf.Meld(m)
		require.True(t, again == m, "melding a melded noun changes nothing")
		require.Equal(t, st2.Cells, st2.UniqueCells)
	})
}

func TestMeldCounts(t *testing.T) {
	a := noun.T(noun.Atom(1), noun.Atom(2))
	b := noun.T(noun.Atom(1), noun.Atom(2))
	big1, big2 := noun.AtomWords([]uint64{5, 6}), noun.AtomWords([]uint64{5, 6})
	n := noun.T(a, b, big1, big2)
	m, st := serf.Meld(n)
	require.Equal(t, serf.MeldStats{Cells: 5, UniqueCells: 4, BigAtoms: 2, UniqueBigAtoms: 1}, st)
	require.True(t, m.Head() == m.Tail().Head())
	require.True(t, m.Tail().Tail().Head() == m.Tail().Tail().Tail())
	// Direct atoms pass through.
	d, st := serf.Meld(noun.Atom(9))
	require.Equal(t, noun.Atom(9), d)
	require.Zero(t, st)
}

// TestMeldSharedDAG melds a noun whose tree has 2^60 leaves but only 60
// cells: the work is in the cells, not the tree.
func TestMeldSharedDAG(t *testing.T) {
	n := noun.Atom(1)
	for i := 0; i < 60; i++ {
		n = noun.Cell(n, n)
	}
	m, st := serf.Meld(n)
	require.Equal(t, 60, st.Cells)
	require.Equal(t, 60, st.UniqueCells)
	require.True(t, m == n, "an already canonical noun is returned as it is")
}

// TestMeldDeep melds a list of 300,000 items without recursion.
func TestMeldDeep(t *testing.T) {
	n := noun.Zero
	for i := 0; i < 300_000; i++ {
		n = noun.Cell(noun.Atom(uint64(i%3)), n)
	}
	m, st := serf.Meld(n)
	require.Equal(t, 300_000, st.Cells)
	require.Equal(t, 300_000, st.UniqueCells, "every suffix of the list is distinct")
	require.Equal(t, noun.Mug(n), noun.Mug(m))
}

func BenchmarkMeld(b *testing.B) {
	// A kernel-like noun: many copies of a few formulas.
	parts := []noun.Noun{}
	for i := 0; i < 64; i++ {
		parts = append(parts, noun.T(noun.Atom(uint64(i)), noun.T(noun.Atom(1), noun.Atom(0)), noun.Cord("formula")))
	}
	n := noun.Zero
	for i := 0; i < 100_000; i++ {
		n = noun.Cell(deepCopy(parts[i%len(parts)]), n)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serf.Meld(n)
	}
}
