package noun

import "math/bits"

// The tiny path jams a noun of at most jamTinyMax nouns (cells and atoms
// counted alike), which is what every message between king and serf is:
// a writ, a plea, an event. For those the mug path's machinery (mugs of
// fresh cells, hash tables with filters sized for millions) costs more
// than the jam itself.
//
// The noun is first flattened in jam's own order, pre-order and head
// first, into j.inline.tiny: each entry is one noun with the number of
// entries its subtree spans. Since pre-order with a cell/atom mark per
// entry is a prefix code for a binary tree, two subtrees are equal iff
// their spans hold equal atoms at equal places and cells at the same
// places; so a cheap structural hash per entry (a cell's computed from its
// children's as its subtree completes) and a comparison of spans replace
// the mugs.
// The writing pass then walks the entries in order, skipping a subtree's
// span when it is written as a backref; it needs no stack.
//
// Invariants while a tiny jam runs: j.tinyN entries are filled; a
// non-zero j.tinySlots[s] is 1 + the index of an entry that was written
// in full at offset j.tinyOff[index], and every entry so entered is there
// exactly once.

// jamTinyMax is the most entries the tiny path flattens; a bigger noun
// takes the mug or side path. At most 127 keeps an entry index plus one in
// a byte.
const jamTinyMax = 127

// jamTinySlots is the size of the tiny path's hash table: a power of two
// at least twice jamTinyMax, so probes stay short.
const jamTinySlots = 256

// tinyEntry is one noun of a flattened tiny noun.
type tinyEntry struct {
	n    Noun
	hash uint64
	// span is the number of entries of the subtree rooted here, this one
	// included: 1 for an atom.
	span uint32
}

// tinyFlatten flattens n into j.inline.tiny, with spans and hashes, and
// reports whether it fit. If it did not, the entries filled so far must
// still be cleared.
func (j *jammer) tinyFlatten(n Noun) bool {
	es := &j.inline.tiny
	// open holds the cells whose subtrees are not complete, innermost
	// last: the entry's index, and whether its tail is still to come.
	type openCell struct {
		idx  uint8
		next bool
	}
	var buf [jamTinyMax]openCell
	open := buf[:0]
	k := 0
	for {
		if k == jamTinyMax {
			j.tinyN = k
			return false
		}
		if n.IsCell() {
			es[k] = tinyEntry{n: n}
			open = append(open, openCell{idx: uint8(k), next: true})
			k++
			n = n.cell().head
			continue
		}
		es[k] = tinyEntry{n: n, span: 1, hash: j.tinyWeaken(tinyAtomHash(n))}
		k++
		// A leaf ends the head of the innermost open cell (its tail comes
		// next) or its tail (the cell is complete, so its span and hash,
		// from its children's, are known; and its parent may be complete).
		for {
			if len(open) == 0 {
				j.tinyN = k
				return true
			}
			top := &open[len(open)-1]
			c := &es[top.idx]
			if top.next {
				n, top.next = c.n.cell().tail, false
				break
			}
			head := &es[top.idx+1]
			tail := &es[int(top.idx)+1+int(head.span)]
			c.span = uint32(k - int(top.idx))
			c.hash = j.tinyWeaken((head.hash ^ bits.RotateLeft64(tail.hash, 23) ^ 0x9e3779b97f4a7c15) * 0xc2b2ae3d27d4eb4f)
			open = open[:len(open)-1]
		}
	}
}

// tinyAtomHash is the tiny path's hash of an atom. Like a cell's, it is
// one multiplication, which carries every input bit into the top bits the
// table indexes by: unequal nouns that collide only cost a comparison.
func tinyAtomHash(n Noun) uint64 {
	if n.p == nil {
		return (n.v ^ n.v>>32) * 0x9e3779b97f4a7c15
	}
	h := uint64(0x6a09e667f3bcc909)
	for _, w := range n.big().words {
		h = (bits.RotateLeft64(h, 23) ^ w) * 0x9e3779b97f4a7c15
	}
	return h
}

// tinyWeaken returns h, or under jammer.tinyWeak only a few of its bits.
func (j *jammer) tinyWeaken(h uint64) uint64 {
	if j.tinyWeak {
		return h & tinyWeakMask
	}
	return h
}

// tinyWeakMask keeps 2 bits of the slot index and 2 low bits of a hash,
// so that under jammer.tinyWeak most unequal nouns collide.
const tinyWeakMask = 0xc000000000000003

// tinySame reports whether the subtrees at entries a and b are equal.
func (j *jammer) tinySame(a, b int) bool {
	es := &j.inline.tiny
	if es[a].hash != es[b].hash || es[a].span != es[b].span {
		return false
	}
	if es[a].n == es[b].n {
		return true // the same pointer, or the same direct atom
	}
	for k := 0; k < int(es[a].span); k++ {
		x, y := es[a+k].n, es[b+k].n
		if x == y {
			continue
		}
		if x.IsCell() != y.IsCell() || (!x.IsCell() && !atomEqual(x, y)) {
			return false
		}
	}
	return true
}

// tinyFind returns the entry equal to entry i entered earlier, or enters
// i (if add) and returns -1.
func (j *jammer) tinyFind(i int, add bool) int {
	h := j.inline.tiny[i].hash
	for s := h >> (64 - 8); ; s = (s + 1) % jamTinySlots {
		v := j.inline.tinySlots[s]
		if v == 0 {
			if add {
				j.inline.tinySlots[s] = uint8(i + 1)
			}
			return -1
		}
		if k := int(v) - 1; j.tinySame(k, i) {
			return k
		}
	}
}

// tinyWrite writes the flattened noun.
func (j *jammer) tinyWrite() {
	es := &j.inline.tiny
	for i := 0; i < j.tinyN; {
		e := &es[i]
		pos := j.w.pos
		switch {
		case e.n.p == nil:
			v := e.n.v
			if v == 0 {
				j.w.write(2, 2) // 0 is never wider than an offset
				i++
				continue
			}
			if fresh, look := j.atomLookup(v, pos); look {
				if k := j.tinyFind(i, fresh); k >= 0 {
					j.w.backref(j.inline.tinyOff[k])
					i++
					continue
				}
				if fresh {
					j.atomEntered(v)
				}
			}
			j.inline.tinyOff[i] = pos
			j.w.atom(v)
			i++
		case e.n.v == tagBig:
			// Wider than any offset: always entered, always a backref.
			if k := j.tinyFind(i, pos <= maxJamOffset); k >= 0 {
				j.w.backref(j.inline.tinyOff[k])
			} else {
				j.inline.tinyOff[i] = pos
				j.w.write(0, 1)
				j.w.matWords(e.n.big().words)
			}
			i++
		default:
			if k := j.tinyFind(i, pos <= maxJamOffset); k >= 0 {
				j.w.backref(j.inline.tinyOff[k])
				i += int(e.span)
				continue
			}
			j.inline.tinyOff[i] = pos
			j.w.write(1, 2) // tag bits 1, 0: a cell
			i++
		}
	}
}

// tinyClear clears what the tiny path used, for the pool.
func (j *jammer) tinyClear() {
	if j.tinyN == 0 {
		return
	}
	clear(j.inline.tiny[:j.tinyN]) // pointers
	clear(j.inline.tinySlots[:])
	j.tinyN = 0
}
