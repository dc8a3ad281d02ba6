package nock

import (
	"context"
	"errors"
	"fmt"

	"github.com/kingserf/king/noun"
)

// Kernel axes (PROTOCOL.md §3.4): the formula at each, run against the
// kernel, produces a gate.
const (
	// PokeAxis holds the poke arm: its gate takes the job [now ovum] and
	// produces [effects new-kernel].
	PokeAxis = 23
	// PeekAxis holds the peek arm: its gate takes the peek sample and
	// produces a (unit (cask)).
	PeekAxis = 22
	// WishAxis holds the wish arm: its gate takes a cord (Urbit's serf wishes
	// for "mook" to render crash traces).
	WishAxis = 10
)

// ErrBadJob is returned by Crud for a job that is not [now ovum].
var ErrBadJob = errors.New("nock: job is not a cell [now ovum]")

// Boot runs the lifecycle formula [2 [0 3] [0 2]] on the boot list lit (its
// head is a formula run against its tail) and returns the kernel, axis 7 of
// the product.
func (it *Interpreter) Boot(ctx context.Context, lit noun.Noun) (noun.Noun, error) {
	if !lit.IsCell() {
		return noun.Zero, &Crash{Mote: MoteExit, Reason: "boot: the boot list is empty or not a list"}
	}
	lifecycle := noun.T(noun.Atom(2), noun.Cell(noun.Atom(0), noun.Atom(3)), noun.Cell(noun.Atom(0), noun.Atom(2)))
	pro, err := it.Nock(ctx, lit, lifecycle)
	if err != nil {
		return noun.Zero, err
	}
	kernel, ok := pro.Slot(7)
	if !ok {
		return noun.Zero, &Crash{Mote: MoteExit, Reason: "boot: the lifecycle product has no axis 7"}
	}
	return kernel, nil
}

// Poke computes one event: the kernel's poke gate (axis 23) slammed with job
// [now ovum]. It returns the effects (a list of ovums, passed on unchecked)
// and the new kernel.
func (it *Interpreter) Poke(ctx context.Context, kernel, job noun.Noun) (effects, next noun.Noun, err error) {
	pro, err := it.call(ctx, kernel, PokeAxis, job, keepKernel(it.cells))
	if err != nil {
		return noun.Zero, noun.Zero, err
	}
	effects, next, ok := pro.Uncell()
	if !ok {
		return noun.Zero, noun.Zero, &Crash{Mote: MoteExit, Reason: "poke: the product is not [effects kernel]"}
	}
	return effects, next, nil
}

// Peek runs a read-only query: the kernel's peek gate (axis 22) slammed with
// sample. The product should be a (unit (cask)); it is returned unchecked.
func (it *Interpreter) Peek(ctx context.Context, kernel, sample noun.Noun) (noun.Noun, error) {
	return it.call(ctx, kernel, PeekAxis, sample, it.cells.Keep)
}

// Wish slams the kernel's wish gate (axis 10) with the cord text.
func (it *Interpreter) Wish(ctx context.Context, kernel noun.Noun, text string) (noun.Noun, error) {
	return it.call(ctx, kernel, WishAxis, noun.Cord(text), it.cells.Keep)
}

// keepKernel returns the keep function of a poke: of the product [effects
// kernel] only the kernel outlives the event, so only its new cells are
// moved out of the slabs. The effects, which a serf encodes and drops,
// stay where they are; holding them pins their slabs only while they are
// held.
func keepKernel(a *noun.CellAllocator) func(noun.Noun) noun.Noun {
	return func(pro noun.Noun) noun.Noun {
		effects, kernel, ok := pro.Uncell()
		if !ok {
			return pro // an atom: Poke reports it
		}
		return noun.Cell(effects, a.Keep(kernel))
	}
}

// Crud returns the replacement job for a crashed job [now ovum] with goof g:
// [now+1 [[0 %arvo ~] [%crud g ovum]]] (PROTOCOL.md §3.4).
func Crud(job, goof noun.Noun) (noun.Noun, error) {
	now, ovum, ok := job.Uncell()
	if !ok {
		return noun.Zero, ErrBadJob
	}
	later, ok := noun.Inc(now)
	if !ok {
		return noun.Zero, fmt.Errorf("%w: now is a cell", ErrBadJob)
	}
	wire := noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero)
	card := noun.T(noun.Cord("crud"), goof, ovum)
	return noun.Cell(later, noun.Cell(wire, card)), nil
}

// call runs the arm at axis of core for a gate and slams the gate with
// sample, as one computation: *[[sample core] 8 [9 axis 0 3] 9 2 10 [6 0 6]
// 0 2]. The formula does not contain the sample, so one is built per axis
// and kept: a formula that outlives computations is compiled once and
// cached (quickcache.go), where one built for each call, as the sample
// inside it would require, is compiled again at every event. Only the
// subject cell is new, and it comes from the interpreter's slabs.
func (it *Interpreter) call(ctx context.Context, core noun.Noun, axis uint64, sample noun.Noun, keep func(noun.Noun) noun.Noun) (noun.Noun, error) {
	return it.compute(ctx, it.cells.Cell(sample, core), it.callFormula(axis), keep)
}

// callFormula returns call's formula for axis, built on first use. call is
// only used with the three kernel axes, so the list stays that short.
func (it *Interpreter) callFormula(axis uint64) noun.Noun {
	for _, c := range it.calls {
		if c.axis == axis {
			return c.form
		}
	}
	a, t := noun.Atom, noun.T
	form := t(a(8), t(a(9), a(axis), a(0), a(3)), a(9), a(2), a(10),
		t(a(6), a(0), a(6)), a(0), a(2))
	it.calls = append(it.calls, callForm{axis, form})
	return form
}

// callForm is a formula callFormula built.
type callForm struct {
	axis uint64
	form noun.Noun
}
