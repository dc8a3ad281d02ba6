package noun

import (
	"slices"
	"unsafe"
)

// Equal reports whether a and b are the same noun. Identical pointers and
// differing cached mugs answer without descending; deep nouns are compared
// with an explicit stack, never by recursion.
//
// Two copies of a noun with heavy internal sharing (a DAG whose tree is
// exponentially larger than its cells) are compared in time linear in the
// cells: past a small budget of steps, Equal remembers the pairs of cells
// it has proven equal and never compares a pair twice.
func Equal(a, b Noun) bool {
	if a == b {
		return true
	}
	if a.IsCell() != b.IsCell() {
		return false
	}
	if !a.IsCell() {
		return atomEqual(a, b)
	}
	if eq, done := equalBounded(a, b, equalBudget); done {
		return eq
	}
	return equalMemo(a.cell(), b.cell())
}

// equalBudget is the number of cell pairs the plain comparison may visit
// before Equal switches to the memoizing one; typical comparisons finish
// well within it and never allocate a memo.
const equalBudget = 1 << 12

// equalBounded compares a and b depth-first. done is false if the budget
// of cell pairs ran out first.
func equalBounded(a, b Noun, budget int) (eq, done bool) {
	type pair struct{ a, b Noun }
	var buf [32]pair
	stack := buf[:0]
	for {
		if a != b {
			if a.IsCell() != b.IsCell() {
				return false, true
			}
			if !a.IsCell() {
				if !atomEqual(a, b) {
					return false, true
				}
			} else {
				ca, cb := a.cell(), b.cell()
				if ma, mb := ca.mug.Load(), cb.mug.Load(); ma != 0 && mb != 0 && ma != mb {
					return false, true
				}
				if budget--; budget < 0 {
					return false, false
				}
				stack = append(stack, pair{ca.tail, cb.tail})
				a, b = ca.head, cb.head
				continue
			}
		}
		if len(stack) == 0 {
			return true, true
		}
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b = p.a, p.b
	}
}

// equalMemo compares two distinct cells, remembering every pair of cells
// proven equal so that shared subtrees are compared once.
//
// Invariant: a frame's pair has matched on every child already compared;
// the pair is entered in proven only when both children have matched.
func equalMemo(ra, rb *cellNode) bool {
	type frame struct {
		a, b *cellNode
		// next is 0 before the head is compared, 1 before the tail, 2
		// when both matched.
		next uint8
	}
	var proven pairSet
	stack := []frame{{a: ra, b: rb}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next == 2 {
			proven.add(f.a, f.b)
			stack = stack[:len(stack)-1]
			continue
		}
		x, y := f.a.head, f.b.head
		if f.next == 1 {
			x, y = f.a.tail, f.b.tail
		}
		f.next++
		if x == y {
			continue
		}
		if x.IsCell() != y.IsCell() {
			return false
		}
		if !x.IsCell() {
			if !atomEqual(x, y) {
				return false
			}
			continue
		}
		cx, cy := x.cell(), y.cell()
		if mx, my := cx.mug.Load(), cy.mug.Load(); mx != 0 && my != 0 && mx != my {
			return false
		}
		if proven.has(cx, cy) {
			continue
		}
		stack = append(stack, frame{a: cx, b: cy})
	}
	return true
}

// pairSet is a set of pairs of cells: an open-addressing hash table with
// linear probing, cheaper than a map for the millions of pairs a deep
// comparison may record. Invariant: at most half the slots are full; an
// empty slot has a == nil.
type pairSet struct {
	slots []cellPair
	n     int
}

type cellPair struct{ a, b *cellNode }

func (s *pairSet) index(a, b *cellNode) uint64 {
	h := uint64(uintptr(unsafe.Pointer(a)))*0x9e3779b97f4a7c15 ^ uint64(uintptr(unsafe.Pointer(b)))*0xc2b2ae3d27d4eb4f
	return (h ^ h>>29) & uint64(len(s.slots)-1)
}

func (s *pairSet) has(a, b *cellNode) bool {
	if s.n == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := s.index(a, b); ; i = (i + 1) & mask {
		p := s.slots[i]
		if p.a == nil {
			return false
		}
		if p.a == a && p.b == b {
			return true
		}
	}
}

func (s *pairSet) add(a, b *cellNode) {
	if 2*(s.n+1) > len(s.slots) {
		old := s.slots
		s.slots = make([]cellPair, max(64, 2*len(old)))
		s.n = 0
		for _, p := range old {
			if p.a != nil {
				s.add(p.a, p.b)
			}
		}
	}
	mask := uint64(len(s.slots) - 1)
	for i := s.index(a, b); ; i = (i + 1) & mask {
		p := s.slots[i]
		if p.a == nil {
			s.slots[i] = cellPair{a, b}
			s.n++
			return
		}
		if p.a == a && p.b == b {
			return
		}
	}
}

// atomEqual compares two atoms. Direct atoms are never equal to big ones,
// because every constructor keeps 64-bit values direct.
func atomEqual(a, b Noun) bool {
	if a.p == nil || b.p == nil {
		return a == b
	}
	return slices.Equal(a.big().words, b.big().words)
}
