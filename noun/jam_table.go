package noun

import "math/bits"

// seenTable maps nouns already written to the offset of their first copy.
// It is an open-addressing hash table with linear probing over compact
// slots; the entries themselves are appended in insertion order.
//
// Invariants: a slot is 0 when empty, else hash<<32 | (entry index + 1);
// at most 3/4 of the slots are full; ents[i] was first written at
// ents[i].off, for i < n. Cells and big atoms hash by their mug, direct
// atoms by mixWord; a hash match is confirmed by comparing the nouns.
type seenTable struct {
	slots []uint64
	ents  []seenEnt
	n     uint32
	shift uint // 64 - log2(len(slots))
}

type seenEnt struct {
	key Noun
	off uint64
}

const seenMinLog = 6

// init sizes the table for about want entries.
func (s *seenTable) init(want int) {
	lg := max(bits.Len(uint(want+want/2)), seenMinLog)
	s.slots = make([]uint64, 1<<lg)
	s.shift = uint(64 - lg)
	s.ents = make([]seenEnt, max(want, 16))
}

// findOrAdd returns the offset of the first copy of the cell or big atom n
// with mug h, or enters n at pos and returns found == false.
func (s *seenTable) findOrAdd(n Noun, h uint32, pos uint64) (uint64, bool) {
	if 4*(s.n+1) > 3*uint32(len(s.slots)) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := slotIndex(h, s.shift); ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			s.slots[i] = uint64(h)<<32 | uint64(s.n+1)
			s.add(n, pos)
			return 0, false
		}
		if uint32(sl>>32) == h {
			e := &s.ents[uint32(sl)-1]
			if e.key == n || Equal(e.key, n) {
				return e.off, true
			}
		}
	}
}

// findOrAddDirect is findOrAdd for the direct atom v; it enters v only
// when add is true.
func (s *seenTable) findOrAddDirect(v uint64, add bool, pos uint64) (uint64, bool) {
	if 4*(s.n+1) > 3*uint32(len(s.slots)) {
		s.grow()
	}
	h := mixWord(v)
	n := Noun{v: v}
	mask := uint64(len(s.slots) - 1)
	for i := slotIndex(h, s.shift); ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			if add {
				s.slots[i] = uint64(h)<<32 | uint64(s.n+1)
				s.add(n, pos)
			}
			return 0, false
		}
		if uint32(sl>>32) == h {
			if e := &s.ents[uint32(sl)-1]; e.key == n {
				return e.off, true
			}
		}
	}
}

// add appends an entry; its slot is already set.
func (s *seenTable) add(n Noun, pos uint64) {
	if int(s.n) == len(s.ents) {
		grown := make([]seenEnt, 2*len(s.ents))
		copy(grown, s.ents)
		s.ents = grown
	}
	s.ents[s.n] = seenEnt{key: n, off: pos}
	s.n++
}

// grow doubles the slots, rehashing from the hashes kept in them.
func (s *seenTable) grow() {
	if len(s.slots) == 0 {
		s.init(0)
		return
	}
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	s.shift--
	mask := uint64(len(s.slots) - 1)
	for _, sl := range old {
		if sl == 0 {
			continue
		}
		i := slotIndex(uint32(sl>>32), s.shift)
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}

// slotIndex spreads a 32-bit hash over the table (Fibonacci hashing).
func slotIndex(h uint32, shift uint) uint64 {
	return (uint64(h) * 0x9e3779b97f4a7c15) >> shift
}

// mixWord hashes a direct atom for the seen table. It need not match the
// mug: direct atoms are never equal to cells or big atoms.
func mixWord(v uint64) uint32 {
	v ^= v >> 33
	v *= 0xff51afd7ed558ccd
	v ^= v >> 33
	return uint32(v)
}

// occFilter counts occurrences per hash slot, saturating at two: 2 bits a
// slot, packed 32 to a word. A slot counted once holds exactly one
// occurrence of one noun; a slot counted twice may hold one noun twice or
// two nouns that collide.
type occFilter struct {
	words []uint64
	shift uint // 64 - log2(slots)
	// many is the number of slots that reached two.
	many int
}

// newOccFilter sizes a filter for a noun of about cells cells: 8 slots per
// cell keeps collisions rare while the filter still fits in cache.
func newOccFilter(cells int) *occFilter {
	lg := bits.Len(uint(4*cells - 1))
	return &occFilter{words: make([]uint64, max(1, (1<<lg)/32)), shift: uint(64 - lg)}
}

// inc counts one occurrence at slot and reports whether the slot had one
// already.
func (f *occFilter) inc(slot uint64) bool {
	w, sh := slot/32, slot%32*2
	x := f.words[w]
	if x>>sh&1 == 0 {
		f.words[w] = x | 1<<sh
		return false
	}
	if x>>(sh+1)&1 == 0 {
		f.words[w] = x | 2<<sh
		f.many++
	}
	return true
}

// isMany reports whether slot counted two or more occurrences.
func (f *occFilter) isMany(slot uint64) bool {
	return f.words[slot/32]>>(slot%32*2+1)&1 == 1
}

// cellSlot is the filter slot of a cell or big atom with mug m.
func cellSlot(m uint32, shift uint) uint64 {
	return (uint64(m) * 0x9e3779b97f4a7c15) >> shift
}

// atomSlot is the filter slot of a direct atom.
func atomSlot(v uint64, shift uint) uint64 {
	v ^= v >> 31
	v *= 0xbf58476d1ce4e5b9
	v ^= v >> 29
	return (v * 0x94d049bb133111eb) >> shift
}
