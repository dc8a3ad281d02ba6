// Package noun implements Urbit nouns: atoms (natural numbers of any size) and
// cells (ordered pairs of nouns), with the exact mug, jam and cue of Urbit's
// runtime (see shared/spec/PROTOCOL.md §1).
//
// # Representation
//
// A Noun is a 16-byte value handle that is never boxed in an interface:
//
//   - a direct atom (any value that fits in 64 bits) is stored inline, so
//     building, comparing and hashing small atoms allocates nothing;
//   - a cell points to a cellNode holding head, tail and a cached mug;
//   - an atom of more than 64 bits points to a bigAtom holding its
//     little-endian 64-bit words and a cached mug.
//
// Invariants kept by every constructor in this package:
//
//   - an atom that fits in 64 bits is always direct, never a bigAtom, so two
//     equal atoms always have the same representation kind;
//   - a bigAtom's top word is never zero;
//   - nouns are immutable once built; cached mugs are written with atomic
//     stores so nouns may be shared between goroutines freely.
//
// The zero Noun is the atom 0 (~).
package noun

import (
	"math/big"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Noun is an atom or a cell. The zero value is the atom 0.
type Noun struct {
	// p is nil for a direct atom; otherwise it points to a *cellNode when
	// v == tagCell, or to a *bigAtom when v == tagBig.
	p unsafe.Pointer
	// v holds the value of a direct atom, or the tag when p != nil.
	v uint64
}

const (
	tagCell uint64 = 0
	tagBig  uint64 = 1
)

// cellNode is the shared storage of a cell.
type cellNode struct {
	head, tail Noun
	// mug caches the cell's mug; 0 means not yet computed (a mug is never 0).
	mug atomic.Uint32
	// gen is the epoch of the CellAllocator that built the cell, 0 for a
	// cell built any other way; it fits in the word mug leaves free.
	gen uint32
}

// bigAtom is the shared storage of an atom wider than 64 bits.
type bigAtom struct {
	// words are little-endian 64-bit words; len(words) >= 2 and the last
	// word is non-zero.
	words []uint64
	// mug caches the atom's mug; 0 means not yet computed.
	mug atomic.Uint32
}

// Common atoms.
var (
	// Zero is the atom 0, also written ~ (null) or & (yes).
	Zero = Noun{}
	// One is the atom 1, also written | (no).
	One = Noun{v: 1}
)

// Atom returns the atom with value v. It never allocates.
func Atom(v uint64) Noun { return Noun{v: v} }

// Cell returns the cell [h t].
func Cell(h, t Noun) Noun {
	c := &cellNode{head: h, tail: t}
	return Noun{p: unsafe.Pointer(c), v: tagCell}
}

// T returns the right-nested tuple [a b c ...] = [a [b [c ...]]].
// T(x) is x; T() is the atom 0.
func T(ns ...Noun) Noun {
	if len(ns) == 0 {
		return Zero
	}
	return chain(ns[:len(ns)-1], ns[len(ns)-1])
}

// chain returns [h0 [h1 ... [hk end]]] for heads hs, its cells allocated
// together: one allocation instead of one per cell, for the tuples and
// lists every message is built of.
func chain(hs []Noun, end Noun) Noun {
	if len(hs) == 0 {
		return end
	}
	cells := make([]cellNode, len(hs))
	n := end
	for i := len(hs) - 1; i >= 0; i-- {
		cells[i].head, cells[i].tail = hs[i], n
		n = Noun{p: unsafe.Pointer(&cells[i]), v: tagCell}
	}
	return n
}

// AtomWords returns the atom whose little-endian 64-bit words are w. High
// zero words are ignored. The slice is copied only when the atom is big.
func AtomWords(w []uint64) Noun {
	for len(w) > 0 && w[len(w)-1] == 0 {
		w = w[:len(w)-1]
	}
	switch len(w) {
	case 0:
		return Zero
	case 1:
		return Noun{v: w[0]}
	}
	cp := make([]uint64, len(w))
	copy(cp, w)
	return fromOwnedWords(cp)
}

// fromOwnedWords wraps trimmed words (len >= 2, top word non-zero) without
// copying. The caller gives up ownership of w.
func fromOwnedWords(w []uint64) Noun {
	return Noun{p: unsafe.Pointer(&bigAtom{words: w}), v: tagBig}
}

// AtomBytes returns the atom whose little-endian bytes are b. High zero
// bytes are ignored.
func AtomBytes(b []byte) Noun {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	if len(b) <= 8 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return Noun{v: v}
	}
	w := make([]uint64, (len(b)+7)/8)
	for i, c := range b {
		w[i/8] |= uint64(c) << (8 * (i % 8))
	}
	return fromOwnedWords(w)
}

// AtomBig returns the atom with the value of x. It returns false if x is
// negative.
func AtomBig(x *big.Int) (Noun, bool) {
	if x.Sign() < 0 {
		return Zero, false
	}
	ws := x.Bits()
	w := make([]uint64, len(ws))
	for i, d := range ws {
		w[i] = uint64(d)
	}
	return AtomWords(w), true
}

// IsAtom reports whether n is an atom.
func (n Noun) IsAtom() bool { return n.p == nil || n.v == tagBig }

