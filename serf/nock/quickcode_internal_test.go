package nock

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// refQuick is a plain recursive statement of what tryQuick evaluates:
// opcodes 0 and 1 at any depth, autocons, 3, 4, 5 and 10 above depth 0.
// ok is false for a formula outside that set or one that crashes; steps
// counts one per formula evaluated.
func refQuick(s, f noun.Noun, depth int) (v noun.Noun, steps int, ok bool) {
	op, arg, isCell := f.Uncell()
	if !isCell {
		return noun.Zero, 0, false
	}
	sub := func(g noun.Noun) (noun.Noun, bool) {
		x, n, ok := refQuick(s, g, depth-1)
		steps += n
		return x, ok
	}
	steps = 1
	if op.IsCell() {
		if depth == 0 {
			return noun.Zero, 0, false
		}
		h, ok1 := sub(op)
		t, ok2 := sub(arg)
		return noun.Cell(h, t), steps, ok1 && ok2
	}
	code, direct := op.Word()
	switch {
	case !direct:
		return noun.Zero, 0, false
	case code == 0:
		v, ok = s.SlotAtom(arg)
		return v, steps, ok
	case code == 1:
		return arg, steps, true
	case depth == 0:
		return noun.Zero, 0, false
	}
	switch code {
	case 3:
		x, ok := sub(arg)
		return noun.Loob(x.IsCell()), steps, ok
	case 4:
		x, ok := sub(arg)
		if !ok {
			return noun.Zero, steps, false
		}
		v, ok = noun.Inc(x)
		return v, steps, ok
	case 5:
		b, c, ok := arg.Uncell()
		if !ok {
			return noun.Zero, steps, false
		}
		x, ok1 := sub(b)
		y, ok2 := sub(c)
		return noun.Loob(noun.Equal(x, y)), steps, ok1 && ok2
	case 10:
		bc, d, ok := arg.Uncell()
		if !ok {
			return noun.Zero, steps, false
		}
		b, c, ok := bc.Uncell()
		if !ok || b.IsCell() {
			return noun.Zero, steps, false
		}
		x, ok1 := sub(c)
		y, ok2 := sub(d)
		if !ok1 || !ok2 {
			return noun.Zero, steps, false
		}
		v, ok = y.EditAtom(b, x)
		return v, steps, ok
	}
	return noun.Zero, 0, false
}

// genSubject draws a small noun: small atoms, sometimes a big one, cells.
func genSubject(t *rapid.T, depth int) noun.Noun {
	if depth > 0 && rapid.IntRange(0, 2).Draw(t, "cell?") > 0 {
		return noun.Cell(genSubject(t, depth-1), genSubject(t, depth-1))
	}
	if rapid.IntRange(0, 9).Draw(t, "big?") == 0 {
		return noun.AtomWords([]uint64{^uint64(0), rapid.Uint64Range(1, 3).Draw(t, "hi")})
	}
	if rapid.IntRange(0, 9).Draw(t, "max?") == 0 {
		return noun.Atom(^uint64(0)) // increments to a big atom
	}
	return noun.Atom(rapid.Uint64Range(0, 12).Draw(t, "atom"))
}

// genFullSubject draws a full tree of cells depth deep, so that most slots
// exist, with genSubject's atoms and small cells at the bottom.
func genFullSubject(t *rapid.T, depth int) noun.Noun {
	if depth == 0 {
		return genSubject(t, rapid.IntRange(0, 3).Draw(t, "leaf cell?")/3)
	}
	return noun.Cell(genFullSubject(t, depth-1), genFullSubject(t, depth-1))
}

// genQuickFormula draws formulas mostly inside tryQuick's set, nested up to
// depth (beyond quickDepth, to test the bound), with slots that miss,
// axis 0, big axes, increments of cells and malformed arguments.
func genQuickFormula(t *rapid.T, depth int) noun.Noun {
	a := noun.Atom
	axis := func() noun.Noun {
		switch rapid.IntRange(0, 39).Draw(t, "axis kind") {
		case 0:
			return a(0)
		case 1:
			return noun.AtomWords([]uint64{0, 1})
		case 2:
			return noun.Cell(a(1), a(2))
		case 3, 4, 5:
			return a(rapid.Uint64Range(8, 31).Draw(t, "deep axis"))
		}
		return a(rapid.Uint64Range(1, 7).Draw(t, "axis"))
	}
	if depth == 0 || rapid.IntRange(0, 3).Draw(t, "leaf?") == 0 {
		if rapid.Bool().Draw(t, "slot?") {
			return noun.Cell(a(0), axis())
		}
		return noun.Cell(a(1), genSubject(t, 2))
	}
	sub := func() noun.Noun { return genQuickFormula(t, depth-1) }
	switch rapid.IntRange(0, 15).Draw(t, "op") {
	case 0:
		return noun.Cell(sub(), sub())
	case 1:
		return noun.Cell(a(3), sub())
	case 2:
		return noun.Cell(a(4), sub())
	case 3:
		return noun.T(a(5), sub(), sub())
	case 4:
		return noun.T(a(10), noun.Cell(axis(), sub()), sub())
	case 5, 6, 9, 10:
		return noun.Cell(a(4), noun.Cell(a(0), axis()))
	case 7:
		// Malformed: an atom where a cell belongs.
		return noun.Cell(a(rapid.SampledFrom([]uint64{5, 10}).Draw(t, "bad op")), a(7))
	case 8:
		// Outside the set: the general path's business.
		return noun.T(a(7), sub(), sub())
	}
	return noun.Cell(sub(), sub())
}

