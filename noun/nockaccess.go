package noun

import (
	"math/bits"
	"unsafe"
)

// Accessors for the Nock interpreter's hot path (serf/nock): each is small
// enough for the compiler to inline into the interpreter's loop, which
// Slot is not.

// WalkPath relies on a cellNode starting with its head and tail, in that order,
// so that the child at bit b of an axis is element b of a [2]Noun. These
// array lengths underflow, failing the build, if that ever changes.
var (
	_ [unsafe.Offsetof(cellNode{}.tail) - unsafe.Sizeof(Noun{})]byte
	_ [unsafe.Sizeof(Noun{}) - unsafe.Offsetof(cellNode{}.tail)]byte
	_ [-unsafe.Offsetof(cellNode{}.head)]byte
)

// CellID returns the address of a cell's storage as an integer, or 0 for
// an atom. Two handles with the same non-zero CellID are the same cell, not
// merely equal ones; an interpreter keys per-formula caches by it, keeping
// the noun itself in the entry so the address cannot be reused while the
// entry exists.
func (n Noun) CellID() uint64 {
	if n.v != tagCell {
		return 0
	}
	return uint64(uintptr(n.p))
}

// Walk returns the subtree of n at the direct axis w >= 1 (Walk(0) is n).
// ok is false when the path runs into an atom. It is Slot without the
// check for axis 0, for callers that have made it already.
func (n Noun) Walk(w uint64) (Noun, bool) {
	return n.WalkPath(AxisPath(w))
}

// AxisPath splits the direct axis w >= 1 into the number of steps from the
// root and the path bits below its leading 1, moved to the top of the word
// (0 = head), which is how WalkPath takes them: an interpreter that meets
// the same axis again and again computes this once.
func AxisPath(w uint64) (path uint64, steps int) {
	k := bits.Len64(w) - 1
	return w << (uint(64-k) & 63), k
}

// WalkPath is Walk for an axis split by AxisPath. The child at each step
// is picked by indexing rather than by a branch on the path bit.
func (n Noun) WalkPath(path uint64, steps int) (Noun, bool) {
	for ; steps > 0; steps-- {
		if n.p == nil || n.v != tagCell {
			return Zero, false
		}
		n = (*[2]Noun)(n.p)[path>>63]
		path <<= 1
	}
	return n, true
}
