package nock_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// genNoun draws a small noun: mostly small atoms, sometimes one wider than
// 64 bits, and cells.
func genNoun(t *rapid.T, depth int) noun.Noun {
	if depth > 0 && rapid.IntRange(0, 2).Draw(t, "cell?") == 0 {
		return noun.Cell(genNoun(t, depth-1), genNoun(t, depth-1))
	}
	if rapid.IntRange(0, 9).Draw(t, "big?") == 0 {
		return noun.AtomWords([]uint64{rapid.Uint64().Draw(t, "lo"), rapid.Uint64Range(1, 3).Draw(t, "hi")})
	}
	return noun.Atom(rapid.Uint64Range(0, 12).Draw(t, "atom"))
}

// hintTags are the tags genFormula puts in hints, known and unknown.
var hintTags = []string{"memo", "spot", "mean", "hunk", "lose", "slog", "bout", "fast", "foo"}

// genFormula draws a formula that is usually well formed, so that
// evaluation gets past the first step and exercises the operators together.
func genFormula(t *rapid.T, depth int) noun.Noun {
	a := noun.Atom
	axis := func() noun.Noun { return a(rapid.Uint64Range(1, 15).Draw(t, "axis")) }
	if depth == 0 {
		if rapid.Bool().Draw(t, "slot?") {
			return noun.Cell(a(0), axis())
		}
		return noun.Cell(a(1), genNoun(t, 2))
	}
	sub := func() noun.Noun { return genFormula(t, depth-1) }
	switch op := rapid.IntRange(-1, 12).Draw(t, "op"); op {
	case -1:
		return noun.Cell(sub(), sub())
	case 0:
		return noun.Cell(a(0), axis())
	case 1:
		return noun.Cell(a(1), genNoun(t, 3))
	case 2:
		// Usually a constant formula, so the evaluated formula is sane.
		return noun.T(a(2), sub(), noun.Cell(a(1), sub()))
	case 3, 4:
		return noun.Cell(a(uint64(op)), sub())
	case 5:
		return noun.T(a(5), sub(), sub())
	case 6:
		test := sub()
		if rapid.Bool().Draw(t, "loob test?") {
			test = noun.T(a(5), sub(), sub())
		}
		return noun.T(a(6), test, sub(), sub())
	case 7, 8:
		return noun.T(a(uint64(op)), sub(), sub())
	case 9:
		return noun.T(a(9), axis(), sub())
	case 10:
		return noun.T(a(10), noun.Cell(axis(), sub()), sub())
	case 11:
		tag := noun.Cord(rapid.SampledFrom(hintTags).Draw(t, "tag"))
		if rapid.Bool().Draw(t, "static?") {
			return noun.T(a(11), tag, sub())
		}
		return noun.T(a(11), noun.Cell(tag, sub()), sub())
	default:
		return noun.T(a(uint64(op)), sub())
	}
}

// TestAgreesWithReference checks the interpreter against the reference
// evaluator on generated subjects and formulas.
func TestAgreesWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		subject := genNoun(t, 4)
		formula := genFormula(t, rapid.IntRange(1, 6).Draw(t, "depth"))
		if msg := differential(subject, formula, 5000, 200_000); msg != "" {
			t.Fatalf("subject %s formula %s: %s", subject, formula, msg)
		}
	})
}

// TestLoopsAgreeWithReference runs generated loop bodies through a counting
// core, so that tail calls, the memo cache and frames are exercised over
// many iterations: [8 [1 body] 9 2 0 1] where body recurses while the
// sample is below a bound.
func TestLoopsAgreeWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bound := rapid.Uint64Range(0, 30).Draw(t, "bound")
		step := genFormula(t, 2)
		// Core [battery sample]: ?:(=(sample bound) [sample step-product]
		// $(sample +(sample))), with step evaluated against the core.
		battery := noun.T(noun.Atom(6),
			noun.T(noun.Atom(5), noun.Cell(noun.Atom(0), noun.Atom(3)), noun.Cell(noun.Atom(1), noun.Atom(bound))),
			noun.Cell(noun.Cell(noun.Atom(0), noun.Atom(3)), step),
			noun.T(noun.Atom(9), noun.Atom(2), noun.Cell(noun.Cell(noun.Atom(0), noun.Atom(2)), noun.Cell(noun.Atom(4), noun.Cell(noun.Atom(0), noun.Atom(3))))))
		subject := noun.Cell(battery, noun.Zero)
		formula := noun.T(noun.Atom(9), noun.Atom(2), noun.Atom(0), noun.Atom(1))
		if msg := differential(subject, formula, 20_000, 1_000_000); msg != "" {
			t.Fatalf("subject %s: %s", subject, msg)
		}
	})
}
