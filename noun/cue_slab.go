package noun

import "unsafe"

// A big Cue builds its cells in slabs the garbage collector does not scan.
//
// A noun decoded from a few megabytes is millions of cells, 40 bytes each,
// two pointers each, and the collector would otherwise trace every one of
// them in every cycle for as long as the noun lives (a serf's kernel
// lives for the whole process), and during the decoding itself, where its
// marking and write barriers cost a fifth of the CPU time. But the cells
// of one Cue point only to cells and big atoms of that same Cue, so
// liveness can be kept at the level of the whole decoding instead: every
// slab's first word points to the Cue's cueGroup, which points to every
// slab and every big atom of that Cue, and the rest of the slab is
// pointer-free as far as the collector knows (rawCell). A pointer to any
// cell keeps its slab alive (the collector honours pointers into the
// middle of an object), the slab keeps the group alive, and the group
// keeps everything the cells can point to.
//
// The price is retention: as long as any cell of a big Cue is referenced,
// all of that Cue's cells and big atoms stay in memory. The cells of a
// kernel mostly stay referenced anyway.
//
// Because the collector does not see the pointers in a rawCell, they are
// written as integers, without write barriers, and must only ever point
// to cells and big atoms the group holds: Cue writes them while decoding,
// and nothing writes them afterwards (nouns are immutable; a cell's mug
// cache is not a pointer).

// rawCell is a cellNode as the collector sees a cell of a cueSlab: the
// same layout (checked below), no pointers.
type rawCell struct {
	hp  uintptr
	hv  uint64
	tp  uintptr
	tv  uint64
	mug uint32
	gen uint32
}

// cueSlabCells is the number of cells of a cueSlab; Cue uses cueSlabs for
// inputs whose slabs would have this many cells anyway.
const cueSlabCells = 1 << maxSlabShift

// cueSlab is a slab of a big Cue. Only group, its first word, is scanned.
type cueSlab struct {
	group *cueGroup
	cells [cueSlabCells]rawCell
}

// cueGroup holds everything the cells of one big Cue can point to.
type cueGroup struct {
	slabs []*cueSlab
	bigs  [][]bigEntry
}

// newSlab returns a fresh slab of 1 << a.shift cells: a cueSlab if a has a
// group, else an ordinary slice of cells.
func (a *cellArena) newSlab() []cellNode {
	if a.group == nil {
		return make([]cellNode, 1<<a.shift)
	}
	s := &cueSlab{group: a.group}
	a.group.slabs = append(a.group.slabs, s)
	return unsafe.Slice((*cellNode)(unsafe.Pointer(&s.cells[0])), len(s.cells))
}

// setHead stores r as the head of the cell c that a allocated: as integers
// into a cueSlab, normally into an ordinary slab.
func (a *cellArena) setHead(c *cellNode, r Noun) {
	if a.group != nil {
		rc := (*rawCell)(unsafe.Pointer(c))
		rc.hp, rc.hv = uintptr(r.p), r.v
		return
	}
	c.head = r
}

// setTail is setHead for the tail.
func (a *cellArena) setTail(c *cellNode, r Noun) {
	if a.group != nil {
		rc := (*rawCell)(unsafe.Pointer(c))
		rc.tp, rc.tv = uintptr(r.p), r.v
		return
	}
	c.tail = r
}

// A rawCell must have a cellNode's layout: each line fails to compile if
// a size or an offset differs.
var (
	_ = [1]int{}[unsafe.Sizeof(rawCell{})-unsafe.Sizeof(cellNode{})]
	_ = [1]int{}[unsafe.Offsetof(rawCell{}.hv)-unsafe.Offsetof(cellNode{}.head)-unsafe.Offsetof(Noun{}.v)]
	_ = [1]int{}[unsafe.Offsetof(rawCell{}.tp)-unsafe.Offsetof(cellNode{}.tail)]
	_ = [1]int{}[unsafe.Offsetof(rawCell{}.tv)-unsafe.Offsetof(cellNode{}.tail)-unsafe.Offsetof(Noun{}.v)]
	_ = [1]int{}[unsafe.Offsetof(rawCell{}.mug)-unsafe.Offsetof(cellNode{}.mug)]
	_ = [1]int{}[unsafe.Offsetof(rawCell{}.gen)-unsafe.Offsetof(cellNode{}.gen)]
	_ = [1]int{}[unsafe.Offsetof(Noun{}.p)+unsafe.Offsetof(cellNode{}.head)]
)