// IsCell reports whether n is a cell.
func (n Noun) IsCell() bool { return n.p != nil && n.v == tagCell }

// IsDirect reports whether n is an atom that fits in 64 bits.
func (n Noun) IsDirect() bool { return n.p == nil }

// Word returns the value of an atom that fits in 64 bits. ok is false for
// cells and for wider atoms.
func (n Noun) Word() (v uint64, ok bool) {
	if n.p != nil {
		return 0, false
	}
	return n.v, true
}

// IsZero reports whether n is the atom 0.
func (n Noun) IsZero() bool { return n.p == nil && n.v == 0 }

func (n Noun) cell() *cellNode { return (*cellNode)(n.p) }
func (n Noun) big() *bigAtom   { return (*bigAtom)(n.p) }

// Head returns the head of a cell. It panics if n is an atom; use Uncell
// when the shape of n is not known.
func (n Noun) Head() Noun {
	if !n.IsCell() {
		panic("noun: Head of an atom")
	}
	return n.cell().head
}

// Tail returns the tail of a cell. It panics if n is an atom; use Uncell
// when the shape of n is not known.
func (n Noun) Tail() Noun {
	if !n.IsCell() {
		panic("noun: Tail of an atom")
	}
	return n.cell().tail
}

// Uncell returns the head and tail of a cell; ok is false for an atom.
func (n Noun) Uncell() (h, t Noun, ok bool) {
	if !n.IsCell() {
		return Zero, Zero, false
	}
	c := n.cell()
	return c.head, c.tail, true
}

// Words returns the little-endian 64-bit words of an atom with no high zero
// words (empty for 0), or nil for a cell. The result must not be modified.
func (n Noun) Words() []uint64 {
	switch {
	case n.p == nil:
		if n.v == 0 {
			return []uint64{}
		}
		return []uint64{n.v}
	case n.v == tagBig:
		return n.big().words
	}
	return nil
}

// BitLen returns the number of significant bits of an atom (0 for 0), or 0
// for a cell.
func (n Noun) BitLen() int {
	switch {
	case n.p == nil:
		return bits.Len64(n.v)
	case n.v == tagBig:
		w := n.big().words
		return 64*(len(w)-1) + bits.Len64(w[len(w)-1])
	}
	return 0
}

// ByteLen returns the number of bytes of an atom's minimal little-endian
// form, or 0 for a cell.
func (n Noun) ByteLen() int { return (n.BitLen() + 7) / 8 }

// Bytes returns the minimal little-endian bytes of an atom (empty for 0), or
// nil for a cell.
func (n Noun) Bytes() []byte {
	if n.IsCell() {
		return nil
	}
	out := make([]byte, n.ByteLen())
	n.PutBytes(out)
	return out
}

// PutBytes writes the little-endian bytes of an atom into dst, which must
// be at least ByteLen() long; bytes past the atom's length are zeroed. It
// writes nothing for a cell.
func (n Noun) PutBytes(dst []byte) {
	if n.IsCell() {
		return
	}
	for i := range dst {
		dst[i] = 0
	}
	if n.p == nil {
		for i, v := 0, n.v; v != 0; i, v = i+1, v>>8 {
			dst[i] = byte(v)
		}
		return
	}
	for i, w := range n.big().words {
		for j := 0; j < 8 && 8*i+j < len(dst); j++ {
			dst[8*i+j] = byte(w >> (8 * j))
		}
	}
}

// BigInt returns the value of an atom as a *big.Int, or nil for a cell.
func (n Noun) BigInt() *big.Int {
	if n.IsCell() {
		return nil
	}
	w := n.Words()
	ws := make([]big.Word, len(w))
	for i, x := range w {
		ws[i] = big.Word(x)
	}
	return new(big.Int).SetBits(ws)
}

// Bit reports whether bit i (counting from the least significant bit) of an
// atom is set. It is false for a cell.
func (n Noun) Bit(i int) bool {
	switch {
	case n.p == nil:
		return i < 64 && n.v>>uint(i)&1 == 1
	case n.v == tagBig:
		w := n.big().words
		return i/64 < len(w) && w[i/64]>>uint(i%64)&1 == 1
	}
	return false
}

// Inc returns a + 1 for an atom a, and false for a cell.
func Inc(a Noun) (Noun, bool) {
	switch {
	case a.p == nil:
		if a.v != ^uint64(0) {
			return Noun{v: a.v + 1}, true
		}
		return fromOwnedWords([]uint64{0, 1}), true
	case a.v == tagBig:
		src := a.big().words
		w := make([]uint64, len(src), len(src)+1)
		copy(w, src)
		for i := range w {
			w[i]++
			if w[i] != 0 {
				return fromOwnedWords(w), true
			}
		}
		return fromOwnedWords(append(w, 1)), true
	}
	return Zero, false
}

// Cord returns the atom whose little-endian bytes are the bytes of s: the
// noun %foo or 'foo'.
func Cord(s string) Noun { return AtomBytes([]byte(s)) }

// Loob returns the loobean for b: 0 (&, yes) for true, 1 (|, no) for false.
func Loob(b bool) Noun {
	if b {
		return Zero
	}
	return One
}
