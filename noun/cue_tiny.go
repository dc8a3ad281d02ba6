package noun

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"unsafe"
)

// The tiny path decodes the messages a king and serf exchange for each
// event (a %work writ, a %done plea: tens of bytes, a few dozen nouns)
// with as little bookkeeping as a valid input needs.
//
// The general path builds a per-64-bit offset index, done bits and cells
// in scratch slabs, so that any input, hostile ones included, decodes in
// linear space with a precise error. For a 50-byte message that
// bookkeeping cost more than the decoding. Here every noun start goes into
// a short array in offset order (a backref, rare in small messages, finds
// its target by binary search), the cells are built in scratch with
// references to each other as indices, and then copied once into an
// exactly sized heap slab.
//
// The tiny path only accepts: on any input it cannot decode for whatever
// reason (malformed, or more nouns than its scratch holds, which no valid
// input of cueTinyBytes has) it declines, and Cue decodes the input on the
// general path, which reports the error. Tests hold the two paths to equal
// results.

const (
	// cueTinyBytes is the largest input the tiny path takes.
	cueTinyBytes = 256
	// cueTinyCells and cueTinyNouns bound the cells and the nouns (cells
	// and atoms) of a tiny decode: a valid noun of cueTinyBytes has fewer
	// (every cell takes 2 bits and adds a leaf of at least 2).
	cueTinyCells = 8 * cueTinyBytes / 4
	cueTinyNouns = 2 * cueTinyCells
	// cueTinyMaxLenBits bounds c, the number of zero bits of a mat length
	// prefix: c > cueTinyMaxLenBits declares a length of at least 2^12
	// bits, more than a tiny input holds.
	cueTinyMaxLenBits = 12
)

// tinyCue is the scratch space of one tiny decode. Nothing in it needs
// clearing between uses: every entry is written before it is read.
type tinyCue struct {
	d      decoder                    // words and nbits only: the input, for peek and readBig
	words  [cueTinyBytes/8 + 3]uint64 // the input, two zero words, one spare for the tail loop
	starts [cueTinyNouns]tinyStart
	cells  [cueTinyCells]tinyCell
	open   [cueTinyCells]tinyOpen
	bigs   [cueTinyBigs]Noun
}

// cueTinyBigs bounds the atoms wider than 64 bits of a tiny input.
const cueTinyBigs = 8 * cueTinyBytes / 65

// tinyStart records that a noun started at offset pos: the cell
// cells[ref] if ref >= 0, a direct atom if ref is tinyDirect (a backref
// decodes it again), else the big atom bigs[tinyBig-ref]. It holds no
// pointer, so recording one costs no write barrier.
type tinyStart struct {
	pos uint32
	ref int32
}

const (
	tinyDirect = -1
	tinyBig    = -2
)

// tinyCell is a cell in scratch; a head or tail that is a cell of the same
// decode is a tinyRef.
type tinyCell struct {
	head, tail Noun
	done       bool
}

// tinyOpen is a cell whose head or tail is still being decoded.
type tinyOpen struct {
	cell     int32
	headDone bool
}

// tinyRefMark marks a tinyRef: a Noun whose p is &tinyRefMark stands for
// the scratch cell numbered v. It never leaves cueTiny.
var tinyRefMark byte

// tinyPeek is decoder.peek on a local slice, which the compiler keeps in
// registers across the decoding loop's stores.
func tinyPeek(words []uint64, pos uint64) uint64 {
	i, off := pos/64, pos%64
	return words[i]>>off | words[i+1]<<(64-off)
}

func tinyRef(cell int32) Noun { return Noun{p: unsafe.Pointer(&tinyRefMark), v: uint64(cell)} }

var tinyCues = sync.Pool{New: func() any { return new(tinyCue) }}

// cueTiny decodes b, of at most cueTinyBytes bytes; ok is false if it
// declines (see above).
func cueTiny(b []byte) (n Noun, ok bool) {
	if len(b) == 0 || len(b) > cueTinyBytes {
		return Zero, false
	}
	s := tinyCues.Get().(*tinyCue)
	n, ok = s.decode(b)
	tinyCues.Put(s)
	return n, ok
}

