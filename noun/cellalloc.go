package noun

import "unsafe"

// CellAllocator builds cells from slabs: one allocation per slab instead
// of one per cell, which is most of the cost of an interpreter that builds
// millions of short-lived cells. A cell built by it is an ordinary noun,
// indistinguishable from one built by Cell.
//
// The price is retention: a slab stays in memory while any of its cells
// is referenced, so one long-lived cell keeps its whole slab, and the
// nouns its slab-mates point to, alive. A state machine that keeps each
// step's product would chain every step's garbage to the next that way,
// so a product meant to outlive the step goes through Keep, which moves
// the cells built since the last Reset out of their slabs.
//
// A CellAllocator is not safe for concurrent use; the cells it builds are,
// like all nouns.
type CellAllocator struct {
	// slab is the current slab; slab[next:] are its unused cells. Cells
	// are handed out by index rather than by re-slicing so that building
	// one stores no pointer into the allocator (no write barrier).
	slab []cellNode
	next int
	size int
	// gen stamps the cells built since the last Reset; never 0, the stamp
	// of cells built any other way.
	gen uint32
	// moved maps the cells Keep has copied to their copies.
	moved keepTable
	stack []keepFrame
}

// DefaultCellSlab is the slab size NewCellAllocator uses for a size of 0
// or less.
const DefaultCellSlab = 64

// NewCellAllocator returns an allocator that takes cells from slabs of
// slab cells each (DefaultCellSlab if slab <= 0).
func NewCellAllocator(slab int) *CellAllocator {
	if slab <= 0 {
		slab = DefaultCellSlab
	}
	return &CellAllocator{size: slab, gen: 1}
}

// Cell returns the cell [h t], like the package-level Cell.
func (a *CellAllocator) Cell(h, t Noun) Noun {
	if a.next >= len(a.slab) {
		a.slab, a.next = make([]cellNode, a.size), 0
	}
	c := &a.slab[a.next]
	a.next++
	c.head, c.tail, c.gen = h, t, a.gen
	return Noun{p: unsafe.Pointer(c), v: tagCell}
}

// Edit is EditAtom with the copied cells built by a: n with the subtree at
// axis replaced by v. ok is false for a cell axis, axis 0, or a path that
// runs into an atom.
func (a *CellAllocator) Edit(n, axis, v Noun) (Noun, bool) {
	return editAtom(n, axis, v, a)
}

// editAtom is EditAtom building the copied spine with a (nil: Cell). The
// path of up to 64 cells lives on the stack.
func editAtom(n, axis, v Noun, a *CellAllocator) (Noun, bool) {
	if axis.IsCell() || axis.IsZero() {
		return Zero, false
	}
	depth := axis.BitLen() - 1
	var buf [64]*cellNode
	path := buf[:0] // grows on the heap past 64 levels
	cur := n
	for i := depth - 1; i >= 0; i-- {
		c, ok := cur.asCell()
		if !ok {
			return Zero, false
		}
		path = append(path, c)
		if axis.Bit(i) {
			cur = c.tail
		} else {
			cur = c.head
		}
	}
	out := v
	for j := len(path) - 1; j >= 0; j-- {
		c := path[j]
		if axis.Bit(depth - 1 - j) {
			out = a.cell(c.head, out)
		} else {
			out = a.cell(out, c.tail)
		}
	}
	return out, true
}

// Reset starts a new epoch: the cells built from now on are the ones the
// next Keep moves. Call it between steps, after keeping what is kept.
func (a *CellAllocator) Reset() {
	a.gen++
	if a.gen == 0 {
		a.gen = 1
	}
}

// cell builds [h t] with a, or with Cell when a is nil.
func (a *CellAllocator) cell(h, t Noun) Noun {
	if a == nil {
		return Cell(h, t)
	}
	return a.Cell(h, t)
}

// Fresh reports whether n is a cell a built since the last Reset (or a
// cell of another allocator whose epoch has the same number). A cache
// that outlives the epoch should not hold such a cell: it would pin the
// cell's slab, which Keep exists to release.
func (a *CellAllocator) Fresh(n Noun) bool { return a.fresh(n) }

// fresh reports whether n is a cell a built in the current epoch. A cell
// of another allocator whose epoch has the same number passes too; moving
// it is merely unnecessary.
func (a *CellAllocator) fresh(n Noun) bool {
	return n.v == tagCell && n.p != nil && (*cellNode)(n.p).gen == a.gen
}
