package noun

import (
	"errors"
	"fmt"
	"math/bits"
	"unsafe"
)

// Errors returned by Cue, always wrapped in a *CueError that gives the bit
// offset where decoding failed.
var (
	// ErrCueEmpty reports an empty input: no noun is zero bytes long.
	ErrCueEmpty = errors.New("noun: cue of empty input")
	// ErrCueTruncated reports input that ends before the noun does.
	ErrCueTruncated = errors.New("noun: cue read past the end of the input")
	// ErrCueBackref reports a backref to an offset where no earlier,
	// complete noun started.
	ErrCueBackref = errors.New("noun: cue backref to an offset where no noun started")
	// ErrCueLengthPrefix reports a mat length prefix of 64 or more zero
	// bits, which would declare an atom longer than any input.
	ErrCueLengthPrefix = errors.New("noun: cue length prefix of 64 or more zero bits")
	// ErrCueAtomLength reports an atom whose declared bit length exceeds
	// the bits left in the input.
	ErrCueAtomLength = errors.New("noun: cue atom longer than the remaining input")
)

// CueError is the error Cue returns for malformed input. Err is one of the
// ErrCue sentinels; Offset is the bit position (bit i of the stream is bit
// i%8 of byte i/8) of the noun or field that failed to decode.
type CueError struct {
	Offset uint64
	Err    error
}

// Error implements error.
func (e *CueError) Error() string { return fmt.Sprintf("%v (bit %d)", e.Err, e.Offset) }

// Unwrap returns the sentinel, for errors.Is.
func (e *CueError) Unwrap() error { return e.Err }

// Cue deserializes the jam of a noun (PROTOCOL.md §1.2). Bytes after the
// first complete noun are ignored, as the reference implementations do.
//
// Cue accepts non-canonical streams the reference accepts (an atom with
// high zero bits, a backref where a full copy would do) and rejects, with a
// *CueError and never a panic: an empty input, reading past the end, a
// backref to an offset where no earlier complete noun started (this
// includes the offset of another backref and of an enclosing cell, so no
// cycle can be built), a length prefix of 64 or more zero bits, and an atom
// longer than the rest of the input, which is checked before allocating.
//
// Cue never recurses. Memory is linear in the input: about 5 bytes per
// input byte for bookkeeping while decoding plus 40 bytes per cell
// decoded; a backref shares the earlier subtree instead of copying it, so
// an input whose logical tree is exponentially large still decodes in
// linear space. The cells of an input of more than a few kilobytes are
// invisible to the garbage collector's scanning, and stay in memory
// together as long as any of them is referenced (see cue_slab.go).
func Cue(b []byte) (Noun, error) {
	if len(b) == 0 {
		return Zero, &CueError{Offset: 0, Err: ErrCueEmpty}
	}
	if len(b) <= cueTinyBytes {
		if n, ok := cueTiny(b); ok {
			return n, nil
		}
	}
	if len(b) <= cueSmallBytes {
		return cueSmall(b)
	}
	var d decoder
	d.init(b, make([]uint64, d.bufWords(b)))
	d.bigs.start(nil, bigPairChunk)
	if 1<<d.cells.shift == cueSlabCells {
		d.cells.group = new(cueGroup)
	}
	r, err := d.run()
	if err != nil {
		return Zero, err
	}
	if g := d.cells.group; g != nil {
		g.bigs = d.bigs.chunks
	}
	return r, nil
}

// frame is a cell whose head or tail is still being decoded.
type frame struct {
	node *cellNode
	// state is the cell's index << 1, plus 1 once its head is done.
	state uint64
}

