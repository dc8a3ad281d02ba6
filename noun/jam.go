package noun

import (
	"encoding/binary"
	"io"
	"math/bits"
	"unsafe"
)

// Jam serializes n exactly as Urbit's jam does (PROTOCOL.md §1.2): a bit
// stream, least significant bit first, in which every repeated cell, and
// every repeated atom wider than the offset of its first copy, is written
// as a back-reference to that first copy. The output is canonical: equal
// nouns jam to equal bytes however they are shared in memory.
//
// Jam never recurses, so nouns of any depth can be serialized. It computes
// (and caches) the mug of every cell of n, because cells are deduplicated
// by structural equality with the mug as hash.
func Jam(n Noun) []byte {
	var j jammer
	j.run(n, filterMinCells)
	return j.w.bytes()
}

// JamTo writes the jam of n to w.
func JamTo(w io.Writer, n Noun) error {
	_, err := w.Write(Jam(n))
	return err
}

// jammer holds the state of one Jam call.
//
// Jam works in up to three passes over the noun. The first computes the
// mug of every cell (cached in the cells, and needed anyway as the hash
// for structural equality). For a big noun a second pass counts, in a
// compact filter (2 bits a slot, 4 slots a cell), how often each hash
// occurs along the pre-order walk jam will take; the writing pass then
// needs the exact table of earlier copies only for nouns whose slot was
// hit more than once. The exact table costs a cache miss per entry, the
// filter a fraction of that, so nouns whose cells mostly occur once (the
// "cells" corpus: 1.6 times faster) gain, and heavily shared ones (the
// "mixed" corpus) come out even. Small nouns skip the counting pass.
type jammer struct {
	w    bitWriter
	seen seenTable
	// filt, when non-nil, counts occurrences by hash slot; nouns whose
	// slot counted at most one occurrence are unique and skip seen.
	filt *occFilter
	// atomLens has bit L-1 set once any direct atom of bit-length L has been
	// entered in seen. An atom of bit-length L is only ever entered while
	// the stream offset is below 2^(L-1) (the canonical rule makes later
	// copies unreachable as backref targets), so for a big noun the small
	// atoms never touch the table: this mask lets them skip the lookup too.
	atomLens uint64
}

// filterMinCells is the number of cells from which counting pays off.
const filterMinCells = 1024

// run jams n into j.w, counting occurrences first if the mug pass hashed at
// least filterFrom cells (tests vary it to check both ways agree).
func (j *jammer) run(n Noun, filterFrom int) {
	cells := 0
	if n.IsCell() {
		// Compute and cache every cell's mug in one post-order pass; the
		// count of cells it hashed sizes the filter and the table.
		_, cells = mugCount(n.cell())
	}
	if cells < max(filterFrom, 1) {
		j.seen.init(cells + cells/2)
	} else {
		j.filt = newOccFilter(cells)
		j.count(n)
		j.seen.init(2 * j.filt.many)
	}
	j.write(n)
}

