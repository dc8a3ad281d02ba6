package noun

import (
	"sync"
	"unsafe"
)

// Small inputs (the messages a king and serf exchange, tens to hundreds of
// bytes) are decoded with pooled scratch space instead of fresh buffers:
// the input words, the offset index and the cells are built in a
// cueScratch, and the cells are then copied, in one allocation of exactly
// the right size, to the heap. A small message so costs one allocation for
// its cells plus one or two per atom wider than 64 bits, and the scratch
// space is cleared and reused.

// cueSmallBytes is the largest input decoded with scratch space.
const cueSmallBytes = 1024

const (
	cueSmallBits = 8 * cueSmallBytes
	// cueSmallShift is log2 of the cells a scratch holds, the most a valid
	// noun of cueSmallBytes can have (a cell and its two leaves take at
	// least 6 bits; more only for hostile input, which goes on to heap
	// slabs of the same size).
	cueSmallShift = 11
	cueSmallBuf   = cueSmallBytes/8 + 2 + 3*(cueSmallBits/64+1) + cueSmallBits/2/64 + 1
	cueSmallBigs  = 8
)

// cueScratch is the scratch space of one small Cue. Invariant: buf,
// cells and bigs are zero while it is in the pool.
type cueScratch struct {
	buf   [cueSmallBuf]uint64
	cells [1 << cueSmallShift]cellNode
	slabs [4][]cellNode
	bigs  [cueSmallBigs]bigEntry
	// bigList is the list of chunks of big atoms: s.bigs, then any on
	// the heap (appended beyond it, so never here).
	bigList [1][]bigEntry
}

// cueScratches holds *cueScratch values, each used by one Cue at a time.
var cueScratches = sync.Pool{New: func() any { return new(cueScratch) }}

// cueSmall is Cue for an input of at most cueSmallBytes bytes.
func cueSmall(b []byte) (Noun, error) {
	s := cueScratches.Get().(*cueScratch)
	var d decoder
	used := d.bufWords(b)
	d.init(b, s.buf[:used])
	s.bigList[0] = s.bigs[:0]
	d.bigs.start(s.bigList[:], 0)
	a := &d.cells
	a.shift = cueSmallShift
	a.slabs = append(s.slabs[:0], s.cells[:])
	r, err := d.run()
	inScratch := min(a.n, uint64(len(s.cells)))
	if err == nil {
		r = d.moveCells(r, s.cells[:inScratch])
	}
	// Clear only what was used. The first slab is s.cells itself, which
	// may stay: it holds nothing outside s.
	clear(s.buf[:used])
	clear(s.cells[:inScratch])
	if len(a.slabs) > 1 {
		clear(s.slabs[1:])
	}
	clear(s.bigs[:len(d.bigs.chunks[0])])
	cueScratches.Put(s)
	if err != nil {
		return Zero, err
	}
	return r, nil
}

// moveCells copies the cells decoded into scratch to one exactly sized
// heap slab, points every reference to them (from each other, from cells
// in later slabs, and the root r) at the copies, and returns the root.
func (d *decoder) moveCells(r Noun, scratch []cellNode) Noun {
	if len(scratch) == 0 {
		return r
	}
	heap := make([]cellNode, len(scratch))
	base := uintptr(unsafe.Pointer(&scratch[0]))
	const size = unsafe.Sizeof(cellNode{})
	span := uintptr(len(scratch)) * size
	move := func(x Noun) Noun {
		if x.p == nil || x.v != tagCell {
			return x
		}
		if off := uintptr(x.p) - base; off < span {
			return Noun{p: unsafe.Pointer(&heap[off/size]), v: tagCell}
		}
		return x
	}
	for i := range scratch {
		heap[i].head = move(scratch[i].head)
		heap[i].tail = move(scratch[i].tail)
	}
	a := &d.cells
	for i := uint64(len(scratch)); i < a.n; i++ {
		c := &a.slabs[i>>a.shift][i&(1<<a.shift-1)]
		c.head, c.tail = move(c.head), move(c.tail)
	}
	return move(r)
}
