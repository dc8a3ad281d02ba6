package serf

import "github.com/kingserf/king/noun"

// MeldStats says what Meld found.
type MeldStats struct {
	// Cells is the number of distinct cell objects in the input (a cell
	// reachable along several paths counts once).
	Cells int
	// UniqueCells is the number of cells in the result: one per
	// structurally distinct cell of the input.
	UniqueCells int
	// BigAtoms and UniqueBigAtoms count atoms of more than 64 bits the same
	// way. Direct atoms are values, not objects, and are not counted.
	BigAtoms, UniqueBigAtoms int
}

// Meld returns a noun equal to n in which equal subtrees are one object:
// hash-consing, the deduplication of %live %meld and %pack. The result has
// the same mug and jam as n; cells of n that are already canonical are
// reused rather than copied.
//
// The canonical table is keyed by mug and compared structurally. Children
// are canonicalised before their parent (a post-order walk with an explicit
// stack, so depth costs no Go stack), and for canonical children structural
// equality of two cells is identity of their heads and of their tails, so
// each lookup is O(1) however large the subtrees. Shared subtrees of the
// input are walked once, so time and memory are linear in the number of
// distinct objects, not in the size of the tree they unfold to.
func Meld(n noun.Noun) (noun.Noun, MeldStats) {
	m := melder{
		canon:    make(map[noun.Noun]noun.Noun),
		first:    make(map[uint32]noun.Noun),
		overflow: make(map[uint32][]noun.Noun),
	}
	return m.meld(n), m.stats
}

// melder holds the tables of one Meld.
//
// Invariants: canon maps every object finished so far (cell or big atom,
// by identity) to its canonical equal; every canonical noun is in first or
// overflow under its mug, and no two canonical nouns are equal; the head
// and tail of a canonical cell are themselves canonical.
type melder struct {
	canon    map[noun.Noun]noun.Noun
	first    map[uint32]noun.Noun
	overflow map[uint32][]noun.Noun
	stats    MeldStats
}

func (m *melder) meld(root noun.Noun) noun.Noun {
	// work holds nouns to visit and cells to finish; vals holds the
	// canonical forms of the nouns visited, which finishing a cell pops
	// (tail on top of head) and replaces by the cell's own.
	type task struct {
		n      noun.Noun
		finish bool
	}
	work := []task{{n: root}}
	var vals []noun.Noun
	for len(work) > 0 {
		tk := work[len(work)-1]
		work = work[:len(work)-1]
		n := tk.n
		if tk.finish {
			h, t := vals[len(vals)-2], vals[len(vals)-1]
			vals = vals[:len(vals)-2]
			m.stats.Cells++
			c := m.internCell(n, h, t)
			m.canon[n] = c
			vals = append(vals, c)
			continue
		}
		if n.IsDirect() {
			vals = append(vals, n)
			continue
		}
		if c, seen := m.canon[n]; seen {
			vals = append(vals, c)
			continue
		}
		h, t, ok := n.Uncell()
		if !ok {
			m.stats.BigAtoms++
			c := m.internAtom(n)
			m.canon[n] = c
			vals = append(vals, c)
			continue
		}
		// Nouns are acyclic and the walk is depth-first, so a cell is
		// finished before any later occurrence of it is visited, and that
		// occurrence finds it in canon.
		work = append(work, task{n: n, finish: true}, task{n: t}, task{n: h})
	}
	return vals[0]
}

// internCell returns the canonical cell equal to c, given the canonical
// forms h and t of its head and tail: an existing one, or c (or, if its
// children were not canonical, a copy of c built on h and t) newly added.
func (m *melder) internCell(c, h, t noun.Noun) noun.Noun {
	h0, t0, _ := c.Uncell()
	mug := noun.Mug(c)
	same := func(x noun.Noun) bool {
		xh, xt, ok := x.Uncell()
		return ok && xh == h && xt == t
	}
	if found, ok := m.find(mug, same); ok {
		return found
	}
	if h != h0 || t != t0 {
		c = noun.Cell(h, t)
	}
	m.stats.UniqueCells++
	m.add(mug, c)
	return c
}

// internAtom returns the canonical atom equal to the big atom a.
func (m *melder) internAtom(a noun.Noun) noun.Noun {
	mug := noun.Mug(a)
	same := func(x noun.Noun) bool { return x.IsAtom() && noun.Equal(x, a) }
	if found, ok := m.find(mug, same); ok {
		return found
	}
	m.stats.UniqueBigAtoms++
	m.add(mug, a)
	return a
}

// find looks for a canonical noun with this mug satisfying same.
func (m *melder) find(mug uint32, same func(noun.Noun) bool) (noun.Noun, bool) {
	x, ok := m.first[mug]
	if !ok {
		return noun.Zero, false
	}
	if same(x) {
		return x, true
	}
	for _, y := range m.overflow[mug] {
		if same(y) {
			return y, true
		}
	}
	return noun.Zero, false
}

// add records a new canonical noun under its mug.
func (m *melder) add(mug uint32, x noun.Noun) {
	if _, ok := m.first[mug]; !ok {
		m.first[mug] = x
		return
	}
	m.overflow[mug] = append(m.overflow[mug], x)
}
