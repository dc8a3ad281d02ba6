package noun

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// bitWriter appends bits, least significant first, to a word buffer.
//
// Invariant: len(buf) >= pos/64 + 2 and every bit of buf at or beyond pos
// is zero, so a write of up to 64 bits may OR into two words without a
// length check. Until it grows, buf is the jammer's inline buffer, which
// is reused and so copied out by bytes; once grown, it is a fresh heap
// slice, also kept in heap, that bytes hands out without copying.
type bitWriter struct {
	buf  []uint64
	heap []uint64
	pos  uint64
}

// init starts an empty stream in buf, which must be zero; nil starts with
// no buffer.
func (w *bitWriter) init(buf []uint64) {
	w.buf, w.heap, w.pos = buf[:0], nil, 0
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
	w.buf, w.heap = grown, grown
}

// trim copies a heap buffer much longer than the stream into one of just
// the right length, so that the result of Jam does not pin the rest.
func (w *bitWriter) trim() {
	need := w.pos/64 + 2
	if w.heap == nil || uint64(cap(w.heap)) <= need+need/4 {
		return
	}
	exact := make([]uint64, need)
	copy(exact, w.buf[:need])
	w.buf, w.heap = exact, exact
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
// little-endian machines a heap buffer is reinterpreted without a copy.
func (w *bitWriter) bytes() []byte {
	n := int((w.pos + 7) / 8)
	if n == 0 {
		return []byte{}
	}
	if w.heap == nil {
		// The buffer is the jammer's inline one, which is reused: copy
		// exactly the output out of it.
		return w.appendTo(make([]byte, 0, n))
	}
	if nativeLittleEndian {
		return unsafe.Slice((*byte)(unsafe.Pointer(&w.heap[0])), n)
	}
	h := w.heap[:cap(w.heap)]
	out := make([]byte, 8*len(h))
	for i, x := range h {
		binary.LittleEndian.PutUint64(out[8*i:], x)
	}
	return out[:n:n]
}

// appendTo appends the written stream's minimal byte form to dst.
func (w *bitWriter) appendTo(dst []byte) []byte {
	n := int((w.pos + 7) / 8)
	if n == 0 {
		return dst
	}
	if nativeLittleEndian {
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&w.buf[0])), n)...)
	}
	for i := range n {
		dst = append(dst, byte(w.buf[i/8]>>(8*(i%8))))
	}
	return dst
}

// nativeLittleEndian reports whether words can be viewed as little-endian
// bytes in place.
var nativeLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1
