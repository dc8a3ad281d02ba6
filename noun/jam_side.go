package noun

import "unsafe"

// sideTable gives every cell a big Jam meets one word of bookkeeping (a
// side entry, see jam_side_walk.go), found by the cell's address, so that
// Jam never writes into a cell: nouns are immutable and may be read by
// other goroutines while they are jammed.
//
// It is a paged direct map, not a hash table. Any two cellNodes are at
// least a cellNode's length apart, so within 8 KiB of address space the
// offset of a cell divided by that length names at most one cell, and the
// cell's entry sits at a fixed place in the page of its 8 KiB. Cells that
// were allocated together (a slab of Cue, a span of the allocator) share
// pages, and a walk that meets them in allocation order reads its entries
// in order too: in a noun decoded by Cue, jam's pre-order is the order in
// which Cue allocated the cells, so a first visit never waits for memory.
// Only the pages are found by hashing, in a small directory, and a few
// pages used last are remembered (sideCacheLen, direct-mapped), so that
// consecutive cells skip even that, and so does the return to the page of
// a walk after a look at a repeat elsewhere. An entry is 4 bytes, a tenth
// of the cell, so that the entries of a noun of a million cells (whose
// repeats are looked up at random) stay in cache as far as they can.
//
// The price is memory for the slots of a page that hold no cell of the
// noun. A noun whose cells are scattered thinly over the heap would need a
// page per cell, so the table reports overflow once its pages outweigh
// sideBytesPerCell bytes per cell met (plus a fixed allowance), and Jam then
// takes the mug path instead.
//
// Invariants: dir holds one slot per page, keyed by page number + 1 (0 is
// an empty slot), at most half full; pages[i] is the page of the dir slot
// with idx i; a cache slot holds a page number (or noPage), its page and
// its index, and page number pg is only ever in slot pg % sideCacheLen;
// an entry is 0 until its cell is hashed.
type sideTable struct {
	dir   []sideDirSlot
	ndir  int
	pages []*sidePage
	chunk []sidePage // pages allocated but not yet used
	cache [sideCacheLen]sideCacheSlot
	// cells counts the cells the walk has met, for the overflow check;
	// the pages may hold free + perCell*cells bytes.
	cells         int
	free, perCell int
	over          bool
}

const (
	// sidePageShift is log2 of the bytes of address a page covers.
	sidePageShift = 13
	// sideStride is the bytes of address per slot: no two cells start
	// within one stride of each other.
	sideStride  = unsafe.Sizeof(cellNode{})
	sidePageLen = 1<<sidePageShift/sideStride + 1
	// sideRefShift is the bits of a reference (see entry) for the slot.
	sideRefShift  = 8
	sidePageBytes = int(unsafe.Sizeof(sidePage{}))
	// sideChunk is the number of pages allocated at once.
	sideChunk = 32
	// sideBytesPerCell and sideFreeBytes bound the pages: past
	// sideFreeBytes + sideBytesPerCell * cells, the table overflows. A
	// noun from Cue needs about 4 bytes per cell, one built by Cell about
	// 5 when its cells were allocated together.
	sideBytesPerCell = 64
	sideFreeBytes    = 1 << 20
	// sideMaxPages keeps page indexes within the 23 bits a list reference
	// has for them (see sideAtom).
	sideMaxPages = 1 << 23
	noPage       = ^uintptr(0)
)

// sidePage holds the entries of 8 KiB of address space.
type sidePage [sidePageLen]uint32

// sideCacheLen is the number of pages remembered outside the directory.
const sideCacheLen = 16

type sideCacheSlot struct {
	pg   uintptr
	page *sidePage
	idx  uint32
}

type sideDirSlot struct {
	key  uintptr // page number + 1; 0 = empty
	page *sidePage
	idx  uint32
}

// init empties the table and sets its budget: its pages may take free
// bytes plus perCell bytes per cell met.
func (s *sideTable) init(free, perCell int) {
	*s = sideTable{dir: make([]sideDirSlot, 256), free: free, perCell: perCell}
	for i := range s.cache {
		s.cache[i].pg = noPage
	}
}

// entry returns the entry of the cell at p, creating its page if needed,
// and the entry's reference: its page's index << sideRefShift | its slot.
func (s *sideTable) entry(p unsafe.Pointer) (*uint32, uint32) {
	a := uintptr(p)
	pg := a >> sidePageShift
	c := &s.cache[pg%sideCacheLen]
	if c.pg != pg {
		c.page, c.idx = s.page(pg)
		c.pg = pg
	}
	slot := uint32(a & (1<<sidePageShift - 1) / sideStride)
	return &c.page[slot], c.idx<<sideRefShift | slot
}

// at returns the entry with reference ref.
func (s *sideTable) at(ref uint32) *uint32 {
	return &s.pages[ref>>sideRefShift][ref&(1<<sideRefShift-1)]
}

// dirHash spreads page numbers, which are mostly consecutive, over dir.
func dirHash(pg uintptr) uintptr { return uintptr(uint64(pg) * 0x9e3779b97f4a7c15 >> 32) }

// page returns the page of page number pg and its index, creating it.
func (s *sideTable) page(pg uintptr) (*sidePage, uint32) {
	mask := uintptr(len(s.dir) - 1)
	key := pg + 1
	for i := dirHash(pg) & mask; ; i = (i + 1) & mask {
		d := &s.dir[i]
		if d.key == key {
			return d.page, d.idx
		}
		if d.key == 0 {
			return s.add(d, key)
		}
	}
}

// add makes a new page for the empty dir slot d.
func (s *sideTable) add(d *sideDirSlot, key uintptr) (*sidePage, uint32) {
	if len(s.chunk) == 0 {
		s.chunk = make([]sidePage, sideChunk)
	}
	p := &s.chunk[0]
	s.chunk = s.chunk[1:]
	idx := uint32(len(s.pages))
	s.pages = append(s.pages, p)
	d.key, d.page, d.idx = key, p, idx
	if len(s.pages) >= sideMaxPages || len(s.pages)*sidePageBytes > s.free+s.perCell*s.cells {
		s.over = true
	}
	if s.ndir++; 2*s.ndir > len(s.dir) {
		s.growDir()
	}
	return p, idx
}

func (s *sideTable) growDir() {
	old := s.dir
	s.dir = make([]sideDirSlot, 2*len(old))
	mask := uintptr(len(s.dir) - 1)
	for _, d := range old {
		if d.key == 0 {
			continue
		}
		i := dirHash(d.key-1) & mask
		for s.dir[i].key != 0 {
			i = (i + 1) & mask
		}
		s.dir[i] = d
	}
}

// A page's slots fit in a reference's slot bits.
var _ [1<<sideRefShift - sidePageLen]byte
