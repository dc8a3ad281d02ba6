package nock

import "github.com/kingserf/king/noun"

// quickDepth bounds how deeply quick descends. Deeper formulas take the
// general path; the bound keeps quick's Go recursion trivially shallow and
// the work thrown away when it gives up small (at most 15 formulas).
const quickDepth = 3

// tryQuick evaluates small formulas made only of opcodes 0, 1, 3, 4, 5, 10
// and autocons, nested at most quickDepth deep, directly, without frames: the
// shape of most arguments in compiled code (slots, constants, increments,
// tests, small tuples). It returns false, with the step and allocation
// counts as they were, for anything else, including a formula that would
// crash; the general path then evaluates (and reports) it. The formula runs
// from its compiled form (quickcode.go).
func (it *Interpreter) tryQuick(subj, form noun.Noun) (noun.Noun, bool) {
	// qcache.lookup, with the hit path written out.
	s := it.qc.set(form)
	e := &s[0]
	if e.form != form {
		e = it.qc.miss(s, form, it.cells, true)
	}
	code := e.code
	if code == nil {
		return noun.Noun{}, false
	}
	steps, alloc := it.steps, it.alloc
	v, ok := it.quick(subj, code)
	if !ok {
		it.steps, it.alloc = steps, alloc
	}
	return v, ok
}

// quick evaluates a compiled small formula, counting one step per formula
// as the general path does. It returns false where the general path would
// crash (or run out of memory), having done nothing that restoring the
// step and allocation counts does not undo.
//
// Operands that are slots, constants or increments of slots (op <
// qInline), the leaves of most formulas, are evaluated in place rather
// than by a call, the same code written out for each of the two operands,
// and a tuple is evaluated in one call: the calls were a large part of
// the interpreter's time.
func (it *Interpreter) quick(subj noun.Noun, n *qnode) (noun.Noun, bool) {
	if n.op < qInline {
		it.steps++
		switch n.op {
		case qSlot:
			return subj.WalkPath(n.path, int(n.depth))
		case qConst:
			return n.k, true
		}
		it.steps++
		v, ok := subj.WalkPath(n.path, int(n.depth))
		if !ok {
			return noun.Noun{}, false
		}
		return it.bump(v)
	}
	it.steps++
	if n.op == qSlotAtom {
		return slot(subj, n.k)
	}
	var v, w noun.Noun
	var ok bool
	// A right-nested chain of autocons (a tuple [a b c ...]) is evaluated
	// in this one call: the heads wait in heads and are consed on from
	// the right at the end, in the order the nested calls would have. A
	// chain has at most quickDepth conses, so quickDepth-1 waiting heads;
	// a longer one would continue by a call.
	var heads [quickDepth - 1]noun.Noun
	k := 0
	for {
		a := n.a
		switch {
		case a.op == qSlot:
			it.steps++
			v, ok = subj.WalkPath(a.path, int(a.depth))
		case a.op == qConst:
			it.steps++
			v, ok = a.k, true
		case a.op == qBumpSlot:
			it.steps += 2
			if v, ok = subj.WalkPath(a.path, int(a.depth)); ok {
				if x, direct := v.Word(); direct && x != ^uint64(0) {
					v = noun.Atom(x + 1)
				} else {
					v, ok = it.bumpBig(v)
				}
			}
		default:
			v, ok = it.quick(subj, a)
		}
		if !ok {
			return noun.Noun{}, false
		}
		if n.op != qCons || n.b.op != qCons || k == len(heads) {
			break
		}
		heads[k], k = v, k+1
		n = n.b
		it.steps++
	}
	if n.op < qBinary {
		if n.op == qDeep {
			return noun.Loob(v.IsCell()), true
		}
		if x, direct := v.Word(); direct && x != ^uint64(0) {
			return noun.Atom(x + 1), true
		}
		return it.bumpBig(v)
	}
	b := n.b
	switch {
	case b.op == qSlot:
		it.steps++
		w, ok = subj.WalkPath(b.path, int(b.depth))
	case b.op == qConst:
		it.steps++
		w, ok = b.k, true
	case b.op == qBumpSlot:
		it.steps += 2
		if w, ok = subj.WalkPath(b.path, int(b.depth)); ok {
			if x, direct := w.Word(); direct && x != ^uint64(0) {
				w = noun.Atom(x + 1)
			} else {
				w, ok = it.bumpBig(w)
			}
		}
	default:
		w, ok = it.quick(subj, b)
	}
	if !ok {
		return noun.Noun{}, false
	}
	switch n.op {
	case qCons:
		v, ok = it.cons(v, w)
		for ok && k > 0 {
			k--
			v, ok = it.cons(heads[k], v)
		}
		return v, ok
	case qSame:
		if v == w {
			return noun.Zero, true
		}
		if v.IsDirect() && w.IsDirect() {
			return noun.One, true
		}
		return noun.Loob(noun.Equal(v, w)), true
	}
	return it.edit(w, n.k, v)
}