func (s *tinyCue) decode(b []byte) (Noun, bool) {
	// Whole-word stores: reading words just written byte by byte stalls
	// the loads on store forwarding, which cost a fifth of a decode.
	nw := (len(b) + 7) / 8
	full := len(b) / 8
	for i := range full {
		s.words[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	s.words[full], s.words[full+1], s.words[full+2] = 0, 0, 0
	for i, c := range b[8*full:] {
		s.words[full] |= uint64(c) << (8 * i)
	}
	words := s.words[:nw+2]
	s.d.words, s.d.nbits = words, 8*uint64(len(b))
	nbits := s.d.nbits

	var nstarts, ncells, nopen, nbigs int
	pos := uint64(0)
	for {
		if pos >= nbits {
			return Zero, false
		}
		w := tinyPeek(words, pos)
		var r Noun
		switch {
		case w&1 == 0:
			var next uint64
			var ok bool
			if r, next, ok = s.atom(pos, w); !ok || nstarts == len(s.starts) {
				return Zero, false
			}
			ref := int32(tinyDirect)
			if r.p != nil {
				if nbigs == len(s.bigs) {
					return Zero, false
				}
				s.bigs[nbigs] = r
				ref = tinyBig - int32(nbigs)
				nbigs++
			}
			s.starts[nstarts] = tinyStart{pos: uint32(pos), ref: ref}
			nstarts++
			pos = next
		case w&2 == 0:
			if nstarts == len(s.starts) || ncells == len(s.cells) {
				return Zero, false
			}
			s.starts[nstarts] = tinyStart{pos: uint32(pos), ref: int32(ncells)}
			s.cells[ncells].done = false
			s.open[nopen] = tinyOpen{cell: int32(ncells)}
			nstarts, ncells, nopen = nstarts+1, ncells+1, nopen+1
			pos += 2
			continue
		default:
			var ok bool
			if r, pos, ok = s.backref(pos, s.starts[:nstarts]); !ok {
				return Zero, false
			}
		}
		// Hand r to the innermost open cell, and every cell that
		// completes to the one around it.
		for {
			if nopen == 0 {
				return s.finish(r, ncells), true
			}
			top := &s.open[nopen-1]
			c := &s.cells[top.cell]
			if !top.headDone {
				c.head, top.headDone = r, true
				break
			}
			c.tail, c.done = r, true
			r = tinyRef(top.cell)
			nopen--
		}
	}
}

// atom decodes the atom whose tag bit is at pos; w is peek(pos). It
// returns the atom and the offset just past it.
func (s *tinyCue) atom(pos, w uint64) (Noun, uint64, bool) {
	m := w >> 1
	if m == 0 {
		return Zero, 0, false
	}
	c := uint64(bits.TrailingZeros64(m))
	if c == 0 {
		return Zero, pos + 2, pos+2 <= s.d.nbits
	}
	if c > cueTinyMaxLenBits {
		return Zero, 0, false
	}
	b := uint64(1)<<(c-1) | m>>(c+1)&(uint64(1)<<(c-1)-1)
	start := pos + 1 + 2*c
	if start+b > s.d.nbits {
		return Zero, 0, false
	}
	if b <= 64 {
		return Noun{v: s.d.read(start, b)}, start + b, true
	}
	return s.d.readBig(start, b), start + b, true
}

// backref decodes the backref whose tag bits are at pos and returns the
// earlier noun it names, from starts (in offset order), and the offset
// just past it.
func (s *tinyCue) backref(pos uint64, starts []tinyStart) (Noun, uint64, bool) {
	w := s.d.peek(pos + 2)
	if w == 0 {
		return Zero, 0, false
	}
	c := uint64(bits.TrailingZeros64(w))
	var k, next uint64
	if c == 0 {
		k, next = 0, pos+3
	} else {
		if c > cueTinyMaxLenBits {
			return Zero, 0, false
		}
		b := uint64(1)<<(c-1) | w>>(c+1)&(uint64(1)<<(c-1)-1)
		start := pos + 2 + 2*c
		if b > 64 || start+b > s.d.nbits {
			return Zero, 0, false
		}
		k, next = s.d.read(start, b), start+b
	}
	if next > s.d.nbits || k >= pos {
		return Zero, 0, false
	}
	lo, hi := 0, len(starts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if uint64(starts[mid].pos) < k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(starts) || uint64(starts[lo].pos) != k {
		return Zero, 0, false
	}
	switch ref := starts[lo].ref; {
	case ref >= 0:
		if !s.cells[ref].done {
			return Zero, 0, false
		}
		return tinyRef(ref), next, true
	case ref == tinyDirect:
		// It decoded once, within 64 bits, so it decodes again.
		n, _, _ := s.atom(k, s.d.peek(k))
		return n, next, true
	default:
		return s.bigs[tinyBig-ref], next, true
	}
}

// finish copies the n scratch cells to one heap slab, turning tinyRefs into
// pointers, and returns the root r likewise.
func (s *tinyCue) finish(r Noun, n int) Noun {
	if n == 0 {
		return r
	}
	heap := make([]cellNode, n)
	fix := func(x Noun) Noun {
		if x.p == unsafe.Pointer(&tinyRefMark) {
			return Noun{p: unsafe.Pointer(&heap[x.v]), v: tagCell}
		}
		return x
	}
	for i := range heap {
		c := &s.cells[i]
		heap[i].head, heap[i].tail = fix(c.head), fix(c.tail)
	}
	return fix(r)
}
