package noun

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestWalkMatchesSlot checks Walk (and so AxisPath and WalkPath) against
// Slot for random nouns and every direct axis shape: small, deep, the
// largest, and paths that run into atoms.
func TestWalkMatchesSlot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		var axis uint64
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			axis = rapid.Uint64Range(1, 64).Draw(t, "small")
		case 1:
			axis = rapid.Uint64Range(1, 1<<20).Draw(t, "medium")
		default:
			axis = rapid.Uint64Min(1).Draw(t, "any")
		}
		want, wantOK := n.Slot(axis)
		got, ok := n.Walk(axis)
		require.Equal(t, wantOK, ok, "axis %d", axis)
		if ok {
			require.Equal(t, want, got, "axis %d", axis)
		}
		path, steps := AxisPath(axis)
		require.Equal(t, bits.Len64(axis)-1, steps)
		got, ok = n.WalkPath(path, steps)
		require.Equal(t, wantOK, ok)
		if ok {
			require.Equal(t, want, got)
		}
	})
}

func TestWalkEdges(t *testing.T) {
	n := T(Atom(1), Atom(2), Atom(3))
	for _, tc := range []struct {
		axis uint64
		want Noun
		ok   bool
	}{
		{1, n, true},
		{2, Atom(1), true},
		{6, Atom(2), true},
		{7, Atom(3), true},
		{4, Zero, false},  // head of the atom 1
		{14, Zero, false}, // below the atom 2
		{1 << 63, Zero, false},
		{^uint64(0), Zero, false},
	} {
		got, ok := n.Walk(tc.axis)
		require.Equal(t, tc.ok, ok, "axis %d", tc.axis)
		if ok {
			require.Equal(t, tc.want, got, "axis %d", tc.axis)
		}
	}
	// A path 63 steps deep, to the bottom of a right-leaning spine.
	deep := Atom(7)
	for range 63 {
		deep = Cell(Zero, deep)
	}
	got, ok := deep.Walk(^uint64(0))
	require.True(t, ok)
	require.Equal(t, Atom(7), got)
	// Walk(0) is documented as the noun itself; callers exclude axis 0.
	got, ok = n.Walk(0)
	require.True(t, ok)
	require.Equal(t, n, got)
	// Big atoms are atoms: a walk into one fails.
	big := Cell(AtomWords([]uint64{1, 1}), Zero)
	_, ok = big.Walk(4)
	require.False(t, ok)
}

func TestCellID(t *testing.T) {
	a := Cell(Atom(1), Atom(2))
	b := Cell(Atom(1), Atom(2))
	require.NotZero(t, a.CellID())
	require.Equal(t, a.CellID(), a.CellID())
	require.NotEqual(t, a.CellID(), b.CellID(), "equal cells, different storage")
	for _, atom := range []Noun{Zero, One, Atom(1 << 40), AtomWords([]uint64{1, 2})} {
		require.Zero(t, atom.CellID())
	}
}
