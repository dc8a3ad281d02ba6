package noun

// jamAtomTable remembers the direct atoms jam has written whose width makes
// a later copy a backref, keyed by value, with no pointers for the garbage
// collector to scan. It works as jamTable does (a bloom filter in front,
// queued inserts), with the value in place of the pointer and atomHash as
// the key hash; meta holds only the offset plus one.
type jamAtomTable struct {
	slots []jamAtomSlot
	bloom bloomFilter
	n     int
	lg    uint
	limit int
	npend int
	pend  [jamPendMax]jamAtomSlot
}

type jamAtomSlot struct {
	v    uint64
	meta uint64
}

func (t *jamAtomTable) init(slots []jamAtomSlot, filter []uint64) {
	t.slots = slots
	t.lg = uint(log2(len(slots)))
	t.limit = loadLimit(t.lg)
	t.n, t.npend = 0, 0
	t.bloom.init(filter, t.lg)
}

// reserve makes an empty table big enough for want entries without
// growing.
func (t *jamAtomTable) reserve(want int) {
	if t.n != 0 || want < t.limit {
		return
	}
	lg := t.lg
	for loadLimit(lg) <= want {
		lg++
	}
	t.init(make([]jamAtomSlot, 1<<lg), make([]uint64, bloomWords(lg)))
}

// atomHash mixes a direct atom into a 32-bit key hash.
func atomHash(v uint64) uint32 {
	v ^= v >> 33
	v *= 0xff51afd7ed558ccd
	v ^= v >> 33
	return uint32(v >> 32)
}

// findOrAdd returns the offset of the first copy of v, or, when add is
// set, enters v at pos; found is false when v was not there. Without add
// it only looks v up, so the filter must not remember it.
func (t *jamAtomTable) findOrAdd(v uint64, add bool, pos uint64) (off uint64, found bool) {
	// Grow first: growing rebuilds the filter from the entries.
	if t.n+1 >= t.limit {
		t.grow()
	}
	hx := atomHash(v)
	var seen bool
	if add {
		seen = t.bloom.testAndSet(hx)
	} else {
		seen = t.bloom.test(hx)
	}
	if seen {
		if off, found := t.find(v, hx); found {
			return off, true
		}
	}
	if !add || pos > maxJamOffset {
		return 0, false
	}
	if t.npend == jamPendMax {
		t.flush()
	}
	t.pend[t.npend] = jamAtomSlot{v, pos + 1}
	t.npend++
	t.n++
	return 0, false
}

func (t *jamAtomTable) find(v uint64, hx uint32) (uint64, bool) {
	mask := uint64(len(t.slots) - 1)
	for i := uint64(hx) >> (32 - t.lg); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.meta == 0 {
			break
		}
		if s.v == v {
			return s.meta - 1, true
		}
	}
	for _, e := range t.pend[:t.npend] {
		if e.v == v {
			return e.meta - 1, true
		}
	}
	return 0, false
}

// flush makes the queued inserts in one loop whose probes overlap.
func (t *jamAtomTable) flush() {
	mask := uint64(len(t.slots) - 1)
	shift := 32 - t.lg
	for _, e := range t.pend[:t.npend] {
		i := uint64(atomHash(e.v)) >> shift
		for t.slots[i].meta != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = e
	}
	t.npend = 0
}

// grow doubles the slots and the filter, in hash order as jamTable.grow.
func (t *jamAtomTable) grow() {
	t.flush()
	old, n := t.slots, t.n
	lg := t.lg + 1
	t.init(make([]jamAtomSlot, 1<<lg), make([]uint64, bloomWords(lg)))
	t.n = n
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.meta == 0 {
			continue
		}
		hx := atomHash(s.v)
		t.bloom.testAndSet(hx)
		i := uint64(hx) >> (32 - lg)
		for t.slots[i].meta != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
