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
	pro, err := it.call(ctx, kernel, PokeAxis, job)
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
	return it.call(ctx, kernel, PeekAxis, sample)
}

// Wish slams the kernel's wish gate (axis 10) with the cord text.
func (it *Interpreter) Wish(ctx context.Context, kernel noun.Noun, text string) (noun.Noun, error) {
	return it.call(ctx, kernel, WishAxis, noun.Cord(text))
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
// sample, as one computation: *[core 7 [9 axis 0 1] 9 2 10 [6 1 sample] 0 1].
func (it *Interpreter) call(ctx context.Context, core noun.Noun, axis uint64, sample noun.Noun) (noun.Noun, error) {
	// The formula is built from the interpreter's slabs, as if the
	// computation had built it: a dozen heap cells per event were a
	// quarter of the cost of a small event.
	a, c := noun.Atom, it.cells.Cell
	arm := c(a(9), c(a(axis), c(a(0), a(1))))
	edit := c(a(10), c(c(a(6), c(a(1), sample)), c(a(0), a(1))))
	slam := c(a(9), c(a(2), edit))
	return it.Nock(ctx, core, c(a(7), c(arm, slam)))
}
