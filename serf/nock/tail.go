package nock

import "github.com/kingserf/king/noun"

// Most formulas the evaluation loop meets end in a tail call after one
// small operand: an if-then-else on a small test ([6 b c d]), a gate call
// on a small core ([9 a c]), a push ([8 b c]), a composition ([7 b c]) or
// an eval of small operands ([2 b c]). For these the compiled-formula
// cache keeps a tshape beside the formula: the operand's compiled code and
// the formulas to continue with, so the loop (run) skips decoding the
// formula and looking its operand up. The loop takes this fast path only
// when the whole transition succeeds; otherwise (a crash, a test that is
// not a loobean, a missing arm, an exceeded budget) it restores the step
// and allocation counts and evaluates the formula the general way, which
// evaluates the operand again and reports the crash. The operand is small
// and pure, so evaluating it twice changes nothing but time.

// tshape is the decoded form of a tail-call formula. q is the code of the
// first operand (b, or c for opcode 9).
type tshape struct {
	op uint8
	// depth and path are opcode 9's arm axis, split by noun.AxisPath.
	depth int32
	path  uint64
	q     *qnode
	// q2 is opcode 2's formula operand c.
	q2 *qnode
	// f and g are what to evaluate next: 6's yes and no, 7's and 8's c.
	f, g noun.Noun
}

// compileTail returns the tshape of form, or nil when form is not a
// tail-call formula with small operands. Its code is built by heapCode.
func compileTail(form noun.Noun) *tshape {
	op, arg, ok := form.Uncell()
	if !ok {
		return nil
	}
	code, direct := op.Word()
	if !direct {
		return nil
	}
	b, c, ok := arg.Uncell()
	if !ok {
		return nil
	}
	switch code {
	case 2:
		qb, qc := heapCode(b), heapCode(c)
		if qb == nil || qc == nil {
			return nil
		}
		return &tshape{op: 2, q: qb, q2: qc}
	case 6:
		yes, no, ok := c.Uncell()
		if q := heapCode(b); ok && q != nil {
			return &tshape{op: 6, q: q, f: yes, g: no}
		}
	case 7, 8:
		if q := heapCode(b); q != nil {
			return &tshape{op: uint8(code), q: q, f: c}
		}
	case 9:
		w, direct := b.Word()
		if q := heapCode(c); direct && w != 0 && q != nil {
			path, depth := noun.AxisPath(w)
			return &tshape{op: 9, q: q, path: path, depth: int32(depth)}
		}
	}
	return nil
}

// tailRest finishes the fast path of opcodes 2, 7 and 8 given the first
// operand's product v: the subject and formula to continue with, or false
// when the general path must take the formula. (Opcodes 6 and 9, most of
// the traffic, are finished in run itself.)
func (it *Interpreter) tailRest(subj noun.Noun, sh *tshape, v noun.Noun) (noun.Noun, noun.Noun, bool) {
	switch sh.op {
	case 8:
		if s, ok := it.cons(v, subj); ok {
			return s, sh.f, true
		}
	case 7:
		return v, sh.f, true
	case 2:
		if f, ok := it.quick(subj, sh.q2); ok {
			return v, f, true
		}
	}
	return noun.Noun{}, noun.Noun{}, false
}
