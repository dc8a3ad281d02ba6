package king

import (
	"encoding/binary"
	"math/bits"
)

// Bit-level reading and writing of jam streams (PROTOCOL.md §1.2): bit i
// of a stream is bit i%8 of byte i/8. They serve the %play splicer, which
// copies logged jams into a writ without building their nouns.

// bitReader reads bits of a byte string.
//
// Invariant: words holds the input as little-endian words followed by two
// zero words, so peek at any offset up to nbits reads zeros past the end.
type bitReader struct {
	words []uint64
	nbits uint64
}

// load makes r read b, reusing r's buffer.
func (r *bitReader) load(b []byte) {
	nw := (len(b)+7)/8 + 2
	if cap(r.words) < nw {
		r.words = make([]uint64, nw)
	}
	r.words = r.words[:nw]
	full := len(b) / 8
	for i := range full {
		r.words[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	clear(r.words[full:])
	for i, c := range b[8*full:] {
		r.words[full] |= uint64(c) << (8 * i)
	}
	r.nbits = 8 * uint64(len(b))
}

// peek returns the 64 bits starting at pos <= nbits+64.
func (r *bitReader) peek(pos uint64) uint64 {
	i, off := pos/64, pos%64
	// For off == 0 the second shift is by 64, which Go defines to be 0.
	return r.words[i]>>off | r.words[i+1]<<(64-off)
}

// read returns the n <= 64 bits at pos.
func (r *bitReader) read(pos, n uint64) uint64 {
	// For n == 0 the mask's shift is by 64, which Go defines to be 0.
	return r.peek(pos) & (^uint64(0) >> (64 - n))
}

// bitWriter appends bits to a byte slice.
//
// Invariant: buf holds the complete words written, as bytes; acc holds the
// n < 64 bits after them, in its low bits, and nothing above.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

// bitMark is a position a bitWriter can be cut back to.
type bitMark struct {
	len int
	acc uint64
	n   uint
}

// bits returns the number of bits written.
func (w *bitWriter) bits() uint64 { return 8*uint64(len(w.buf)) + uint64(w.n) }

// mark returns the current position, for cut.
func (w *bitWriter) mark() bitMark { return bitMark{len: len(w.buf), acc: w.acc, n: w.n} }

// cut forgets everything written since m.
func (w *bitWriter) cut(m bitMark) { w.buf, w.acc, w.n = w.buf[:m.len], m.acc, m.n }

// reset empties the writer, keeping its buffer.
func (w *bitWriter) reset() { w.buf, w.acc, w.n = w.buf[:0], 0, 0 }

// write appends the low k <= 64 bits of v; v has no bits above them.
func (w *bitWriter) write(v uint64, k uint) {
	w.acc |= v << w.n // a shift by 64 or more gives 0
	if w.n+k < 64 {
		w.n += k
		return
	}
	// acc is full: flush it, and keep what did not fit.
	w.buf = binary.LittleEndian.AppendUint64(w.buf, w.acc)
	spill := 64 - w.n // bits of v that went into acc
	w.n = w.n + k - 64
	if spill == 64 {
		w.acc = 0
	} else {
		w.acc = v >> spill
	}
}

// writeMasked appends the low k <= 64 bits of v, whatever lies above them.
func (w *bitWriter) writeMasked(v uint64, k uint) {
	w.write(v&(^uint64(0)>>(64-k)), k)
}

// copyBits appends the n bits of r at pos.
func (w *bitWriter) copyBits(r *bitReader, pos, n uint64) {
	for n >= 64 {
		w.write(r.peek(pos), 64)
		pos, n = pos+64, n-64
	}
	if n > 0 {
		w.write(r.read(pos, n), uint(n))
	}
}

// mat appends mat(a): the length-prefixed encoding of an atom.
func (w *bitWriter) mat(a uint64) {
	if a == 0 {
		w.write(1, 1)
		return
	}
	b := uint(bits.Len64(a))
	c := uint(bits.Len(b))
	w.write(1<<c, c+1) // c zero bits, then a 1
	w.writeMasked(uint64(b), c-1)
	w.write(a, b)
}

// atom appends the jam of the atom a, without sharing.
func (w *bitWriter) atom(a uint64) {
	w.write(0, 1)
	w.mat(a)
}

// cellTag appends the tag of a cell (bits 1, 0).
func (w *bitWriter) cellTag() { w.write(1, 2) }

// backref appends a backref to the noun at offset k (bits 1, 1, mat(k)).
func (w *bitWriter) backref(k uint64) {
	w.write(3, 2)
	w.mat(k)
}

// bytes returns the stream, its last byte padded with zero bits. It
// aliases the writer's buffer until the next write.
func (w *bitWriter) bytes() []byte {
	out := binary.LittleEndian.AppendUint64(w.buf, w.acc)
	return out[:len(w.buf)+int(w.n+7)/8]
}