// count walks n in jam's pre-order and counts, per filter slot, the cells
// and the atoms that jam might write as or refer to by backref. It skips
// the subtree of a cell already walked, as jam will; a cell whose slot was
// hit before is checked exactly against the cells walked (a small table,
// since few slots are hit twice), so the walk is linear in the noun's
// distinct subtrees however much they are shared. Every noun the write
// pass visits, this pass visits too, so a slot counted once holds a noun
// that occurs once.
func (j *jammer) count(n Noun) {
	var walked seenTable
	walked.init(0)
	f := j.filt
	stack := make([]Noun, 0, 32)
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
				if _, found := walked.findOrAdd(n, m, 0); found {
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

// write writes n in pre-order, head first, with an explicit stack.
func (j *jammer) write(n Noun) {
	stack := make([]Noun, 0, 32)
	for {
		switch {
		case n.p == nil:
			j.direct(n.v)
		case n.v == tagBig:
			j.big(n)
		default:
			c := n.cell()
			m := c.mug.Load()
			if j.filt == nil || j.filt.isMany(cellSlot(m, j.filt.shift)) {
				if k, found := j.seen.findOrAdd(n, m, j.w.pos); found {
					j.w.backref(k)
					break
				}
			}
			j.w.write(1, 2) // tag bits 1, 0: a cell
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

// direct writes a direct atom, or a backref to its first copy.
func (j *jammer) direct(v uint64) {
	if v == 0 {
		j.w.write(2, 2) // 0 is never wider than an offset
		return
	}
	bl := uint(bits.Len64(v))
	lenBit := uint64(1) << (bl - 1)
	pos := j.w.pos
	fresh := bl > uint(bits.Len64(pos)) // would be remembered if new
	if (fresh || j.atomLens&lenBit != 0) && (j.filt == nil || j.filt.isMany(atomSlot(v, j.filt.shift))) {
		if k, found := j.seen.findOrAddDirect(v, fresh, pos); found {
			// Only atoms wider than their first offset were entered, so a
			// hit is always a backref.
			j.w.backref(k)
			return
		}
		if fresh {
			j.atomLens |= lenBit
		}
	}
	j.w.atom(v)
}

// big writes an atom of more than 64 bits, or a backref to its first copy.
// Its bit-length exceeds that of any offset, so it is always remembered.
func (j *jammer) big(n Noun) {
	b := n.big()
	m := mugBig(b)
	if j.filt == nil || j.filt.isMany(cellSlot(m, j.filt.shift)) {
		if k, found := j.seen.findOrAdd(n, m, j.w.pos); found {
			j.w.backref(k)
			return
		}
	}
	j.w.write(0, 1)
	j.w.matWords(b.words)
}

// bitWriter appends bits, least significant first, to a word buffer.
//
// Invariant: len(buf) >= pos/64 + 2 and every bit at or beyond pos is zero,
// so a write of up to 64 bits may OR into two words without a length check.
type bitWriter struct {
	buf []uint64
	pos uint64
}

// reserve makes room for n more bits beyond pos.
func (w *bitWriter) reserve(n uint64) {
	need := (w.pos+n)/64 + 2
	if uint64(len(w.buf)) >= need {
		return
	}
	if uint64(cap(w.buf)) >= need {
		w.buf = w.buf[:need] // bits past the old length were zeroed by make
		return
	}
	grown := make([]uint64, need, max(need, 2*uint64(cap(w.buf)), 8))
	copy(grown, w.buf)
	w.buf = grown
}

// write appends the low n bits of v (n <= 64; v has no bits above n).
func (w *bitWriter) write(v uint64, n uint) {
	w.reserve(uint64(n))
	i, off := w.pos/64, uint(w.pos%64)
	w.buf[i] |= v << off
	// For off == 0 the shift is by 64, which Go defines to be 0.
	w.buf[i+1] |= v >> (64 - off)
	w.pos += uint64(n)
}

// atom writes a direct atom: tag bit 0, then mat(v).
func (w *bitWriter) atom(v uint64) {
	if v == 0 {
		w.write(2, 2) // tag 0, then mat(0) = the single bit 1
		return
	}
	b := uint(bits.Len64(v))
	c := uint(bits.Len(b))
	// Tag 0, c zeros, a 1 bit, then the low c-1 bits of b: 2c+1 bits.
	prefix := uint64(1)<<(c+1) | uint64(b&^(1<<(c-1)))<<(c+2)
	if 2*c+1+b <= 64 {
		w.write(prefix|v<<(2*c+1), 2*c+1+b)
		return
	}
	w.write(prefix, 2*c+1)
	w.write(v, b)
}

// backref writes a reference to the noun first written at offset k.
func (w *bitWriter) backref(k uint64) {
	w.write(3, 2) // tag bits 1, 1
	w.mat(k)
}

// mat writes mat(v) for a 64-bit v.
func (w *bitWriter) mat(v uint64) {
	if v == 0 {
		w.write(1, 1)
		return
	}
	b := uint(bits.Len64(v))
	c := uint(bits.Len(b))
	prefix := uint64(1)<<c | uint64(b&^(1<<(c-1)))<<(c+1)
	if 2*c+b <= 64 {
		w.write(prefix|v<<(2*c), 2*c+b)
		return
	}
	w.write(prefix, 2*c)
	w.write(v, b)
}

// matWords writes mat(a) for the atom with little-endian words ws
// (len(ws) >= 2, top word non-zero).
func (w *bitWriter) matWords(ws []uint64) {
	b := uint64(64*(len(ws)-1) + bits.Len64(ws[len(ws)-1]))
	c := uint(bits.Len64(b))
	w.reserve(2*uint64(c) + b)
	// c zeros, then a 1: the zeros are already in the buffer.
	w.pos += uint64(c)
	w.write(1, 1)
	low := b &^ (1 << (c - 1))
	if c-1 > 0 {
		w.write(low, c-1)
	}
	w.copyWords(ws, b)
}

// copyWords appends the low nbits bits of ws. Room must be reserved.
func (w *bitWriter) copyWords(ws []uint64, nbits uint64) {
	i, off := w.pos/64, uint(w.pos%64)
	if off == 0 {
		copy(w.buf[i:], ws)
	} else {
		for k, x := range ws {
			w.buf[i+uint64(k)] |= x << off
			w.buf[i+uint64(k)+1] = x >> (64 - off)
		}
	}
	w.pos += nbits
}

// bytes returns the written stream as its minimal byte form. On
// little-endian machines the word buffer is reinterpreted without a copy.
func (w *bitWriter) bytes() []byte {
	n := int((w.pos + 7) / 8)
	if n == 0 {
		return []byte{}
	}
	if nativeLittleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&w.buf[0])), n)
	}
	out := make([]byte, 8*len(w.buf))
	for i, x := range w.buf {
		binary.LittleEndian.PutUint64(out[8*i:], x)
	}
	return out[:n:n]
}

// nativeLittleEndian reports whether words can be viewed as little-endian
// bytes in place.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
