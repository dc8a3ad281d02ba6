package nock

import (
	"math/bits"

	"github.com/kingserf/king/noun"
)

// quickDepth bounds how deeply quick descends. Deeper formulas take the
// general path; the bound keeps quick's Go recursion trivially shallow and
// the work thrown away when it gives up small (at most 15 formulas).
const quickDepth = 3

// tryQuick evaluates small formulas made only of opcodes 0, 1, 3, 4, 5, 10
// and autocons, nested at most quickDepth deep, directly, without frames: the
// shape of most arguments in compiled code (slots, constants, increments,
// tests, small tuples). It returns false, with the step and allocation
// counts as they were, for anything else, including a formula that would
// crash; the general path then evaluates (and reports) it.
func (it *Interpreter) tryQuick(subj, form noun.Noun) (noun.Noun, bool) {
	steps, alloc := it.steps, it.alloc
	v, ok := it.quick(subj, form, quickDepth)
	if !ok {
		it.steps, it.alloc = steps, alloc
	}
	return v, ok
}

// quick is tryQuick's evaluator; depth is how many more levels it may
// descend.
func (it *Interpreter) quick(subj, form noun.Noun, depth int) (noun.Noun, bool) {
	op, arg, ok := form.Uncell()
	if !ok {
		return noun.Zero, false
	}
	it.steps++
	if op == noun.Atom(0) {
		// Slots are most of quick's work: walk direct axes right here.
		w, ok := arg.Word()
		if !ok || w == 0 {
			return slot(subj, arg)
		}
		for d := bits.Len64(w) - 2; d >= 0; d-- {
			h, t, ok := subj.Uncell()
			if !ok {
				return noun.Zero, false
			}
			if w>>uint(d)&1 == 0 {
				subj = h
			} else {
				subj = t
			}
		}
		return subj, true
	}
	if op.IsCell() {
		if depth == 0 {
			return noun.Zero, false
		}
		h, ok := it.quick(subj, op, depth-1)
		if !ok {
			return noun.Zero, false
		}
		t, ok := it.quick(subj, arg, depth-1)
		if !ok {
			return noun.Zero, false
		}
		return it.cons(h, t)
	}
	code, direct := op.Word()
	if !direct {
		return noun.Zero, false
	}
	if code == 1 {
		return arg, true
	}
	if depth == 0 {
		return noun.Zero, false
	}
	switch code {
	case 3:
		v, ok := it.quick(subj, arg, depth-1)
		return noun.Loob(v.IsCell()), ok
	case 4:
		v, ok := it.quick(subj, arg, depth-1)
		if !ok {
			return noun.Zero, false
		}
		return it.bump(v)
	case 5:
		b, c, ok := arg.Uncell()
		if !ok {
			return noun.Zero, false
		}
		v, ok := it.quick(subj, b, depth-1)
		if !ok {
			return noun.Zero, false
		}
		w, ok := it.quick(subj, c, depth-1)
		if !ok {
			return noun.Zero, false
		}
		return noun.Loob(same(v, w)), true
	case 10:
		// Edits of small values, such as the sample of a gate about to be
		// called: [9 2 10 [6 x] 0 1].
		bc, d, ok := arg.Uncell()
		if !ok {
			return noun.Zero, false
		}
		b, c, ok := bc.Uncell()
		if !ok || b.IsCell() {
			return noun.Zero, false
		}
		v, ok := it.quick(subj, c, depth-1)
		if !ok {
			return noun.Zero, false
		}
		target, ok := it.quick(subj, d, depth-1)
		if !ok {
			return noun.Zero, false
		}
		return it.edit(target, b, v)
	}
	return noun.Zero, false
}
