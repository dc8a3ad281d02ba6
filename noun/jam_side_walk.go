package noun

import (
	"math"
	"math/bits"
	"unsafe"
)

// The side path: how Jam deduplicates a big noun without the mug.
//
// Canonical jam needs, for every cell in pre-order, the offset of the
// first structurally equal noun, if any. Two facts make that cheap for the
// nouns Jam mostly meets:
//
//   - Most repeats are the same pointer. In a noun decoded by Cue from a
//     canonical jam every repeat is (Cue shares the subtree a backref
//     names), and so is any subtree a program reuses. A per-cell side
//     entry found by address (sideTable) recognizes them: one memory
//     access, no hashing, no comparison.
//   - Structurally equal cells at different addresses are rare, and are
//     found by counting. A hashing pass over the distinct cells (hashWalk)
//     computes a structural hash of each, bottom-up from its children's,
//     into its side entry; the hashes are then counted (countSide) in
//     filters of two bits a slot that stay nearly cached, in tight loops
//     whose memory accesses overlap. A cell whose slot counted one cell
//     has no structural twin, and the writing pass (writeSide) never
//     looks it up in a table; only cells whose slot counted two or more
//     (twins, and a share of innocent neighbours) go to the exact table,
//     jammer.cells.
//
// The structural hash is not the mug. It is a 64-bit multiply-xorshift of
// the children's hashes, several times cheaper than murmur3, and it is
// kept in the side entry, never cached in the noun, so a big Jam computes
// no mugs except where two flagged cells' hashes collide (see sameKey). Wide direct atoms (more than shortAtomBits
// bits) and big atoms, which are backref candidates wherever they occur,
// are counted in the same filter, each occurrence once; the verdict for
// an atom is kept as a flag in its parent's side entry, so the writing
// pass reads no filter at all.
//
// A side entry (uint32) is 0 until hashWalk finishes the cell; then it is
// the cell's hash (all 32 bits; a hash of 0 is taken as 1). countSide
// counts the hashes and rewrites each entry as sideHashed | flags | the low
// sideValue bits of the hash; once writeSide has written the cell it is
// flags | 1 + the offset of the first copy of its structure. The flags are
// sideMany (the cell's hash is shared) and sideHeadMany, sideTailMany (the
// head or tail is a counted atom whose hash is shared). Counting the full
// 32 bits flags a sixteenth as many cells for equal hashes as counting 28
// would: a million cells have about a hundred pairs of equal 32-bit hashes.
// An offset must fit in sideValue bits, so hashWalk also bounds the length
// of the jam, and a noun whose jam may be longer (32 MiB) takes the mug
// path.
const (
	sideHashed    = 1 << 31
	sideMany      = 1 << 30
	sideHeadMany  = 1 << 29
	sideTailMany  = 1 << 28
	sideFlags     = sideMany | sideHeadMany | sideTailMany
	sideValue     = 1<<28 - 1
	sideMaxOffset = sideValue - 1
)

// sideSlotsPerKey is the number of slots per counted noun of the first
// filter of countSide (2 bytes a noun: it fits in the caches for a noun of
// a million cells), sideCandSlots that of the second, per candidate.
const (
	sideSlotsPerKey = 8
	sideCandSlots   = 16
)

// pairHash is the structural hash of a cell from those of its head and
// tail. Equal cells get equal hashes because equal atoms have the same
// representation (a direct atom is never a bigAtom) and so the same hash.
func pairHash(h, t uint32) uint32 {
	x := (uint64(h)<<32 | uint64(t)) * 0x9e3779b97f4a7c15
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	return uint32(x >> 32)
}

// sideFrame is a cell of hashWalk whose head (tail false) or tail (tail
// true) is being hashed; hh is the head's hash once tail is set.
type sideFrame struct {
	c    *cellNode
	e    *uint32
	ref  uint32
	hh   uint32
	tail bool
}

