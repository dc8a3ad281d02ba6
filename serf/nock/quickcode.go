package nock

import "github.com/kingserf/king/noun"

// Small formulas (the ones quick.go evaluates without frames) are compiled
// once into a tree of qnodes, cached by quickcache.go, so that evaluating
// them again (every iteration of a loop, every call of a gate) skips
// decoding the formula: checking that each part is a cell, that the opcode
// is a direct atom, which opcode it is, whether an operand is a slot, and
// splitting each axis into a path. Decoding was about a third of the
// interpreter's instructions.
//
// A compiled formula is only a faster way to do what decoding would do:
// it accepts the same formulas (compile follows quick's old rules), counts
// the same steps and charges the same memory, and gives up in the same
// places, leaving the crash to the general path.

// qop is what a qnode computes.
type qop uint8

const (
	// qSlot: [0 a] with a direct axis a >= 1, split by noun.AxisPath into
	// path and depth.
	qSlot qop = iota
	// qConst: [1 k].
	qConst
	// qBumpSlot: [4 0 a] with a direct axis a >= 1 as for qSlot: the
	// increment of a slot, as common as slots and two steps.
	qBumpSlot
	// qSlotAtom: [0 k] with k 0, big, or a cell (which fail).
	qSlotAtom
	// qDeep: [3 a].
	qDeep
	// qBump: [4 a].
	qBump
	// qCons: [a b] (autocons).
	qCons
	// qSame: [5 a b].
	qSame
	// qEdit: [10 [k a] b]: b with axis k (an atom) replaced by a.
	qEdit
)

// The order of the ops matters: quick tests ranges, not each op.
const (
	// qInline is the first op quick evaluates by a call: the ops below
	// it are evaluated in place where they are operands.
	qInline = qSlotAtom
	// qBinary is the first op with two operands (a and b); qDeep and
	// qBump have one (a), the ops below qBinary none.
	qBinary = qCons
)

// qnode is one formula of a compiled small formula; a and b are its
// operands, in the order the formula lists them. Nodes are immutable once
// built.
type qnode struct {
	op qop
	// depth and path are the axis of qSlot and qBumpSlot, split by
	// noun.AxisPath.
	depth int32
	path  uint64
	// k is qConst's constant, qSlotAtom's axis and qEdit's axis.
	k    noun.Noun
	a, b *qnode
}

// heapCode compiles form into nodes of its own, or returns nil when quick
// does not evaluate it: a first pass into a fixed buffer counts the nodes,
// a second builds them in one allocation of that size.
func heapCode(form noun.Noun) *qnode {
	var buf [qScratch]qnode
	b := qbuilder{nodes: buf[:0]}
	if b.compile(form, quickDepth) == nil {
		return nil
	}
	h := qbuilder{nodes: make([]qnode, 0, len(b.nodes))}
	return h.compile(form, quickDepth)
}

// qScratch bounds the nodes of one compiled formula: quick looks at no
// more than 15 formulas (quickDepth 3), each making one node, or two for
// an increment of a slot (the slot's node is then unused).
const qScratch = 32

// qbuilder hands out the nodes of one compiled formula from a slice whose
// capacity is never exceeded, so the nodes never move.
type qbuilder struct {
	nodes []qnode
}

// node adds n, or returns nil when the capacity is used up (compiling
// then gives up, which only sends the formula to the general path).
func (b *qbuilder) node(n qnode) *qnode {
	if len(b.nodes) == cap(b.nodes) {
		return nil
	}
	b.nodes = append(b.nodes, n)
	return &b.nodes[len(b.nodes)-1]
}

// compile compiles form, nested at most depth deep, or returns nil when
// quick does not evaluate it. The rules: opcodes 0 and 1 at any depth;
// autocons, 3, 4, 5 and 10 only above depth 0, with well-formed arguments
// and operands one level down; nothing else.
func (b *qbuilder) compile(form noun.Noun, depth int) *qnode {
	op, arg, ok := form.Uncell()
	if !ok {
		return nil
	}
	code, direct := op.Word()
	if !direct {
		if depth == 0 || !op.IsCell() {
			return nil
		}
		return b.pair(qCons, noun.Zero, b.compile(op, depth-1), b.compile(arg, depth-1))
	}
	switch code {
	case 0:
		if w, ok := arg.Word(); ok && w != 0 {
			path, steps := noun.AxisPath(w)
			return b.node(qnode{op: qSlot, path: path, depth: int32(steps)})
		}
		return b.node(qnode{op: qSlotAtom, k: arg})
	case 1:
		return b.node(qnode{op: qConst, k: arg})
	}
	if depth == 0 {
		return nil
	}
	switch code {
	case 3, 4:
		a := b.compile(arg, depth-1)
		switch {
		case a == nil:
			return nil
		case code == 3:
			return b.node(qnode{op: qDeep, a: a})
		case a.op == qSlot:
			return b.node(qnode{op: qBumpSlot, path: a.path, depth: a.depth})
		}
		return b.node(qnode{op: qBump, a: a})
	case 5:
		x, y, ok := arg.Uncell()
		if !ok {
			return nil
		}
		return b.pair(qSame, noun.Zero, b.compile(x, depth-1), b.compile(y, depth-1))
	case 10:
		xy, d, ok := arg.Uncell()
		if !ok {
			return nil
		}
		x, y, ok := xy.Uncell()
		if !ok || x.IsCell() {
			return nil
		}
		return b.pair(qEdit, x, b.compile(y, depth-1), b.compile(d, depth-1))
	}
	return nil
}

// pair returns the node op with operands x and y, or nil if either is nil.
func (b *qbuilder) pair(op qop, k noun.Noun, x, y *qnode) *qnode {
	if x == nil || y == nil {
		return nil
	}
	return b.node(qnode{op: op, k: k, a: x, b: y})
}