// run decodes the noun at offset 0 with an explicit stack.
func (d *decoder) run() (Noun, error) {
	// A list is as deep as it is long (a %play writ: hundreds of events):
	// start with room for about one open cell per 16 input bytes, so
	// that a long list does not regrow the stack at every doubling.
	var inline [32]frame
	stack := inline[:0]
	if want := min(d.nbits/128, 4096); want > uint64(len(inline)) {
		stack = make([]frame, 0, want)
	}
	pos := uint64(0)
	for {
		if pos >= d.nbits {
			return Zero, d.fail(pos, ErrCueTruncated)
		}
		w := d.peek(pos)
		var r Noun
		var err error
		switch {
		case w&1 == 0:
			r, pos, err = d.atom(pos, w)
		case w&2 == 0:
			if pos+2 > d.nbits {
				return Zero, d.fail(pos, ErrCueTruncated)
			}
			node, idx := d.cells.alloc(pos)
			stack = append(stack, frame{node: node, state: idx << 1})
			pos += 2
			continue
		default:
			r, pos, err = d.backref(pos)
		}
		if err != nil {
			return Zero, err
		}
		// Hand r to the innermost open cell; every cell completed this
		// way is handed on in turn.
		for {
			if len(stack) == 0 {
				return r, nil
			}
			top := &stack[len(stack)-1]
			if top.state&1 == 0 {
				d.cells.setHead(top.node, r)
				top.state |= 1
				break
			}
			d.cells.setTail(top.node, r)
			d.cells.finish(top.state >> 1)
			r = Noun{p: unsafe.Pointer(top.node), v: tagCell}
			stack = stack[:len(stack)-1]
		}
	}
}

// decoder holds the input and the tables of one Cue call.
//
// Invariants: words holds the input as little-endian words followed by two
// zero words, so peek at any offset up to nbits reads zeros past the end
// rather than faulting; cells, and the offsets where cells and atoms of at
// most 64 bits started, are in cells; atoms encoded in more than 64 bits
// are in bigs.
type decoder struct {
	words []uint64
	nbits uint64
	bigs  cueBigs
	cells cellArena
}

type bigEntry struct {
	pos uint64
	n   Noun
}

// sizes returns the number of words init needs for input b: nw for the
// input, ni index entries of three words, nd words of done bits.
func (d *decoder) sizes(b []byte) (nw, ni, nd uint64) {
	nbits := 8 * uint64(len(b))
	return uint64(len(b)+7)/8 + 2, indexLen(nbits), doneLen(nbits)
}

// bufWords is the number of words init needs for input b.
func (d *decoder) bufWords(b []byte) uint64 {
	nw, ni, nd := d.sizes(b)
	return nw + 3*ni + nd
}

// init sets the decoder up for input b in buf, which must be zero and
// hold bufWords(b) words: one pointer-free buffer holds the input words,
// the offset index and the done bits.
func (d *decoder) init(b []byte, buf []uint64) {
	nw, ni, _ := d.sizes(b)
	d.nbits = 8 * uint64(len(b))
	d.words = buf[:nw:nw]
	if nativeLittleEndian {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&d.words[0])), 8*nw), b)
	} else {
		for i, c := range b {
			d.words[i/8] |= uint64(c) << (8 * (i % 8))
		}
	}
	// startEntry is three words with no pointers, so a run of words can
	// hold the index.
	index := unsafe.Slice((*startEntry)(unsafe.Pointer(&buf[nw])), ni)
	d.cells.init(d.nbits, index, buf[nw+3*ni:])
}

func (d *decoder) fail(pos uint64, err error) error {
	return &CueError{Offset: pos, Err: err}
}

// peek returns the 64 bits starting at offset pos <= nbits+64.
func (d *decoder) peek(pos uint64) uint64 {
	i, off := pos/64, pos%64
	// For off == 0 the second shift is by 64, which Go defines to be 0.
	return d.words[i]>>off | d.words[i+1]<<(64-off)
}

// read returns the n <= 64 bits at pos; the caller has checked the bounds.
func (d *decoder) read(pos uint64, n uint64) uint64 {
	// For n == 0 the mask's shift is by 64, which Go defines to be 0.
	return d.peek(pos) & (^uint64(0) >> (64 - n))
}

// atom decodes the atom whose tag bit is at pos; w is peek(pos). It returns
// the offset just past the atom.
func (d *decoder) atom(pos, w uint64) (Noun, uint64, error) {
	// Fast path: the whole atom lies within the 64-bit window and the
	// window within the input.
	if m := w >> 1; m != 0 && pos+64 <= d.nbits {
		c := uint64(bits.TrailingZeros64(m))
		if c == 0 {
			d.markAtom(pos)
			return Zero, pos + 2, nil
		}
		if 1+2*c <= 64 {
			b := uint64(1)<<(c-1) | m>>(c+1)&(uint64(1)<<(c-1)-1)
			if 1+2*c+b <= 64 {
				d.markAtom(pos)
				return Noun{v: w >> (1 + 2*c) & (^uint64(0) >> (64 - b))}, pos + 1 + 2*c + b, nil
			}
		}
	}
	b, start, err := d.matLen(pos + 1)
	if err != nil {
		return Zero, 0, err
	}
	if b <= 64 {
		d.markAtom(pos)
		return Noun{v: d.read(start, b)}, start + b, nil
	}
	// Kept by offset even when high zero bits make it direct: decoding a
	// wide encoding again for every backref would cost its width each time.
	n := d.readBig(start, b)
	d.bigs.add(pos, n)
	return n, start + b, nil
}

