package noun

import (
	"io"
	"math"
	"math/bits"
)

// Jam serializes n exactly as Urbit's jam does (PROTOCOL.md §1.2): a bit
// stream, least significant bit first, in which every repeated cell, and
// every repeated atom wider than the offset of its first copy, is written
// as a back-reference to that first copy. The output is canonical: equal
// nouns jam to equal bytes however they are shared in memory.
//
// Jam never recurses, so nouns of any depth can be serialized. A small
// noun (fewer than jamSmallCells cells) is deduplicated with its mugs as
// hash, which Jam computes and caches, and costs one allocation, the
// result. A bigger one takes the side path (jam_side_walk.go), which
// computes (and caches) mugs only where two cells' structural hashes
// collide.
func Jam(n Noun) []byte {
	j := getJammer()
	j.run(n, jamAuto)
	out := j.w.bytes()
	putJammer(j)
	return out
}

// AppendJam appends the jam of n to dst and returns the extended slice,
// as Jam but into a buffer the caller reuses: a message needs no
// allocation of its own.
func AppendJam(dst []byte, n Noun) []byte {
	j := getJammer()
	j.run(n, jamAuto)
	dst = j.w.appendTo(dst)
	putJammer(j)
	return dst
}

// Sizes of a jammer's inline buffers, enough for a typical message:
// outputs of up to 2 KiB, 32 cells deep, and 20 remembered nouns of each
// kind. Larger nouns move each to the heap as needed.
const (
	jamInlineWords   = 256
	jamInlineTails   = 32
	jamMinBloomWords = 1 << (jamTableMinLg + bloomExtraBits) / 64
)

// JamTo writes the jam of n to w.
func JamTo(w io.Writer, n Noun) error {
	_, err := w.Write(Jam(n))
	return err
}

// jammer holds the state of one Jam call.
//
// A big noun takes the side path (see jam_side_walk.go) unless its cells
// are scattered too thinly over memory for the side table; a small noun,
// and a scattered one, take the mug path described here.
//
// The mug path works in two or three passes over the noun. The first computes the
// mug of every cell (cached in the cells, and needed anyway as the hash for
// structural equality) and counts how often it met a cell hashed already.
// The writing pass then walks the noun in pre-order, head first, looking
// each cell up before writing it, exactly as the definition reads.
//
// The tables of earlier copies are far larger than the caches for a big
// noun, so every probe waits for memory. For a big noun with little
// sharing (few cached children met while hashing) a counting pass first
// counts, in a compact filter that stays cached (2 bits a slot, 4 slots a
// noun), how often each hash occurs along jam's walk; the writing pass then
// needs the tables only for nouns whose slot was hit more than once. A
// noun with much sharing skips the counting pass: most of its nouns would
// need the tables anyway.
//
// Invariants: every entry in cells, atoms and short was written in full
// at its offset, before the current position; with filt set, every noun
// the writing pass meets twice has a slot counted twice.
type jammer struct {
	w     bitWriter
	cells jamTable
	// atoms holds direct atoms wider than shortAtomBits, short the others.
	// A short atom is remembered only while the offset is below
	// 2^shortAtomBits, so short stays small, and the many lookups of short
	// atoms that atomLens lets through later (atoms of a width some early
	// atom had) never reach the big table or its filter.
	atoms jamAtomTable
	short jamAtomTable
	// filt, when non-nil, counts occurrences by hash slot; nouns whose
	// slot counted at most one occurrence are unique and skip the tables.
	filt *occFilter
	// atomLens has bit L-1 set once any direct atom of bit-length L has been
	// entered in a table. An atom of bit-length L is only ever entered while
	// the stream offset is below 2^(L-1) (the canonical rule makes later
	// copies unreachable as backref targets), so for a big noun the small
	// atoms never touch the tables: this mask lets them skip the lookup too.
	atomLens uint64
	inline   jamInline

	// The side path's state: the side table, and the counted atoms in
	// chunks (atomTail is the last chunk) with their number, nbigs of
	// them big atoms.
	side     sideTable
	atomList [][]sideAtom
	atomTail []sideAtom
	natoms   int
	nbigs    int
	// sideBound bounds the bits of the jam, from hashWalk.
	sideBound uint64
	// sideTight shrinks the side table's budget to two pages, and
	// sideMaxBits (0: sideMaxOffset) the longest jam the side path takes,
	// so that tests can make the side path give up.
	sideTight   bool
	sideMaxBits uint64
	// tinyN is the number of entries the tiny path flattened.
	tinyN int
	// tinyWeak makes the tiny path's hashes collide, so that tests
	// reach its structural comparison.
	tinyWeak bool
}

// filterMinCells is the number of cells hashed from which counting may pay
// off, and filterMaxShared the share of cached children (in 1/16ths of
// the cells hashed) up to which it does.
const (
	filterMinCells  = 1024
	filterMaxShared = 2
)

// jamSmallCells is the number of cells from which Jam takes the side path.
const jamSmallCells = 1024

// shortAtomBits is the widest atom kept in jammer.short.
const shortAtomBits = 24

// jamMode says how run deduplicates. Jam uses jamAuto; tests force the
// others to check that every way gives the same bytes.
type jamMode int