// TestQuickMatchesReference checks tryQuick's compiled evaluation against
// refQuick: the same acceptance, product and step count, and nothing
// changed when it declines. Each formula runs twice (the second time from
// the cache), then as a copy moved out of the interpreter's allocator by
// Keep (cached on its own) and as a copy built by that allocator in this
// computation (compiled into scratch nodes, not cached).
func TestQuickMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		subj := genFullSubject(t, rapid.IntRange(1, 3).Draw(t, "subject depth"))
		it := New(Config{})
		it.begin(context.Background())
		defer it.end()
		// Several formulas per subject: most draws crash or leave the
		// set early, so this keeps the accepted ones plentiful.
		for range 25 {
			form := genQuickFormula(t, rapid.IntRange(0, quickDepth+2).Draw(t, "depth"))
			want, wantSteps, wantOK := refQuick(subj, form, quickDepth)
			kept := it.cells.Keep(rebuildWith(it.cells, form)) // not fresh: cached
			fresh := rebuildWith(it.cells, form)               // fresh: not cached
			for i, f := range []noun.Noun{form, form, kept, fresh} {
				it.steps, it.alloc = 0, 0
				got, ok := it.tryQuick(subj, f)
				require.Equal(t, wantOK, ok, "run %d of %v on %v", i, f, subj)
				if ok {
					require.True(t, noun.Equal(want, got), "run %d: want %v got %v", i, want, got)
					require.Equal(t, uint64(wantSteps), it.steps, "run %d", i)
				} else {
					require.Zero(t, it.steps, "run %d", i)
					require.Zero(t, it.alloc, "run %d", i)
				}
			}
		}
	})
}

// rebuildWith copies form with cells from a, so that it is fresh.
func rebuildWith(a *noun.CellAllocator, form noun.Noun) noun.Noun {
	h, t, ok := form.Uncell()
	if !ok {
		return form
	}
	return a.Cell(rebuildWith(a, h), rebuildWith(a, t))
}

// TestQuickCache checks what the compiled-formula cache keeps: formulas
// built elsewhere are compiled once; formulas the computation built with
// the interpreter's allocator are not kept (they would pin its slabs), and
// the scratch code they ran from is cleared when the computation ends.
func TestQuickCache(t *testing.T) {
	it := New(Config{})
	it.begin(context.Background())
	subj := noun.T(noun.Atom(1), noun.Atom(2), noun.Atom(3))
	cached := func(form noun.Noun) *qentry {
		for i, e := range it.qc.set(form) {
			if e.form == form {
				return &it.qc.set(form)[i]
			}
		}
		return nil
	}

	form := noun.T(noun.Atom(4), noun.Atom(0), noun.Atom(6)) // [4 0 6]
	v, ok := it.tryQuick(subj, form)
	require.True(t, ok)
	require.Equal(t, noun.Atom(3), v)
	e := cached(form)
	require.NotNil(t, e)
	code := e.code
	require.NotNil(t, code)
	require.Nil(t, e.shape)
	_, ok = it.tryQuick(subj, form)
	require.True(t, ok)
	require.Same(t, code, cached(form).code, "a hit does not recompile")

	// Not small: cached with no code, and with a tshape when it is a
	// tail call on a small operand.
	notQuick := noun.T(noun.Atom(7), noun.Cell(noun.Atom(0), noun.Atom(1)), noun.Cell(noun.Atom(0), noun.Atom(1)))
	_, ok = it.tryQuick(subj, notQuick)
	require.False(t, ok)
	require.NotNil(t, cached(notQuick))
	require.Nil(t, cached(notQuick).code)
	require.NotNil(t, cached(notQuick).shape)
	hint := noun.T(noun.Atom(11), noun.Atom(1), noun.Atom(0), noun.Atom(1))
	_, ok = it.tryQuick(subj, hint)
	require.False(t, ok)
	require.Nil(t, cached(hint).shape)

	// Atoms are never small and never cached.
	for _, atom := range []noun.Noun{noun.Zero, noun.Atom(5)} {
		_, ok = it.tryQuick(subj, atom)
		require.False(t, ok)
		e := it.qc.lookup(atom, it.cells)
		require.Nil(t, e.code)
		require.Nil(t, e.shape)
	}
	require.NotEqual(t, noun.Atom(5), it.qc.set(noun.Atom(5))[0].form)

	// Built by this computation: evaluated from scratch code, not kept.
	a, c := noun.Atom, it.cells.Cell
	fresh := c(c(a(0), a(7)), c(a(1), a(9)))
	v, ok = it.tryQuick(subj, fresh)
	require.True(t, ok)
	require.True(t, noun.Equal(noun.Cell(noun.Atom(3), noun.Atom(9)), v))
	require.Nil(t, cached(fresh))
	require.NotZero(t, it.qc.used)
	it.end()
	require.Zero(t, it.qc.used)
	require.Equal(t, [qScratch]qnode{}, it.qc.scratch, "scratch cleared")
	require.Equal(t, qentry{}, it.qc.tmp)
}

