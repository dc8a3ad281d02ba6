package nock_test

import (
	"context"
	"errors"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// refNock is a reference evaluator written straight from the Nock 4K
// specification, recursive and without any optimisation, to check the real
// interpreter against. fuel bounds the formulas it evaluates (and with them
// its Go recursion).
type refNock struct{ fuel int }

var (
	errRefCrash = errors.New("ref: crash")
	errRefFuel  = errors.New("ref: out of fuel")
)

func (r *refNock) nock(s, f noun.Noun) (noun.Noun, error) {
	if r.fuel == 0 {
		return noun.Zero, errRefFuel
	}
	r.fuel--
	op, arg, ok := f.Uncell()
	if !ok {
		return noun.Zero, errRefCrash
	}
	if op.IsCell() {
		h, err := r.nock(s, op)
		if err != nil {
			return noun.Zero, err
		}
		t, err := r.nock(s, arg)
		if err != nil {
			return noun.Zero, err
		}
		return noun.Cell(h, t), nil
	}
	code, ok := op.Word()
	if !ok {
		return noun.Zero, errRefCrash
	}
	two := func() (noun.Noun, noun.Noun, error) {
		b, c, ok := arg.Uncell()
		if !ok {
			return noun.Zero, noun.Zero, errRefCrash
		}
		return b, c, nil
	}
	switch code {
	case 0:
		if arg.IsCell() {
			return noun.Zero, errRefCrash
		}
		v, ok := s.SlotAtom(arg)
		if !ok {
			return noun.Zero, errRefCrash
		}
		return v, nil
	case 1:
		return arg, nil
	case 2:
		b, c, err := two()
		if err != nil {
			return noun.Zero, err
		}
		x, err := r.nock(s, b)
		if err != nil {
			return noun.Zero, err
		}
		y, err := r.nock(s, c)
		if err != nil {
			return noun.Zero, err
		}
		return r.nock(x, y)
	case 3, 4:
		v, err := r.nock(s, arg)
		if err != nil {
			return noun.Zero, err
		}
		if code == 3 {
			return noun.Loob(v.IsCell()), nil
		}
		w, ok := noun.Inc(v)
		if !ok {
			return noun.Zero, errRefCrash
		}
		return w, nil
	case 5:
		b, c, err := two()
		if err != nil {
			return noun.Zero, err
		}
		x, err := r.nock(s, b)
		if err != nil {
			return noun.Zero, err
		}
		y, err := r.nock(s, c)
		if err != nil {
			return noun.Zero, err
		}
		return noun.Loob(noun.Equal(x, y)), nil
	case 6:
		b, cd, err := two()
		if err != nil {
			return noun.Zero, err
		}
		c, d, ok := cd.Uncell()
		if !ok {
			return noun.Zero, errRefCrash
		}
		t, err := r.nock(s, b)
		if err != nil {
			return noun.Zero, err
		}
		switch {
		case t == noun.Zero:
			return r.nock(s, c)
		case t == noun.One:
			return r.nock(s, d)
		}
		return noun.Zero, errRefCrash
	case 7, 8:
		b, c, err := two()
		if err != nil {
			return noun.Zero, err
		}
		x, err := r.nock(s, b)
		if err != nil {
			return noun.Zero, err
		}
		if code == 8 {
			x = noun.Cell(x, s)
		}
		return r.nock(x, c)
	case 9:
		b, c, err := two()
		if err != nil {
			return noun.Zero, err
		}
		if b.IsCell() {
			return noun.Zero, errRefCrash
		}
		core, err := r.nock(s, c)
		if err != nil {
			return noun.Zero, err
		}
		arm, ok := core.SlotAtom(b)
		if !ok {
			return noun.Zero, errRefCrash
		}
		return r.nock(core, arm)
	case 10:
		bc, d, err := two()
		if err != nil {
			return noun.Zero, err
		}
		b, c, ok := bc.Uncell()
		if !ok || b.IsCell() {
			return noun.Zero, errRefCrash
		}
		v, err := r.nock(s, c)
		if err != nil {
			return noun.Zero, err
		}
		t, err := r.nock(s, d)
		if err != nil {
			return noun.Zero, err
		}
		out, ok := t.EditAtom(b, v)
		if !ok {
			return noun.Zero, errRefCrash
		}
		return out, nil
	case 11:
		b, c, err := two()
		if err != nil {
			return noun.Zero, err
		}
		if _, clue, ok := b.Uncell(); ok {
			if _, err := r.nock(s, clue); err != nil {
				return noun.Zero, err
			}
		}
		return r.nock(s, c)
	}
	return noun.Zero, errRefCrash
}

// differential evaluates with the reference (with refFuel) and with a real
// interpreter limited to maxSteps, and returns a description of any
// disagreement, or "". Results that either side could not finish within its
// limits are not compared.
func differential(subject, formula noun.Noun, refFuel int, maxSteps uint64) string {
	ref := refNock{fuel: refFuel}
	want, refErr := ref.nock(subject, formula)
	it := nock.New(nock.Config{StepLimit: maxSteps, MemoryBudget: 64 << 20, CacheSize: 8})
	got, err := it.Nock(context.Background(), subject, formula)
	var c *nock.Crash
	if err != nil && !errors.As(err, &c) {
		return "not a *Crash: " + err.Error()
	}
	if c != nil && (c.Mote == nock.MoteFail || c.Mote == nock.MoteIntr) {
		return "unexpected mote " + c.Mote + ": " + c.Reason
	}
	switch {
	case errors.Is(refErr, errRefFuel):
		return ""
	case c != nil && c.Mote != nock.MoteExit:
		// Out of steps or memory: if the reference finished within its
		// small fuel, the interpreter must not have run out of steps.
		if c.Mote == nock.MoteAlrm {
			return "ran out of steps where the reference finished: " + c.Reason
		}
		return ""
	case refErr != nil && c == nil:
		return "reference crashed, interpreter produced " + got.String()
	case refErr == nil && c != nil:
		return "interpreter crashed (" + c.Reason + "), reference produced " + want.String()
	case refErr == nil && !noun.Equal(want, got):
		return "products differ: reference " + want.String() + ", interpreter " + got.String()
	}
	return ""
}
