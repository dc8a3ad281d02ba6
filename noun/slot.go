package noun

import "math/bits"

// Slot returns the subtree of n at axis (Nock's / operator): 1 is n itself,
// 2 the head, 3 the tail, 2k the head of axis k, 2k+1 its tail. ok is false
// for axis 0 or when the path runs into an atom.
func (n Noun) Slot(axis uint64) (Noun, bool) {
	if axis == 0 {
		return Zero, false
	}
	for depth := bits.Len64(axis) - 2; depth >= 0; depth-- {
		c, ok := n.asCell()
		if !ok {
			return Zero, false
		}
		if axis>>uint(depth)&1 == 0 {
			n = c.head
		} else {
			n = c.tail
		}
	}
	return n, true
}

// SlotAtom is Slot with an axis of any size, given as an atom. ok is false
// for a cell axis, axis 0, or a path that runs into an atom.
func (n Noun) SlotAtom(axis Noun) (Noun, bool) {
	if v, ok := axis.Word(); ok {
		return n.Slot(v)
	}
	if axis.IsCell() {
		return Zero, false
	}
	for i := axis.BitLen() - 2; i >= 0; i-- {
		c, ok := n.asCell()
		if !ok {
			return Zero, false
		}
		if axis.Bit(i) {
			n = c.tail
		} else {
			n = c.head
		}
	}
	return n, true
}

// Edit returns n with the subtree at axis replaced by v (Nock's # operator).
// ok is false for axis 0 or when the path runs into an atom. Only the cells
// on the path are copied; everything else is shared.
func (n Noun) Edit(axis uint64, v Noun) (Noun, bool) {
	return n.EditAtom(Atom(axis), v)
}

// EditAtom is Edit with an axis of any size, given as an atom.
func (n Noun) EditAtom(axis Noun, v Noun) (Noun, bool) {
	return editAtom(n, axis, v, nil)
}

func (n Noun) asCell() (*cellNode, bool) {
	if !n.IsCell() {
		return nil, false
	}
	return n.cell(), true
}
