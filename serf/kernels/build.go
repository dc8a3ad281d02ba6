package kernels

import (
	"math/bits"

	"github.com/kingserf/king/noun"
)

// This file is the formula builder: one constructor per Nock 4K rule, plus
// the few shapes kernels keep needing (tuples, lists, gates, calls). Every
// constructor returns a formula noun; nothing here evaluates anything.

// Slot returns [0 axis]: the subtree of the subject at axis.
func Slot(axis uint64) noun.Noun { return noun.Cell(noun.Atom(0), noun.Atom(axis)) }

// Const returns [1 x]: the constant x.
func Const(x noun.Noun) noun.Noun { return noun.Cell(noun.Atom(1), x) }

// Eval returns [2 subject formula]: evaluate the product of formula against
// the product of subject.
func Eval(subject, formula noun.Noun) noun.Noun { return noun.T(noun.Atom(2), subject, formula) }

// Deep returns [3 f]: 0 (yes) if f's product is a cell, 1 (no) if an atom.
func Deep(f noun.Noun) noun.Noun { return noun.Cell(noun.Atom(3), f) }

// Inc returns [4 f]: f's product plus one.
func Inc(f noun.Noun) noun.Noun { return noun.Cell(noun.Atom(4), f) }

// Same returns [5 a b]: 0 (yes) if the products are equal, 1 (no) if not.
func Same(a, b noun.Noun) noun.Noun { return noun.T(noun.Atom(5), a, b) }

// If returns [6 cond yes no]: yes if cond produces 0, no if it produces 1.
func If(cond, yes, no noun.Noun) noun.Noun { return noun.T(noun.Atom(6), cond, yes, no) }

// Compose returns [7 a b]: b evaluated against a's product.
func Compose(a, b noun.Noun) noun.Noun { return noun.T(noun.Atom(7), a, b) }

// Push returns [8 a b]: b evaluated against [a's product subject]. Inside b
// the pushed value is at axis 2 and the old subject at axis 3 (see Under).
func Push(a, b noun.Noun) noun.Noun { return noun.T(noun.Atom(8), a, b) }

// Kick returns [9 axis core]: the arm at axis of core's product, evaluated
// against that core.
func Kick(axis uint64, core noun.Noun) noun.Noun { return noun.T(noun.Atom(9), noun.Atom(axis), core) }

// Edit returns [10 [axis value] target]: target's product with the subtree
// at axis replaced by value's product.
func Edit(axis uint64, value, target noun.Noun) noun.Noun {
	return noun.T(noun.Atom(10), noun.Cell(noun.Atom(axis), value), target)
}

// Hint returns [11 %tag f], a static hint.
func Hint(tag string, f noun.Noun) noun.Noun { return noun.T(noun.Atom(11), noun.Cord(tag), f) }

// HintClue returns [11 [%tag clue] f], a dynamic hint whose clue formula is
// evaluated first.
func HintClue(tag string, clue, f noun.Noun) noun.Noun {
	return noun.T(noun.Atom(11), noun.Cell(noun.Cord(tag), clue), f)
}

// Cons returns the autocons [a b]: the cell of the two products.
func Cons(a, b noun.Noun) noun.Noun { return noun.Cell(a, b) }

// Tuple returns the autocons of its formulas, right-nested: Tuple(a, b, c)
// produces [a b c] = [a [b c]]. It needs at least one formula.
func Tuple(fs ...noun.Noun) noun.Noun { return noun.T(fs...) }

// List returns a formula producing the null-terminated list of the products
// of fs: [a b c ~].
func List(fs ...noun.Noun) noun.Noun {
	return noun.T(append(append([]noun.Noun(nil), fs...), Const(noun.Zero))...)
}

// Crash returns [0 0], a formula that always crashes.
func Crash() noun.Noun { return Slot(0) }

// Is returns a test that the subtree at axis equals the constant x.
func Is(axis uint64, x noun.Noun) noun.Noun { return Same(Slot(axis), Const(x)) }

// Gate returns the noun of a gate (a core [formula [sample context]]) with
// sample 0 and context 0, whose formula is body. Inside body the sample is
// at axis 6 and the gate itself at axis 1, so body recurses with
// Kick(2, Edit(6, newSample, Slot(1))).
func Gate(body noun.Noun) noun.Noun { return noun.T(body, noun.Zero, noun.Zero) }

// GateArm returns a formula building a gate whose context is the subject:
// [[1 body] [1 0] [0 1]]. As a kernel arm it gives a gate that sees the
// kernel at axis 7 of its own subject.
func GateArm(body noun.Noun) noun.Noun { return Tuple(Const(body), Const(noun.Zero), Slot(1)) }

// Call returns a formula slamming the constant gate with sample's product:
// [9 2 [10 [6 sample] [1 gate]]].
func Call(gate, sample noun.Noun) noun.Noun { return Kick(2, Edit(6, sample, Const(gate))) }

// Peg returns the axis of b within the subtree at axis a (Hoon's +peg):
// Peg(6, 3) is 13, the tail of the sample. Both axes must be at least 1 and
// the result must fit in 64 bits; kernels here use shallow axes only.
func Peg(a, b uint64) uint64 {
	n := bits.Len64(b) - 1
	return a<<uint(n) | (b &^ (1 << uint(n)))
}

// Under returns where axis a of a subject ends up after Push: the old
// subject moves to axis 3.
func Under(a uint64) uint64 { return Peg(3, a) }
