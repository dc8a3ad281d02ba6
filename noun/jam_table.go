package noun

import "unsafe"

// jamTable remembers the cells and big atoms jam has written, by
// structure, with the offset of each one's first copy.
//
// It is an open-addressing hash table with linear probing whose slots hold
// the noun's pointer and one word of metadata, so a probe usually costs one
// cache line: a repeat that is the same pointer (every repeat in a noun
// decoded by Cue) is confirmed without touching the noun, a structural
// repeat built apart by comparing mugs and then Equal. The slot index is
// the top bits of the key hash, so the table is ordered by hash and
// doubling it moves entries in one sequential pass; the top bits of the
// hash are kept in the slot for that, and to reject most non-matching
// slots without reading their noun.
//
// A table of a million entries is far larger than the caches, and a probe
// into it waits for memory. Most nouns a big jam meets are new, so the
// table answers "certainly new" from a bloom filter small enough to stay
// cached, and queues the insert in pend; a full queue is inserted in one
// tight loop whose probes the processor overlaps. Only nouns the filter
// may have seen (repeats, and a few false positives) are looked up in the
// slots and the queue at once.
//
// Invariants: a slot or pending entry is empty iff meta == 0; slots plus
// pending hold n entries, fewer than limit = loadLimit(lg);
// a full entry was first written at offset meta&offMask-1, its noun is a
// *cellNode, or a *bigAtom iff meta&metaBig != 0, and the top hashBits bits
// of its key hash are meta>>hashShift; every entry's key hash has its bit
// set in bloom; no key is entered twice.
type jamTable struct {
	slots []jamSlot
	bloom bloomFilter
	n     int
	lg    uint // log2(len(slots))
	limit int
	npend int
	pend  [jamPendMax]jamPending
	// touched sums the words flush reads ahead, so that the reads are
	// not optimized away; its value means nothing.
	touched uint64
}

type jamSlot struct {
	p    unsafe.Pointer
	meta uint64
}

type jamPending struct {
	jamSlot
	hx uint32
}

// jamPendMax is the number of inserts queued before they are made.
const jamPendMax = 32

// Layout of jamSlot.meta (jamAtomSlot.meta holds only the offset plus
// one).
const (
	offBits   = 38
	offMask   = 1<<offBits - 1
	metaBig   = 1 << offBits
	hashShift = offBits + 1
	hashBits  = 64 - hashShift
	// maxJamOffset is the largest offset an entry can hold (2^38 bits of
	// output, 32 GiB). Nouns first written beyond it are not remembered,
	// so a later copy is written out again: the output stays a valid jam
	// of the same noun, though no longer the canonical one.
	maxJamOffset = offMask - 1
)

// jamTableMinLg is the log2 size of a new table's slots.
const jamTableMinLg = 5

// loadLimit is the number of entries a table of 2^lg slots takes before
// it grows: 5/8 keeps linear probes short (four slots share a cache line).
func loadLimit(lg uint) int { return (5 << lg) / 8 }

// init sets the table up on zeroed slots, whose length is a power of two
// at least 2^jamTableMinLg, and a zeroed filter of bloomWords(lg) words.
func (t *jamTable) init(slots []jamSlot, filter []uint64) {
	t.slots = slots
	t.lg = uint(log2(len(slots)))
	t.limit = loadLimit(t.lg)
	t.n, t.npend = 0, 0
	t.bloom.init(filter, t.lg)
}

// log2 returns the base-2 logarithm of a power of two.
func log2(n int) int {
	lg := 0
	for 1<<lg < n {
		lg++
	}
	return lg
}

// reserve makes an empty table big enough for want entries without
// growing.
func (t *jamTable) reserve(want int) {
	if t.n != 0 || want < t.limit {
		return
	}
	lg := t.lg
	for loadLimit(lg) <= want {
		lg++
	}
	t.init(make([]jamSlot, 1<<lg), make([]uint64, bloomWords(lg)))
}

// cellHash is the key hash of a cell or big atom with mug m: mugs are
// uniform over 31 bits already.
func cellHash(m uint32) uint32 { return m << 1 }

// findOrAdd returns the offset of the first copy of the cell or big atom
// with pointer p and mug m, or enters it at pos and returns found ==
// false.
func (t *jamTable) findOrAdd(p unsafe.Pointer, big bool, m uint32, pos uint64) (off uint64, found bool) {
	hx := cellHash(m)
	want := uint64(hx>>(32-hashBits)) << hashShift
	if big {
		want |= metaBig
	}
	// Grow first: growing rebuilds the filter from the entries.
	if t.n+1 >= t.limit {
		t.grow()
	}
	if t.bloom.testAndSet(hx) {
		if off, found := t.find(p, big, hx, want); found {
			return off, true
		}
	}
	if pos > maxJamOffset {
		return 0, false
	}
	if t.npend == jamPendMax {
		t.flush()
	}
	t.pend[t.npend] = jamPending{jamSlot{p, want | (pos + 1)}, hx}
	t.npend++
	t.n++
	return 0, false
}