func (d *decoder) markAtom(pos uint64) { d.cells.markAtom(pos) }

// matLen decodes the length header of mat at pos: it returns the atom's
// declared bit length b and the offset where its bits start, having
// checked that all b bits lie within the input.
func (d *decoder) matLen(pos uint64) (b, start uint64, err error) {
	if pos >= d.nbits {
		return 0, 0, d.fail(pos, ErrCueTruncated)
	}
	w := d.peek(pos)
	if w == 0 {
		if d.nbits-pos < 64 {
			return 0, 0, d.fail(pos, ErrCueTruncated)
		}
		return 0, 0, d.fail(pos, ErrCueLengthPrefix)
	}
	// The first 1 bit lies within the input: past its end are only zeros.
	c := uint64(bits.TrailingZeros64(w))
	if c == 0 {
		return 0, pos + 1, nil
	}
	start = pos + 2*c
	if start > d.nbits {
		return 0, 0, d.fail(pos, ErrCueTruncated)
	}
	b = uint64(1)<<(c-1) | d.read(pos+c+1, c-1)
	if b > d.nbits-start {
		return 0, 0, d.fail(pos, ErrCueAtomLength)
	}
	return b, start, nil
}

// readBig reads the b > 64 bits at start, already bounds-checked, as an
// atom. High zero bits are dropped, so the result may be direct.
func (d *decoder) readBig(start, b uint64) Noun {
	nw := (b + 63) / 64
	var ws []uint64
	var pair *bigPair
	if nw == 2 {
		// Two words (an @da, a 128-bit hash) share one allocation with
		// their header.
		pair = d.bigs.pair()
		ws = pair.w[:]
	} else {
		ws = make([]uint64, nw)
	}
	i, off := start/64, start%64
	if off == 0 {
		copy(ws, d.words[i:i+nw])
	} else {
		src := d.words[i : i+nw+1]
		for k := range ws {
			ws[k] = src[k]>>off | src[k+1]<<(64-off)
		}
	}
	if r := b % 64; r != 0 {
		ws[nw-1] &= uint64(1)<<r - 1
	}
	for len(ws) > 0 && ws[len(ws)-1] == 0 {
		ws = ws[:len(ws)-1]
	}
	switch len(ws) {
	case 0:
		return Zero
	case 1:
		return Noun{v: ws[0]}
	}
	if pair != nil {
		pair.words = ws
		return Noun{p: unsafe.Pointer(&pair.bigAtom), v: tagBig}
	}
	return fromOwnedWords(ws)
}

// bigPair is a big atom of two words stored with its header.
type bigPair struct {
	bigAtom
	w [2]uint64
}

// backref decodes the backref whose tag bits are at pos and returns the
// earlier noun it names.
func (d *decoder) backref(pos uint64) (Noun, uint64, error) {
	if pos+2 > d.nbits {
		return Zero, 0, d.fail(pos, ErrCueTruncated)
	}
	b, start, err := d.matLen(pos + 2)
	if err != nil {
		return Zero, 0, err
	}
	next := start + b
	if b > 64 {
		// No offset of an input that fits in memory is this wide.
		return Zero, 0, d.fail(pos, ErrCueBackref)
	}
	k := d.read(start, b)
	if k >= pos {
		return Zero, 0, d.fail(pos, ErrCueBackref)
	}
	switch kind, n := d.cells.at(k); kind {
	case startAtom:
		// A direct atom of at most 64 bits: decode it again rather than
		// keep a table of every atom. It decoded once, so it decodes again.
		n, _, err := d.atom(k, d.peek(k))
		return n, next, err
	case startCell:
		return n, next, nil
	}
	if n, ok := d.findBig(k); ok {
		return n, next, nil
	}
	return Zero, 0, d.fail(pos, ErrCueBackref)
}

// findBig returns the big atom that started at offset k, if any.
func (d *decoder) findBig(k uint64) (Noun, bool) { return d.bigs.find(k) }
