package noun

import (
	"math/bits"
	"unsafe"
)

// cellArena allocates the cells of one Cue call from slabs and finds an
// earlier noun again by the offset where it started, for backrefs.
//
// Cells are numbered in the order they start, which is increasing offset
// order, so the number of the cell that started at offset k is the number
// of cell starts before k. The index keeps, per 64 input bits, the bitmaps
// of cell and direct-atom starts and the count of cells before them, in one
// entry: a backref costs one random memory access, not a search. A slab
// stays alive while any of its cells is referenced; that is the price of
// one allocation per thousands of cells.
//
// Invariants: index[w].cells bit j is set iff a cell started at offset
// 64w+j, likewise index[w].atoms for direct atoms; index[w].base is the
// number of cells that started before offset 64w, for w <= filled; cell i
// is slabs[i>>shift][i&mask]; bit i of done is set once cell i has both
// head and tail (until then a backref to it would build a cycle).
type cellArena struct {
	slabs  [][]cellNode
	shift  uint
	n      uint64 // cells allocated
	index  []startEntry
	filled uint64
	done   []uint64
	// group, when set, makes the slabs cueSlabs (see cue_slab.go).
	group *cueGroup
}

// startEntry indexes 64 bits of input.
type startEntry struct {
	cells, atoms uint64
	base         uint64
}

const (
	minSlabShift = 3
	maxSlabShift = 12
)

// indexLen is the number of index entries for an input of nbits bits.
func indexLen(nbits uint64) uint64 { return nbits/64 + 1 }

// doneLen is the number of words of done bits for an input of nbits bits.
// Every cell allocated has consumed 2 bits of tag, so there are at most
// nbits/2 of them. (A valid noun has at most nbits/4 cells, but hostile
// input can open cells to the very end.)
func doneLen(nbits uint64) uint64 { return nbits/2/64 + 1 }

// init sets the arena up for an input of nbits bits, with zeroed index
// (indexLen entries) and done (doneLen words). The slab size guesses one
// cell per two input bytes, so a small message allocates a small slab.
func (a *cellArena) init(nbits uint64, index []startEntry, done []uint64) {
	a.shift = uint(min(max(bits.Len64(nbits/16), minSlabShift), maxSlabShift))
	a.index = index
	a.done = done
}

// alloc returns a fresh cell that starts at offset pos, and its number.
// Offsets must increase from call to call.
func (a *cellArena) alloc(pos uint64) (*cellNode, uint64) {
	i := a.n
	mask := uint64(1)<<a.shift - 1
	if i>>a.shift == uint64(len(a.slabs)) {
		// Cell i starts a slab not made yet (a small Cue provides the
		// first slab itself).
		a.slabs = append(a.slabs, a.newSlab())
	}
	w := pos / 64
	for a.filled < w {
		a.filled++
		a.index[a.filled].base = i
	}
	a.index[w].cells |= 1 << (pos % 64)
	a.n++
	return &a.slabs[i>>a.shift][i&mask], i
}

// finish records that cell i is complete.
func (a *cellArena) finish(i uint64) { a.done[i/64] |= 1 << (i % 64) }

// markAtom records that a direct atom started at offset pos.
func (a *cellArena) markAtom(pos uint64) { a.index[pos/64].atoms |= 1 << (pos % 64) }

// startKind says what started at an offset.
type startKind uint8

const (
	startNone startKind = iota
	startAtom
	startCell
)

// at returns what started at offset k < nbits and, for a complete cell,
// the cell. A cell still being decoded counts as startNone.
func (a *cellArena) at(k uint64) (startKind, Noun) {
	e := &a.index[k/64]
	bit := uint64(1) << (k % 64)
	if e.atoms&bit != 0 {
		return startAtom, Zero
	}
	if e.cells&bit == 0 {
		return startNone, Zero
	}
	i := e.base + uint64(bits.OnesCount64(e.cells&(bit-1)))
	if a.done[i/64]>>(i%64)&1 == 0 {
		return startNone, Zero
	}
	c := &a.slabs[i>>a.shift][i&(1<<a.shift-1)]
	return startCell, Noun{p: unsafe.Pointer(c), v: tagCell}
}