// find looks p up in the slots and the queue; want is its meta without
// the offset.
func (t *jamTable) find(p unsafe.Pointer, big bool, hx uint32, want uint64) (uint64, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := uint64(hx) >> (32 - t.lg); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.meta == 0 {
			break
		}
		if s.p == p || s.meta&^offMask == want && sameKey(s.p, p, big) {
			return s.meta&offMask - 1, true
		}
	}
	for i := range t.pend[:t.npend] {
		e := &t.pend[i]
		if e.p == p || e.hx == hx && e.meta&metaBig == want&metaBig && sameKey(e.p, p, big) {
			return e.meta&offMask - 1, true
		}
	}
	return 0, false
}

// sameKey reports whether the distinct nouns at a and b, both cells or both
// big atoms, are equal.
//
// Cells are compared by mug first, then by Equal. The key hash need not be
// the mug (the side path uses its own structural hash), so the mugs may
// not be cached yet: Mug computes and caches them for the whole of both
// cells. That costs a pass over each cell the first time, but then Equal
// tells most unequal cells apart at their first child whose mugs differ,
// instead of walking down to the first atom that differs: two deep chains
// whose hashes collide would otherwise cost the depth of the chain for
// every collision.
func sameKey(a, b unsafe.Pointer, big bool) bool {
	if big {
		return atomEqual(Noun{p: a, v: tagBig}, Noun{p: b, v: tagBig})
	}
	x, y := Noun{p: a, v: tagCell}, Noun{p: b, v: tagCell}
	return Mug(x) == Mug(y) && Equal(x, y)
}

// flush makes the queued inserts. Their slots are random and far apart in
// a big table; a probe loop whose branch depends on each load would wait
// for memory at every mispredicted branch, so the first loop only touches
// the home slots (loads that do not depend on each other, whose cache
// misses overlap) and the second loop inserts into cached lines.
func (t *jamTable) flush() {
	mask := uint64(len(t.slots) - 1)
	shift := 32 - t.lg
	pend := t.pend[:t.npend]
	var touch uint64
	for i := range pend {
		touch += t.slots[uint64(pend[i].hx)>>shift].meta
	}
	t.touched += touch
	for i := range pend {
		e := &pend[i]
		j := uint64(e.hx) >> shift
		for t.slots[j].meta != 0 {
			j = (j + 1) & mask
		}
		t.slots[j] = e.jamSlot
	}
	t.npend = 0
}

// grow doubles the slots and the filter. Entries are visited in slot order,
// which is hash order, so they land in the new slots in (nearly)
// increasing order.
func (t *jamTable) grow() {
	t.flush()
	old, n := t.slots, t.n
	lg := t.lg + 1
	t.init(make([]jamSlot, 1<<lg), make([]uint64, bloomWords(lg)))
	t.n = n
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.meta == 0 {
			continue
		}
		var hx uint32
		switch {
		case lg+bloomExtraBits <= hashBits:
			hx = uint32(s.meta>>hashShift) << (32 - hashBits)
		case s.meta&metaBig != 0:
			hx = cellHash(mugBig((*bigAtom)(s.p)))
		default:
			hx = cellHash((*cellNode)(s.p).mug.Load())
		}
		t.bloom.testAndSet(hx)
		i := uint64(hx) >> (32 - lg)
		for t.slots[i].meta != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// bloomFilter is a one-hash bloom filter over 32-bit key hashes, with
// 2^bloomExtraBits bits per slot of its table (3 to 6 bits per entry, so
// one false positive in 6 to 12 new keys), indexed by the top bits of the
// hash. A smaller filter than that no longer stays in cache beside the
// noun being walked.
type bloomFilter struct {
	bits  []uint64
	shift uint
}

// bloomExtraBits is log2 of the filter bits per table slot.
const bloomExtraBits = 1

// bloomWords is the size in words of the filter of a table of 2^lg slots.
func bloomWords(lg uint) int { return max(1, 1<<(lg+bloomExtraBits)/64) }

func (b *bloomFilter) init(words []uint64, lg uint) {
	b.bits = words
	b.shift = 32 - (lg + bloomExtraBits)
}

// test reports whether the bit of hx is set.
func (b *bloomFilter) test(hx uint32) bool {
	i := hx >> b.shift
	return b.bits[i/64]&(uint64(1)<<(i%64)) != 0
}

// testAndSet sets the bit of hx and reports whether it was set before.
func (b *bloomFilter) testAndSet(hx uint32) bool {
	i := hx >> b.shift
	w := &b.bits[i/64]
	bit := uint64(1) << (i % 64)
	if *w&bit != 0 {
		return true
	}
	*w |= bit
	return false
}