const (
	// jamAuto takes the tiny path for a tiny noun, the mug path for a
	// small one, the side path for a big one, and the mug path if the
	// side table overflows.
	jamAuto jamMode = iota
	// jamTables takes the mug path and never counts occurrences.
	jamTables
	// jamCounted takes the mug path and counts occurrences first
	// whenever a cell was hashed.
	jamCounted
	// jamSide takes the side path whatever the size of the noun, and the
	// mug path if the side table overflows.
	jamSide
)

// run jams n into j.w.
func (j *jammer) run(n Noun, mode jamMode) {
	if j.w.buf == nil {
		j.setup() // a zero jammer (tests)
	}
	if mode == jamAuto {
		if j.tinyFlatten(n) {
			j.tinyWrite()
			return
		}
		j.tinyClear()
	}
	j.setupTables()
	if !n.IsCell() {
		j.write(n)
		return
	}
	root := n.cell()
	hashed, shared := 0, 0
	switch mode {
	case jamAuto:
		var done bool
		_, hashed, shared, done = mugWalk(root, jamSmallCells)
		// A noun whose mug was cached (hashed == 0) may be big.
		if done && (hashed > 0 || !atLeastCells(n, jamSmallCells)) {
			j.runMug(n, hashed, shared, filterMinCells)
			return
		}
		fallthrough
	case jamSide:
		if j.runSide(n) {
			return
		}
	}
	_, h, sh, _ := mugWalk(root, math.MaxInt)
	hashed, shared = hashed+h, shared+sh
	switch mode {
	case jamTables:
		j.runMug(n, hashed, shared, math.MaxInt)
	case jamCounted:
		j.runMug(n, hashed, shared, 1)
	default:
		j.runMug(n, hashed, shared, filterMinCells)
	}
}

// runMug jams the cell n, every cell of which has its mug cached, by the
// mug path; hashed and shared are what mugWalk counted. It counts
// occurrences first if at least filterFrom cells were hashed and little
// sharing found; filterFrom == 1 forces counting whenever a cell was
// hashed.
func (j *jammer) runMug(n Noun, hashed, shared, filterFrom int) {
	if hashed >= max(filterFrom, 1) && (filterFrom == 1 || 16*shared <= filterMaxShared*hashed) {
		j.filt = newOccFilter(4 * hashed)
		j.count(n)
		// Only nouns whose slot counted twice are entered, cells and
		// wide atoms alike: size both tables for that many.
		j.cells.reserve(j.filt.many)
		j.atoms.reserve(j.filt.many)
	} else {
		// A fresh noun has as many distinct cells as were hashed:
		// size the table once rather than grow it through every size.
		j.cells.reserve(hashed)
	}
	j.write(n)
}

// write writes n in pre-order, head first, with an explicit stack of the
// tails still to be written, innermost last. Every cell's mug is cached.
func (j *jammer) write(n Noun) {
	var buf [jamInlineTails]Noun
	tails := buf[:0]
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
				if k, found := j.cells.findOrAdd(n.p, false, m, j.w.pos); found {
					j.w.backref(k)
					break
				}
			}
			j.w.write(1, 2) // tag bits 1, 0: a cell
			tails = append(tails, c.tail)
			n = c.head
			continue
		}
		if len(tails) == 0 {
			return
		}
		n = tails[len(tails)-1]
		tails = tails[:len(tails)-1]
	}
}

// direct writes a direct atom, or a backref to its first copy.
func (j *jammer) direct(v uint64) {
	if v == 0 {
		j.w.write(2, 2) // 0 is never wider than an offset
		return
	}
	pos := j.w.pos
	if fresh, look := j.atomLookup(v, pos); look && (j.filt == nil || j.filt.isMany(atomSlot(v, j.filt.shift))) {
		t := &j.atoms
		if bits.Len64(v) <= shortAtomBits {
			t = &j.short
		}
		if k, found := t.findOrAdd(v, fresh, pos); found {
			// Only atoms wider than their first offset were entered, so a
			// hit is always a backref.
			j.w.backref(k)
			return
		}
		if fresh {
			j.atomEntered(v)
		}
	}
	j.w.atom(v)
}

// atomLookup applies the canonical rule to the direct atom v != 0 about
// to be written at offset pos. fresh: a first copy written here would be
// a backref target (it is wider than its offset), so it must be entered.
// look: an earlier copy may be one, so v must be looked up; either v is
// fresh, or some atom of v's width was entered (jammer.atomLens), since a
// later offset is never shorter.
func (j *jammer) atomLookup(v, pos uint64) (fresh, look bool) {
	bl := bits.Len64(v)
	fresh = bl > bits.Len64(pos)
	return fresh, fresh || j.atomLens&(1<<(bl-1)) != 0
}

// atomEntered records that an atom of v's width was entered in a table.
func (j *jammer) atomEntered(v uint64) { j.atomLens |= 1 << (bits.Len64(v) - 1) }

// big writes an atom of more than 64 bits, or a backref to its first copy.
// Its bit-length exceeds that of any offset, so it is always remembered.
func (j *jammer) big(n Noun) {
	b := n.big()
	m := mugBig(b)
	if j.filt == nil || j.filt.isMany(cellSlot(m, j.filt.shift)) {
		if k, found := j.cells.findOrAdd(n.p, true, m, j.w.pos); found {
			j.w.backref(k)
			return
		}
	}
	j.w.write(0, 1)
	j.w.matWords(b.words)
}