// TestQuickCacheSets checks the two places of a set: a second formula
// meeting the first in its set keeps both; a third drops the oldest, which
// is compiled again when it returns.
func TestQuickCacheSets(t *testing.T) {
	it := New(Config{})
	it.begin(context.Background())
	defer it.end()
	subj := noun.T(noun.Atom(1), noun.Atom(2), noun.Atom(3))
	// Formulas whose cells collide in one set.
	var same []noun.Noun
	want := it.qc.set(noun.Cell(noun.Zero, noun.Atom(1)))
	for i := uint64(0); len(same) < 3; i++ {
		f := noun.Cell(noun.Zero, noun.Atom([]uint64{2, 3, 6, 7}[i%4]))
		if it.qc.set(f) == want {
			same = append(same, f)
		}
	}
	for _, f := range same {
		_, ok := it.tryQuick(subj, f)
		require.True(t, ok)
	}
	set := it.qc.set(same[0])
	require.Equal(t, same[2], set[0].form)
	require.Equal(t, same[1], set[1].form)
	check := func(f noun.Noun) {
		w, _ := f.Tail().Word()
		v, ok := it.tryQuick(subj, f)
		require.True(t, ok)
		want, _ := subj.Slot(w)
		require.Equal(t, want, v)
	}
	check(same[1]) // a hit in the second place changes nothing
	require.Equal(t, same[2], set[0].form)
	require.Equal(t, same[1], set[1].form)
	check(same[0]) // back, in the first place; same[1] dropped
	require.Equal(t, same[0], set[0].form)
	require.Equal(t, same[2], set[1].form)
}

// TestQuickScratchBound checks that the largest formulas quick accepts fit
// in the scratch nodes: a full tree of increments of slots, quickDepth deep.
func TestQuickScratchBound(t *testing.T) {
	var full func(depth int) noun.Noun
	full = func(depth int) noun.Noun {
		if depth == 0 {
			return noun.T(noun.Atom(4), noun.Atom(0), noun.Atom(1))
		}
		return noun.Cell(full(depth-1), full(depth-1))
	}
	form := full(quickDepth - 1)
	b := qbuilder{nodes: make([]qnode, 0, qScratch)}
	require.NotNil(t, b.compile(form, quickDepth))
	require.LessOrEqual(t, len(b.nodes), qScratch)
	it := New(Config{})
	it.begin(context.Background())
	defer it.end()
	v, ok := it.tryQuick(noun.Atom(1), form)
	require.True(t, ok)
	want, steps, _ := refQuick(noun.Atom(1), form, quickDepth)
	require.True(t, noun.Equal(want, v))
	require.Equal(t, uint64(steps), it.steps)
}

// genTailFormula draws formulas made mostly of the tail calls tail.go
// takes fast (2, 6, 7, 8, 9 with small operands), with tests that are not
// loobeans, arms that are missing, loops (bounded by the step limit) and
// pushes that exceed the memory budget.
func genTailFormula(t *rapid.T, depth int) noun.Noun {
	a := noun.Atom
	small := func() noun.Noun { return genQuickFormula(t, rapid.IntRange(0, 2).Draw(t, "small depth")) }
	if depth == 0 {
		return small()
	}
	sub := func() noun.Noun { return genTailFormula(t, depth-1) }
	switch rapid.IntRange(0, 6).Draw(t, "tail op") {
	case 0:
		test := rapid.SampledFrom([]noun.Noun{
			noun.T(a(5), small(), small()), noun.Cell(a(1), a(0)), noun.Cell(a(1), a(1)),
			noun.Cell(a(1), a(2)), noun.Cell(a(3), small()), small(),
		}).Draw(t, "test")
		return noun.T(a(6), test, sub(), sub())
	case 1:
		// A core [arm subject] and a call of its arm (or of a missing one).
		core := noun.Cell(noun.Cell(a(1), sub()), noun.Cell(a(0), a(1)))
		axis := rapid.SampledFrom([]uint64{2, 2, 2, 3, 6, 12}).Draw(t, "arm axis")
		return noun.T(a(9), a(axis), core)
	case 2:
		return noun.T(a(8), small(), sub())
	case 3:
		return noun.T(a(7), small(), sub())
	case 4:
		return noun.T(a(2), small(), noun.Cell(a(1), sub()))
	case 5:
		// A loop: call the arm of the subject's core again.
		return noun.T(a(9), a(2), a(0), a(1))
	}
	return small()
}

