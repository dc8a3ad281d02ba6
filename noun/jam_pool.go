package noun

import "sync"

// Jam takes its state from a pool of jammers, so that a small message
// costs no allocation beyond its result: a jammer carries inline buffers
// big enough for typical messages, and bigger nouns grow heap buffers
// that are dropped when the call ends.

// jammers holds *jammer values, each used by one Jam at a time.
var jammers = sync.Pool{New: func() any { return new(jammer) }}

// jamInline holds a jammer's inline buffers. Invariant: they are all zero
// while the jammer is in the pool.
type jamInline struct {
	words  [jamInlineWords]uint64
	cells  [1 << jamTableMinLg]jamSlot
	atoms  [1 << jamTableMinLg]jamAtomSlot
	short  [1 << jamTableMinLg]jamAtomSlot
	blooms [3 * jamMinBloomWords]uint64
	// The tiny path's entries, hash table and first offsets
	// (jam_tiny.go); tinyOff is written before it is read, so it needs
	// no clearing.
	tiny      [jamTinyMax]tinyEntry
	tinySlots [jamTinySlots]uint8
	tinyOff   [jamTinyMax]uint64
}

// setup points j's writer at its inline buffer and forgets the atoms of
// the last jam. The tables are set up only if the tiny path does not take
// the noun (setupTables).
func (j *jammer) setup() {
	j.w.init(j.inline.words[:])
	j.filt, j.atomLens = nil, 0
}

// setupTables points j's tables at their inline buffers.
func (j *jammer) setupTables() {
	b := &j.inline
	j.cells.init(b.cells[:], b.blooms[:jamMinBloomWords])
	j.atoms.init(b.atoms[:], b.blooms[jamMinBloomWords:2*jamMinBloomWords])
	j.short.init(b.short[:], b.blooms[2*jamMinBloomWords:])
}

// getJammer returns a pooled jammer set up on its inline buffers.
func getJammer() *jammer {
	j := jammers.Get().(*jammer)
	j.setup()
	return j
}

// putJammer clears what j used of its inline buffers, drops the rest, and
// returns it to the pool. The output must have been taken already.
func putJammer(j *jammer) {
	b := &j.inline
	clear(b.words[:min(uint64(len(b.words)), j.w.pos/64+2)])
	if j.cells.n > 0 {
		clear(b.cells[:])
		clear(b.blooms[:jamMinBloomWords])
		clear(j.cells.pend[:]) // pointers, even those already flushed
	}
	if j.atoms.n > 0 {
		clear(b.atoms[:])
		clear(b.blooms[jamMinBloomWords : 2*jamMinBloomWords])
	}
	if j.short.n > 0 {
		clear(b.short[:])
		clear(b.blooms[2*jamMinBloomWords:])
	}
	j.w = bitWriter{}
	j.cells.slots, j.cells.bloom.bits, j.cells.n = nil, nil, 0
	j.atoms.slots, j.atoms.bloom.bits, j.atoms.n = nil, nil, 0
	j.short.slots, j.short.bloom.bits, j.short.n = nil, nil, 0
	j.filt = nil
	j.tinyClear()
	jammers.Put(j)
}
