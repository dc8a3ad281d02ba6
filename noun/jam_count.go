package noun

import "math/bits"

// count walks n in jam's pre-order and counts, per filter slot, the cells
// and the atoms that jam might write as or refer to by backref. It skips
// the subtree of a cell already walked, as jam will; a cell whose slot was
// hit before is checked exactly against the cells walked (a small table,
// since few slots are hit twice), so the walk is linear in the noun's
// distinct subtrees however much they are shared. Every noun the write
// pass visits, this pass visits too, so a slot counted once holds a noun
// that occurs once. Every cell's mug is cached.
func (j *jammer) count(n Noun) {
	var walked jamTable
	walked.init(make([]jamSlot, 1<<jamTableMinLg), make([]uint64, jamMinBloomWords))
	f := j.filt
	stack := make([]Noun, 0, jamInlineTails)
	for {
		switch {
		case n.p == nil:
			// Atoms of 2 bits or fewer are never wider than an offset at
			// which a non-root noun starts (2 or more), so never shared.
			if n.v >= 4 {
				f.inc(atomSlot(n.v, f.shift))
			}
		case n.v == tagBig:
			f.inc(cellSlot(mugBig(n.big()), f.shift))
		default:
			c := n.cell()
			m := c.mug.Load()
			if f.inc(cellSlot(m, f.shift)) {
				if _, found := walked.findOrAdd(n.p, false, m, 0); found {
					break
				}
			}
			stack = append(stack, c.tail)
			n = c.head
			continue
		}
		if len(stack) == 0 {
			return
		}
		n = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	}
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

// newOccFilter makes a filter of at least slots slots (a power of two);
// the mug path asks for 4 a cell: few collisions, and a filter that
// mostly stays in cache.
func newOccFilter(slots int) *occFilter {
	lg := bits.Len(uint(max(slots, 2) - 1))
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

// candSlot is a slot of the side path's second filter for a hash whose
// slot in the first counted twice: a multiplier unrelated to cellSlot's,
// so that two hashes sharing a slot there rarely share one here.
func candSlot(h uint32, shift uint) uint64 {
	return (uint64(h) * 0xd6e8feb86659fd93) >> shift
}

// seenFilter is an occFilter with its two bits a slot in two bitmaps:
// seen (counted once) and many (counted twice). Counting touches many only
// for a slot seen already, and asking touches only many, so each of the
// side path's million-fold loops works in a bitmap half the size, which
// the caches hold far better.
type seenFilter struct {
	seen, many []uint64
	shift      uint // 64 - log2(slots)
}

// newSeenFilter makes a filter of at least slots slots (a power of two).
func newSeenFilter(slots int) *seenFilter {
	lg := bits.Len(uint(max(slots, 2) - 1))
	n := max(1, (1<<lg)/64)
	return &seenFilter{seen: make([]uint64, n), many: make([]uint64, n), shift: uint(64 - lg)}
}

// add counts one occurrence at slot.
func (f *seenFilter) add(slot uint64) {
	w, bit := slot/64, uint64(1)<<(slot%64)
	if x := f.seen[w]; x&bit == 0 {
		f.seen[w] = x | bit
		return
	}
	f.many[w] |= bit
}

// isMany reports whether slot counted two or more occurrences.
func (f *seenFilter) isMany(slot uint64) bool {
	return f.many[slot/64]>>(slot%64)&1 == 1
}
