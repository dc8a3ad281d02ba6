package noun

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestCellAllocatorCells checks that allocated cells are ordinary cells,
// across slab boundaries, for every slab size including the default.
func TestCellAllocatorCells(t *testing.T) {
	for _, slab := range []int{-1, 0, 1, 3, 64} {
		a := NewCellAllocator(slab)
		list, want := Zero, Zero
		for i := 0; i < 200; i++ {
			list = a.Cell(Atom(uint64(i)), list)
			want = Cell(Atom(uint64(i)), want)
			if i == 100 {
				a.Reset()
			}
		}
		require.True(t, Equal(want, list), "slab %d", slab)
		require.Equal(t, Mug(want), Mug(list))
		require.Equal(t, Jam(want), Jam(list))
		h, tl, ok := list.Uncell()
		require.True(t, ok)
		require.Equal(t, Atom(199), h)
		require.True(t, tl.IsCell())
	}
}

// TestCellAllocatorEdit checks Edit against EditAtom for random nouns and
// axes, including axes that run into atoms and big axes.
func TestCellAllocatorEdit(t *testing.T) {
	a := NewCellAllocator(8)
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		v := genNoun().Draw(t, "v")
		var axis Noun
		if rapid.Bool().Draw(t, "big") {
			axis = AtomWords([]uint64{rapid.Uint64().Draw(t, "lo"), 1})
		} else {
			axis = Atom(rapid.Uint64Range(0, 300).Draw(t, "axis"))
		}
		want, wantOK := n.EditAtom(axis, v)
		got, ok := a.Edit(n, axis, v)
		require.Equal(t, wantOK, ok)
		if ok {
			require.True(t, Equal(want, got))
			back, found := got.SlotAtom(axis)
			require.True(t, found)
			require.True(t, Equal(v, back))
		}
	})
	_, ok := a.Edit(Cell(One, One), Cell(One, One), Zero)
	require.False(t, ok, "cell axis")
}

// TestCellAllocatorDeepEdit edits at an axis deeper than the path buffer
// kept on the stack.
func TestCellAllocatorDeepEdit(t *testing.T) {
	n := Zero
	for i := 0; i < 100; i++ {
		n = Cell(n, Atom(uint64(i)))
	}
	axis := AtomWords([]uint64{0, 1 << 36}) // 2^100: 100 heads down
	got, ok := NewCellAllocator(0).Edit(n, axis, Atom(7))
	require.True(t, ok)
	want, ok := n.EditAtom(axis, Atom(7))
	require.True(t, ok)
	require.True(t, Equal(want, got))
}

// TestCellAllocatorFresh checks that Fresh reports exactly the cells built
// since the last Reset.
func TestCellAllocatorFresh(t *testing.T) {
	a := NewCellAllocator(2)
	old := a.Cell(Atom(1), Atom(2))
	require.True(t, a.Fresh(old))
	a.Reset()
	require.False(t, a.Fresh(old))
	for i := range 5 { // across slab boundaries
		c := a.Cell(Atom(uint64(i)), old)
		require.True(t, a.Fresh(c))
	}
	require.False(t, a.Fresh(Cell(Atom(1), Atom(2))), "built by Cell")
	require.False(t, a.Fresh(Atom(3)))
	require.False(t, a.Fresh(Zero))
	require.False(t, a.Fresh(AtomWords([]uint64{1, 2})))
}