// TestTailMatchesGeneralPath runs formulas twice: as given (their tail
// calls cached and taken by the fast path) and copied with the
// interpreter's own allocator (never cached, so evaluated the general way,
// with small operands compiled afresh). Products, crashes, step counts and
// memory charged must agree.
func TestTailMatchesGeneralPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		subj := genFullSubject(t, rapid.IntRange(0, 3).Draw(t, "subject depth"))
		form := genTailFormula(t, rapid.IntRange(1, 4).Draw(t, "depth"))
		cfg := Config{StepLimit: 5000, MemoryBudget: int64(rapid.IntRange(20_000, 40_000).Draw(t, "budget"))}
		fast := New(cfg)
		run := func(it *Interpreter, s, f noun.Noun) (noun.Noun, *Crash, uint64, int64) {
			v, c := it.run(s, f)
			return v, c, it.steps, it.alloc
		}
		var want struct {
			v     noun.Noun
			c     *Crash
			steps uint64
			alloc int64
		}
		for round := range 2 {
			fast.begin(context.Background())
			v, c, steps, alloc := run(fast, subj, form)
			fast.end()
			if round == 0 {
				want.v, want.c, want.steps, want.alloc = v, c, steps, alloc
				continue
			}
			require.Equal(t, want.steps, steps, "cached round")
			require.Equal(t, want.alloc, alloc, "cached round")
		}
		slow := New(cfg)
		slow.begin(context.Background())
		defer slow.end()
		s2, f2 := rebuildWith(slow.cells, subj), rebuildWith(slow.cells, form)
		v, c, steps, alloc := run(slow, s2, f2)
		require.Equal(t, want.steps, steps, "%v on %v", form, subj)
		require.Equal(t, want.alloc, alloc)
		require.Equal(t, want.c == nil, c == nil, "crash %v vs %v", want.c, c)
		if c != nil {
			require.Equal(t, want.c.Mote, c.Mote)
			require.Equal(t, want.c.Reason, c.Reason)
		} else {
			require.True(t, noun.Equal(want.v, v))
		}
	})
}

// TestCallFormulaKept checks that Poke, Peek and Wish share one formula per
// axis across events (so that it stays compiled in the cache), and that
// the formula slams the gate like the one it replaced,
// *[core 7 [9 axis 0 1] 9 2 10 [6 1 sample] 0 1].
func TestCallFormulaKept(t *testing.T) {
	it := New(Config{})
	f23 := it.callFormula(PokeAxis)
	require.Equal(t, f23.CellID(), it.callFormula(PokeAxis).CellID())
	require.NotEqual(t, f23.CellID(), it.callFormula(PeekAxis).CellID())
	require.Len(t, it.calls, 2)

	// A core [[0 0 0 arm] 42] whose arm at 23 makes the gate [battery 0
	// core] (sample 0, context the core), and the battery [[0 6] [0 15]]
	// produces [sample payload-of-context].
	p := func(s string) noun.Noun {
		n, err := noun.Parse(s)
		require.NoError(t, err)
		return n
	}
	arm := p("[[1 [0 6] 0 15] [1 0] 0 1]")
	core := noun.T(noun.T(noun.Zero, noun.Zero, noun.Zero, arm), noun.Atom(42))
	sample := noun.Atom(7)
	old := noun.T(noun.Atom(7), noun.T(noun.Atom(9), noun.Atom(PokeAxis), noun.Atom(0), noun.Atom(1)),
		noun.Atom(9), noun.Atom(2), noun.Atom(10), noun.T(noun.Atom(6), noun.Atom(1), sample), noun.Atom(0), noun.Atom(1))
	want, err := New(Config{}).Nock(context.Background(), core, old)
	require.NoError(t, err)
	require.True(t, noun.Equal(noun.Cell(sample, noun.Atom(42)), want))
	got, err := it.call(context.Background(), core, PokeAxis, sample, it.cells.Keep)
	require.NoError(t, err)
	require.True(t, noun.Equal(want, got), "want %v got %v", want, got)
}
