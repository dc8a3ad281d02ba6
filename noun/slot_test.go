package noun

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestSlot(t *testing.T) {
	// [[4 5] [6 14 15]]: each leaf is its own axis.
	n := T(T(Atom(4), Atom(5)), Atom(6), Atom(14), Atom(15))
	tests := []struct {
		axis uint64
		want Noun
		ok   bool
	}{
		{1, n, true},
		{2, T(Atom(4), Atom(5)), true},
		{3, T(Atom(6), Atom(14), Atom(15)), true},
		{4, Atom(4), true},
		{5, Atom(5), true},
		{6, Atom(6), true},
		{7, T(Atom(14), Atom(15)), true},
		{14, Atom(14), true},
		{15, Atom(15), true},
		{0, Zero, false},
		{8, Zero, false},  // below the atom 4
		{12, Zero, false}, // below the atom 6
		{1 << 63, Zero, false},
	}
	for _, tc := range tests {
		got, ok := n.Slot(tc.axis)
		require.Equal(t, tc.ok, ok, "axis %d", tc.axis)
		if tc.ok {
			require.True(t, Equal(tc.want, got), "axis %d", tc.axis)
		}
		got2, ok2 := n.SlotAtom(Atom(tc.axis))
		require.Equal(t, ok, ok2)
		require.True(t, Equal(got, got2))
	}
	_, ok := n.SlotAtom(T(Atom(1), Atom(2)))
	require.False(t, ok, "a cell is no axis")
	_, ok = Atom(7).Slot(2)
	require.False(t, ok, "an atom has no head")
}

func TestEdit(t *testing.T) {
	n := T(T(Atom(4), Atom(5)), Atom(6), Atom(14), Atom(15))
	tests := []struct {
		axis uint64
		want Noun
	}{
		{1, Atom(99)},
		{2, T(Atom(99), Atom(6), Atom(14), Atom(15))},
		{5, T(T(Atom(4), Atom(99)), Atom(6), Atom(14), Atom(15))},
		{15, T(T(Atom(4), Atom(5)), Atom(6), Atom(14), Atom(99))},
	}
	for _, tc := range tests {
		got, ok := n.Edit(tc.axis, Atom(99))
		require.True(t, ok, "axis %d", tc.axis)
		require.True(t, Equal(tc.want, got), "axis %d", tc.axis)
	}
	for _, axis := range []uint64{0, 8, 12} {
		_, ok := n.Edit(axis, Atom(99))
		require.False(t, ok, "axis %d", axis)
	}
	_, ok := n.EditAtom(T(One, One), Zero)
	require.False(t, ok)
	// Edit shares what it does not replace.
	got, _ := n.Edit(3, Zero)
	require.Equal(t, n.Head(), got.Head())
}

// TestPropertySlotEdit: after an edit, the axis holds the new value, and
// every axis off the edited path is unchanged.
func TestPropertySlotEdit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		axis := rapid.Uint64Range(1, 1<<12).Draw(t, "axis")
		v := genAtom(t)
		edited, ok := n.Edit(axis, v)
		_, reachable := n.Slot(axis)
		if axis != 1 {
			parent, pok := n.Slot(axis / 2)
			reachable = pok && parent.IsCell()
		}
		require.Equal(t, reachable, ok)
		if !ok {
			return
		}
		got, ok := edited.Slot(axis)
		require.True(t, ok)
		require.True(t, Equal(v, got))
		other := rapid.Uint64Range(1, 1<<12).Draw(t, "other")
		if !isUnderOrAbove(other, axis) {
			a, aok := n.Slot(other)
			b, bok := edited.Slot(other)
			require.Equal(t, aok, bok)
			require.True(t, Equal(a, b))
		}
	})
}

// isUnderOrAbove reports whether axis x lies on the path to axis y or below
// it: the axes an edit at y may change.
func isUnderOrAbove(x, y uint64) bool {
	for a := x; a >= 1; a /= 2 {
		if a == y {
			return true
		}
	}
	for a := y; a >= 1; a /= 2 {
		if a == x {
			return true
		}
	}
	return false
}