// sideAtom is an occurrence of a counted atom: its hash, and ref << 1 | 1
// if it is the tail of the cell whose side entry has reference ref (ref
// << 1 if it is the head). countSide also lists cells as sideAtoms, with
// the reference of their own entry.
type sideAtom struct {
	h, ref uint32
}

// sideAtomChunk is the length of a chunk of jammer.atomList: the list
// grows by chunks, never copying what it holds.
const sideAtomChunk = 1 << 13

// hashWalk enters the structural hash of every cell of root (each address
// once: a cell met again is not descended into) in the side table, lists
// the counted atoms in jammer.atomList, and bounds the bits of the jam in
// jammer.sideBound. It returns false if the side table overflowed,
// leaving the walk unfinished.
func (j *jammer) hashWalk(root *cellNode) bool {
	s := &j.side
	var buf [jamInlineTails]sideFrame
	stack := buf[:0]
	c := root
	e, ref := s.entry(unsafe.Pointer(c))
	s.cells++
	var hh uint32
	tail := false
	// bound sums, per cell, its tag and, per child, more than the longest
	// encoding it can get: 20+b for an atom of b bits (which takes at
	// most 15+b, a backref to it 16+b), 130+64w for a big atom of w
	// words, and for a backref to a cell, counted in reps, a bound found
	// once the offsets are bounded (backrefBound). A cell written as a
	// backref to an equal one at another address was counted in full:
	// at least 2+2*20 bits, no less than any backref to an offset of up
	// to 30 bits, and a longer jam is too long for the side path anyway.
	bound, reps := uint64(0), uint64(0)
	for {
		x := c.head
		if tail {
			x = c.tail
		}
		var h uint32
		switch {
		case x.p == nil:
			h = atomHash(x.v)
			bound += 20 + uint64(bits.Len64(x.v))
			if x.v >= 1<<shortAtomBits {
				j.listAtom(h, ref, tail)
			}
		case x.v == tagBig:
			h = mugBig(x.big())
			bound += 130 + 64*uint64(len(x.big().words))
			j.listAtom(h, ref, tail)
			j.nbigs++
		default:
			xe, xref := s.entry(x.p)
			if v := *xe; v != 0 {
				h = v
				reps++
				break
			}
			if s.cells++; s.over {
				return false
			}
			stack = append(stack, sideFrame{c, e, ref, hh, tail})
			c, e, ref, tail = x.cell(), xe, xref, false
			continue
		}
		// h is the hash of c's head or tail: hand it on, finishing every
		// cell whose tail it completes.
		for {
			if !tail {
				hh, tail = h, true
				break
			}
			if h = pairHash(hh, h); h == 0 {
				h = 1
			}
			*e = h
			bound += 2
			if len(stack) == 0 {
				j.sideBound = backrefBound(bound, reps)
				return !s.over
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			c, e, ref, hh, tail = f.c, f.e, f.ref, f.hh, f.tail
		}
	}
}

// backrefBound bounds the bits of a jam of other bits plus reps backrefs:
// an offset is below the whole, whose bit length is at most L, so a
// backref takes at most 2 + 2*bits.Len(L) + L bits.
func backrefBound(other, reps uint64) uint64 {
	if reps > 1<<32 || other > 1<<62 {
		return math.MaxUint64
	}
	l := uint64(bits.Len64(other + 64*reps))
	return other + reps*(2+2*uint64(bits.Len64(l))+l)
}

// listAtom appends a counted atom with hash h, the head (tail false) or
// tail of the cell whose entry has reference ref.
func (j *jammer) listAtom(h, ref uint32, tail bool) {
	r := ref << 1
	if tail {
		r |= 1
	}
	if len(j.atomTail) == cap(j.atomTail) {
		j.atomList = append(j.atomList, make([]sideAtom, 0, sideAtomChunk))
		j.atomTail = j.atomList[len(j.atomList)-1]
	}
	j.atomTail = append(j.atomTail, sideAtom{h, r})
	j.atomList[len(j.atomList)-1] = j.atomTail
	j.natoms++
}

// countSide counts every hashed cell and listed atom, and flags in the
// side entries those whose hash another shares. It returns how many cells
// and atom occurrences it flagged.
//
// Counting is in two rounds. The first counts everything in a filter of
// sideSlotsPerKey slots a noun; about one noun in eight shares its slot
// with an innocent neighbour. The nouns whose slot counted twice (the
// candidates: every noun with a structural twin, and those neighbours)
// are counted again in a second filter with an unrelated slot function,
// sideCandSlots slots each, small enough to stay in cache; only those
// counted twice there too are flagged. Twins have equal hashes, so they
// share a slot in both filters and are always flagged.
func (j *jammer) countSide() (cells, atoms int) {
	s := &j.side
	f := newSeenFilter(sideSlotsPerKey * (s.cells + j.natoms))
	for _, pg := range s.pages {
		for _, v := range pg {
			if v != 0 {
				f.add(cellSlot(v, f.shift))
			}
		}
	}
	for _, chunk := range j.atomList {
		for _, a := range chunk {
			f.add(cellSlot(a.h, f.shift))
		}
	}
	// The candidates: cells as (hash, entry reference), atoms as listed.
	// Each cell's entry takes its writing layout on the way.
	var candCells, candAtoms []sideAtom
	for pi, pg := range s.pages {
		for i, v := range pg {
			if v == 0 {
				continue
			}
			pg[i] = sideHashed | v&sideValue
			if f.isMany(cellSlot(v, f.shift)) {
				candCells = append(candCells, sideAtom{v, uint32(pi)<<sideRefShift | uint32(i)})
			}
		}
	}
	for _, chunk := range j.atomList {
		for _, a := range chunk {
			if f.isMany(cellSlot(a.h, f.shift)) {
				candAtoms = append(candAtoms, a)
			}
		}
	}
	g := newSeenFilter(sideCandSlots * (len(candCells) + len(candAtoms)))
	for _, c := range candCells {
		g.add(candSlot(c.h, g.shift))
	}
	for _, a := range candAtoms {
		g.add(candSlot(a.h, g.shift))
	}
	for _, c := range candCells {
		if g.isMany(candSlot(c.h, g.shift)) {
			*s.at(c.ref) |= sideMany
			cells++
		}
	}
	for _, a := range candAtoms {
		if g.isMany(candSlot(a.h, g.shift)) {
			// sideTailMany for a tail, sideHeadMany for a head.
			*s.at(a.ref >> 1) |= sideTailMany << (1 - a.ref&1)
			atoms++
		}
	}
	return cells, atoms
}

// runSide jams the cell n by the side path. It returns false, having
// written nothing, if the side table overflowed or the jam might be too
// long for the offsets a side entry holds.
func (j *jammer) runSide(n Noun) bool {
	free, perCell := sideFreeBytes, sideBytesPerCell
	if j.sideTight {
		free, perCell = 2*sidePageBytes, 0
	}
	j.side.init(free, perCell)
	defer j.dropSide()
	maxBits := uint64(sideMaxOffset)
	if j.sideMaxBits != 0 {
		maxBits = j.sideMaxBits
	}
	if !j.hashWalk(n.cell()) || j.sideBound > maxBits {
		return false
	}
	cells, _ := j.countSide()
	// The cell table's entries are flagged cells and big atoms, each
	// entered once: sized for them all, it never grows (growing it would
	// need the mugs of its cells). The atom table holds the distinct
	// values among the flagged atoms, usually far fewer than their
	// occurrences, and grows as it needs.
	j.cells.reserve(cells + j.nbigs + 1)
	// The output in one allocation, rather than doubling through every
	// size: the bound exceeds the length by a tenth or two.
	j.w.reserve(j.sideBound)
	j.writeSide(n)
	j.w.trim()
	return true
}

// dropSide lets the side path's buffers go.
func (j *jammer) dropSide() {
	j.side = sideTable{}
	clear(j.atomList)
	j.atomList, j.atomTail, j.natoms, j.nbigs = j.atomList[:0], nil, 0, 0
}
