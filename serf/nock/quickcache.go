package nock

import "github.com/kingserf/king/noun"

// The compiled-formula cache maps a formula cell, by identity, to its
// compiled form: the qnode code of a small formula (quickcode.go) or the
// tshape of a tail call (tail.go). Nouns are immutable, so an entry never
// goes stale, and it keeps its formula reachable, so the address it is
// keyed by cannot be reused while it exists.
//
// The cache is two-way set-associative: a formula's set is picked by
// hashing its cell's address; a new formula takes the set's first place
// and moves the first to the second, dropping the second. The table's
// size bounds the memory the cache holds (an entry's code and shape have
// at most 64 nodes of 48 bytes, a few in practice), and compiling again
// after an eviction is cheap (at most 15 formulas, one allocation).
//
// A formula the interpreter's allocator built in the current epoch is
// compiled but not cached (see miss): holding it would pin its slab, which
// CellAllocator.Keep exists to release, and such formulas (computed for
// opcode 2, or built for one computation by its caller) are mostly used
// once. Its code lives in the scratch nodes until the next miss. The
// cache may keep an old kernel's formulas reachable until they are
// evicted.
//
// Invariants: a cached entry holds a cell form with code == the compiled
// form (nil when quick does not evaluate it) and shape == its tshape (nil
// when it has none, always nil when code is not); an empty entry is the
// zero qentry, whose form, the atom 0, only an atom formula matches, with
// the correct answer (no code, no shape).

// qcacheSetBits is log2 of the number of sets: 2048 sets of two entries
// of 32 bytes (128 KiB, scanned by every garbage collection), room for
// the hot formulas of a large kernel.
const qcacheSetBits = 11

// qentry is one cache place.
type qentry struct {
	form  noun.Noun
	code  *qnode
	shape *tshape
}

// qcache is the compiled-formula cache.
type qcache struct {
	// sets is an array, not a slice, so indexing it by a hash's top
	// qcacheSetBits bits needs no bounds check.
	sets *[1 << qcacheSetBits][2]qentry
	// scratch holds the code of a formula that is not cached; used is how
	// many of its nodes have been written since the last release; tmp is
	// the entry handed out for it (only its code is ever set). none is the
	// entry handed out when not even code is wanted; it stays empty.
	scratch [qScratch]qnode
	used    int
	tmp     qentry
	none    qentry
}

func newQcache() qcache {
	return qcache{sets: new([1 << qcacheSetBits][2]qentry)}
}

// set returns the set of form. Cells are at least 8-aligned; the multiply
// spreads the address over the top bits, which pick the set. Atoms all
// hash to set 0.
//
// The hit path, set(form)[0].form == form, is written out where it is hot
// (tryQuick, run); everything else goes through miss.
func (c *qcache) set(form noun.Noun) *[2]qentry {
	return &c.sets[(form.CellID()*0x9e3779b97f4a7c15)>>(64-qcacheSetBits)]
}

// lookup returns the entry for form.
func (c *qcache) lookup(form noun.Noun, cells *noun.CellAllocator) *qentry {
	s := c.set(form)
	if s[0].form == form {
		return &s[0]
	}
	return c.miss(s, form, cells, true)
}

// miss returns the entry for form, which is not in the first place of its
// set s: the second place's, or a new one. See the type's comment for
// what is cached. A caller that wants only the shape (the evaluation
// loop) passes code false: a formula that is not cached then gets the
// empty entry without being compiled, since it has no shape anyway.
func (c *qcache) miss(s *[2]qentry, form noun.Noun, cells *noun.CellAllocator, code bool) *qentry {
	if s[1].form == form {
		return &s[1]
	}
	if !form.IsCell() || cells.Fresh(form) {
		if !code {
			return &c.none
		}
		b := qbuilder{nodes: c.scratch[:0]}
		c.tmp.code = b.compile(form, quickDepth)
		c.used = max(c.used, len(b.nodes))
		return &c.tmp
	}
	e := qentry{form: form, code: heapCode(form)}
	if e.code == nil {
		e.shape = compileTail(form)
	}
	s[1], s[0] = s[0], e
	return &s[0]
}

// release drops the scratch nodes' references to nouns, so that they do
// not keep a finished computation's cells alive.
func (c *qcache) release() {
	clear(c.scratch[:c.used])
	c.used = 0
	c.tmp.code = nil
}
