package noun

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// noFresh fails if any cell reachable from n is of a's current epoch.
func noFresh(t require.TestingT, a *CellAllocator, n Noun) {
	st := []Noun{n}
	for len(st) > 0 {
		x := st[len(st)-1]
		st = st[:len(st)-1]
		require.False(t, a.fresh(x), "a cell of the current epoch survived Keep")
		if h, tl, ok := x.Uncell(); ok {
			st = append(st, h, tl)
		}
	}
}

// TestKeepProperty builds random nouns with the allocator, over older
// cells of an earlier epoch, and checks Keep returns an equal noun with
// no cell of the epoch left and the older cells shared.
func TestKeepProperty(t *testing.T) {
	a := NewCellAllocator(4)
	rapid.Check(t, func(t *rapid.T) {
		// Older nouns: heap cells and cells of the previous epoch.
		parts := []Noun{Zero, a.Cell(genNoun().Draw(t, "old"), One)}
		for range rapid.IntRange(0, 10).Draw(t, "heap") {
			h := parts[rapid.IntRange(0, len(parts)-1).Draw(t, "hh")]
			tl := parts[rapid.IntRange(0, len(parts)-1).Draw(t, "ht")]
			parts = append(parts, Cell(h, tl))
		}
		a.Reset()
		for range rapid.IntRange(1, 40).Draw(t, "cells") {
			h := parts[rapid.IntRange(0, len(parts)-1).Draw(t, "h")]
			tl := parts[rapid.IntRange(0, len(parts)-1).Draw(t, "t")]
			parts = append(parts, a.Cell(h, tl))
		}
		n := parts[len(parts)-1]
		if rapid.Bool().Draw(t, "mug") {
			Mug(n)
		}
		k := a.Keep(n)
		require.True(t, Equal(n, k))
		require.Equal(t, Mug(n), Mug(k))
		noFresh(t, a, k)
		a.Reset()
	})
}

// TestKeepSharing checks that a cell reached twice is copied once, and
// that a doubling chain (2^200 paths, 200 cells) is kept in linear time.
func TestKeepSharing(t *testing.T) {
	a := NewCellAllocator(0)
	old := Cell(Atom(7), Atom(8))
	x := a.Cell(old, One)
	n := a.Cell(x, x)
	for range 200 {
		n = a.Cell(n, n)
	}
	k := a.Keep(n)
	h, tl, _ := k.Uncell()
	require.Equal(t, h.p, tl.p, "a shared cell was copied twice")
	for range 200 {
		k = k.Head()
	}
	require.Equal(t, k.Head().p, k.Tail().p)
	require.Equal(t, old.p, k.Head().Head().p, "an older cell was copied")
	noFresh(t, a, k.Head())
}

// TestKeepDeepAndMugs keeps a list a million cells long (no recursion) and
// checks the cached mugs travel with the copies.
func TestKeepDeepAndMugs(t *testing.T) {
	a := NewCellAllocator(0)
	n := Zero
	for i := range 1_000_000 {
		n = a.Cell(Atom(uint64(i)), n)
	}
	m := Mug(n)
	k := a.Keep(n)
	require.NotEqual(t, n.p, k.p)
	require.Equal(t, m, k.cell().mug.Load(), "mug cache not copied")
	require.True(t, Equal(n, k))
	// The big table is dropped, and a later small Keep still works.
	require.Nil(t, a.moved.slots)
	a.Reset()
	small := a.Cell(One, a.Cell(One, Zero))
	require.True(t, Equal(small, a.Keep(small)))
}

// TestKeepNotFresh checks Keep returns atoms, heap cells and cells of an
// earlier epoch unchanged.
func TestKeepNotFresh(t *testing.T) {
	a := NewCellAllocator(0)
	prev := a.Cell(One, One)
	a.Reset()
	for _, n := range []Noun{Zero, Atom(5), AtomWords([]uint64{1, 2}), Cell(One, Zero), prev} {
		k := a.Keep(n)
		require.Equal(t, n.p, k.p)
		require.Equal(t, n.v, k.v)
	}
}

// TestKeepBreaksSlabChains runs a state machine whose every step leaves
// garbage pointing at the previous state in the same slab as the next
// state: without Keep each state pins its slab, whose garbage pins the
// previous state's slab, and so on back to the start.
func TestKeepBreaksSlabChains(t *testing.T) {
	a := NewCellAllocator(0)
	state := Cell(Zero, Zero)
	step := func(i int) {
		a.Cell(state, One) // garbage that still points at the old state
		state = a.Keep(a.Cell(Atom(uint64(i)), Zero))
		a.Reset()
	}
	live := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for i := range 1000 {
		step(i)
	}
	before := live()
	for i := range 200_000 {
		step(i)
	}
	after := live()
	runtime.KeepAlive(state)
	require.Less(t, after, before+1<<20, "live heap grew from %d to %d bytes", before, after)
}

// TestKeepTableReset fills the table through several grows, resets it, and
// checks every slot is empty again, for tables kept and dropped.
func TestKeepTableReset(t *testing.T) {
	for _, n := range []int{1, 31, 33, 500, keepTableMax} {
		var tb keepTable
		cells := make([]cellNode, n)
		for i := range cells {
			tb.put(unsafe.Pointer(&cells[i]), unsafe.Pointer(&cells[(i+1)%n]))
		}
		for i := range cells {
			require.Equal(t, unsafe.Pointer(&cells[(i+1)%n]), tb.get(unsafe.Pointer(&cells[i])))
		}
		tb.reset()
		require.Zero(t, tb.n)
		for _, s := range tb.slots {
			require.Nil(t, s.from, "table of %d: a slot survived reset", n)
		}
		for i := range cells {
			require.Nil(t, tb.get(unsafe.Pointer(&cells[i])))
		}
	}
}
