package nock

import "github.com/kingserf/king/noun"

// Costs charged to the memory budget. A cell is a 40-byte node in a 48-byte
// size class; a big atom is a 32-byte header in a 48-byte class plus its
// words.
const (
	cellBytes    = 48
	bigAtomBytes = 48
)

// slot is Nock's / with an axis of any size. Direct axes are walked by
// noun.Walk, which inlines here; the rest (0, big axes, cells) go to
// noun.SlotAtom, which rejects 0 and cells.
func slot(subj, axis noun.Noun) (noun.Noun, bool) {
	if w, ok := axis.Word(); ok && w != 0 {
		return subj.Walk(w)
	}
	return subj.SlotAtom(axis)
}

// same is Nock's = (structural equality). Identical handles, including equal
// direct atoms, answer inline.
func same(a, b noun.Noun) bool {
	if a == b {
		return true
	}
	if a.IsDirect() && b.IsDirect() {
		return false
	}
	return noun.Equal(a, b)
}

// cons builds a cell, charging it to the memory budget.
func (it *Interpreter) cons(h, t noun.Noun) (noun.Noun, bool) {
	it.alloc += cellBytes
	if it.alloc > it.allocLimit {
		return noun.Zero, false
	}
	return it.cells.Cell(h, t), true
}

// bump is Nock's + (increment), charging big results to the memory budget.
// It fails on a cell and when the budget is exceeded. The common case, a
// direct atom staying direct, is inline.
func (it *Interpreter) bump(v noun.Noun) (noun.Noun, bool) {
	if w, ok := v.Word(); ok && w != ^uint64(0) {
		return noun.Atom(w + 1), true
	}
	return it.bumpBig(v)
}

// bumpBig is bump for an atom that is or becomes big.
func (it *Interpreter) bumpBig(v noun.Noun) (noun.Noun, bool) {
	if v.IsCell() {
		return noun.Zero, false
	}
	it.alloc += bigAtomBytes + 8*int64(len(v.Words())+1)
	if it.alloc > it.allocLimit {
		return noun.Zero, false
	}
	return noun.Inc(v)
}

// bumpCrash reports a failed increment: a cell, or the budget.
func (it *Interpreter) bumpCrash(base int, v noun.Noun) *Crash {
	if v.IsCell() {
		return it.crash(base, MoteExit, "opcode 4: increment of a cell")
	}
	return it.meme(base)
}

// edit is Nock's # (opcode 10), charging the copied spine to the budget.
func (it *Interpreter) edit(target, axis, value noun.Noun) (noun.Noun, bool) {
	if axis.IsZero() || axis.IsCell() {
		return noun.Zero, false
	}
	it.alloc += int64(axis.BitLen()-1) * cellBytes
	if it.alloc > it.allocLimit {
		return noun.Zero, false
	}
	return it.cells.Edit(target, axis, value)
}
