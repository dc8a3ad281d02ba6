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
	j.run(n)
	return j.w.bytes()
}

// JamTo writes the jam of n to w.
func JamTo(w io.Writer, n Noun) error {
	_, err := w.Write(Jam(n))
	return err
}

// jammer holds the state of one Jam call.
type jammer struct {
	w    bitWriter
	seen seenTable
	// atomLens has bit L-1 set once any direct atom of bit-length L has been
	// entered in seen. An atom of bit-length L is only ever entered while
	// the stream offset is below 2^(L-1) (the canonical rule makes later
	// copies unreachable as backref targets), so for a big noun the small
	// atoms never touch the table: this mask lets them skip the lookup too.
	atomLens uint64
}

// run writes n in pre-order, head first, with an explicit stack.
func (j *jammer) run(n Noun) {
	if n.IsCell() {
		Mug(n) // computes and caches every cell's mug in one post-order pass
	}
	stack := make([]Noun, 0, 32)
	for {
		switch {
		case n.p == nil:
			j.direct(n.v)
		case n.v == tagBig:
			j.big(n)
		default:
			c := n.cell()
			if k, found := j.seen.findOrAdd(n, c.mug.Load(), j.w.pos); found {
				j.w.backref(k)
				break
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
	if fresh || j.atomLens&lenBit != 0 {
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
	if k, found := j.seen.findOrAdd(n, mugBig(b), j.w.pos); found {
		j.w.backref(k)
		return
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

// seenTable maps nouns already written to the offset of their first copy.
// It is an open-addressing hash table with linear probing over compact
// slots; the entries themselves are appended in insertion order.
//
// Invariants: a slot is 0 when empty, else hash<<32 | (entry index + 1);
// at most 3/4 of the slots are full; keys[i] was first written at offs[i].
// Cells and big atoms hash by their mug, direct atoms by mixWord; a hash
// match is confirmed by comparing the nouns themselves.
type seenTable struct {
	slots []uint64
	keys  []Noun
	offs  []uint64
	shift uint // 64 - log2(len(slots))
}

const seenMinLog = 6

// findOrAdd returns the offset of the first copy of the cell or big atom n
// with mug h, or enters n at pos and returns found == false.
func (s *seenTable) findOrAdd(n Noun, h uint32, pos uint64) (uint64, bool) {
	s.ensureRoom()
	mask := uint64(len(s.slots) - 1)
	for i := slotIndex(h, s.shift); ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			s.slots[i] = uint64(h)<<32 | uint64(len(s.keys)+1)
			s.keys = append(s.keys, n)
			s.offs = append(s.offs, pos)
			return 0, false
		}
		if uint32(sl>>32) == h {
			e := uint32(sl) - 1
			if k := s.keys[e]; k == n || Equal(k, n) {
				return s.offs[e], true
			}
		}
	}
}

// findOrAddDirect is findOrAdd for the direct atom v; it enters v only
// when add is true.
func (s *seenTable) findOrAddDirect(v uint64, add bool, pos uint64) (uint64, bool) {
	s.ensureRoom()
	h := mixWord(v)
	n := Noun{v: v}
	mask := uint64(len(s.slots) - 1)
	for i := slotIndex(h, s.shift); ; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl == 0 {
			if add {
				s.slots[i] = uint64(h)<<32 | uint64(len(s.keys)+1)
				s.keys = append(s.keys, n)
				s.offs = append(s.offs, pos)
			}
			return 0, false
		}
		if uint32(sl>>32) == h && s.keys[uint32(sl)-1] == n {
			return s.offs[uint32(sl)-1], true
		}
	}
}

// ensureRoom allocates or doubles the slots so one more entry keeps the
// load at or below 3/4.
func (s *seenTable) ensureRoom() {
	if len(s.slots) == 0 {
		s.slots = make([]uint64, 1<<seenMinLog)
		s.shift = 64 - seenMinLog
		return
	}
	if 4*(len(s.keys)+1) <= 3*len(s.slots) {
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
