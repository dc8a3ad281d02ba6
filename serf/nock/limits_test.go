package nock_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// loop returns a subject and formula that loop forever in tail position,
// allocating nothing: *[[F x] F] with F = [2 [0 1] [0 2]].
func loop(t *testing.T) (subject, formula noun.Noun) {
	f := kingtest.MustParse(t, "[2 [0 1] [0 2]]")
	return noun.Cell(f, noun.Zero), f
}

// consLoop builds ever longer lists forever: the sample grows by one cell
// per iteration.
func consLoop(t *testing.T) (subject, formula noun.Noun) {
	battery := kingtest.MustParse(t, "[9 2 [0 2] [[1 0] [0 3]]]")
	return noun.Cell(battery, noun.Zero), kingtest.MustParse(t, "[9 2 0 1]")
}

func TestInterruptFlag(t *testing.T) {
	var flag atomic.Bool
	it := nock.New(nock.Config{Interrupt: &flag})
	s, f := loop(t)
	flag.Store(true)
	_, err := it.Nock(context.Background(), s, f)
	require.ErrorIs(t, err, nock.ErrIntr)
	require.False(t, flag.Load(), "the flag is consumed")

	// The next computation is not interrupted.
	got, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, "[4 0 1]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(2), got)
}

func TestInterruptFromAnotherGoroutine(t *testing.T) {
	var flag atomic.Bool
	// The loop slogs once before looping, so the goroutine raises the flag
	// only once the computation is surely running.
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-started
		flag.Store(true)
	}()
	it := nock.New(nock.Config{Interrupt: &flag, Slog: func(uint64, noun.Noun) { close(started) }})
	s, f := loop(t)
	hinted := noun.T(noun.Atom(11), noun.Cell(noun.Cord("slog"), kingtest.MustParse(t, "[1 0 0]")), f)
	_, err := it.Nock(context.Background(), s, hinted)
	require.ErrorIs(t, err, nock.ErrIntr)
	<-done
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, f := loop(t)
	_, err := nock.New(nock.Config{}).Nock(ctx, s, f)
	require.ErrorIs(t, err, nock.ErrIntr)
}

func TestDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	s, f := loop(t)
	_, err := nock.New(nock.Config{}).Nock(ctx, s, f)
	require.ErrorIs(t, err, nock.ErrAlrm)

	// An already expired deadline.
	ctx2, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	_, err = nock.New(nock.Config{}).Nock(ctx2, s, f)
	require.ErrorIs(t, err, nock.ErrAlrm)
}

func TestStepLimit(t *testing.T) {
	s, f := loop(t)
	it := nock.New(nock.Config{StepLimit: 100_000})
	_, err := it.Nock(context.Background(), s, f)
	require.ErrorIs(t, err, nock.ErrAlrm)
	require.Equal(t, uint64(100_000), it.Steps())

	// A computation under the limit is unaffected.
	got, err := it.Nock(context.Background(), noun.Atom(100), kingtest.MustParse(t, decFormula))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(99), got)
}

func TestMemoryBudgetCells(t *testing.T) {
	s, f := consLoop(t)
	it := nock.New(nock.Config{MemoryBudget: 1 << 20})
	_, err := it.Nock(context.Background(), s, f)
	require.ErrorIs(t, err, nock.ErrMeme)

	// The budget is per computation: a small one still runs.
	got, err := it.Nock(context.Background(), noun.Atom(1000), kingtest.MustParse(t, decFormula))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(999), got)
}

func TestMemoryBudgetStack(t *testing.T) {
	// Unbounded non-tail recursion that allocates no cells: +($).
	battery := kingtest.MustParse(t, "[4 9 2 0 1]")
	it := nock.New(nock.Config{MemoryBudget: 8 << 20})
	_, err := it.Nock(context.Background(), noun.Cell(battery, noun.Zero), kingtest.MustParse(t, "[9 2 0 1]"))
	require.ErrorIs(t, err, nock.ErrMeme)
}

func TestMemoryBudgetBigAtoms(t *testing.T) {
	// Increment a 4096-word atom until the budget of 1 MiB runs out.
	words := make([]uint64, 4096)
	words[4095] = 1
	battery := kingtest.MustParse(t, "[9 2 [0 2] [4 0 3]]")
	subject := noun.Cell(battery, noun.AtomWords(words))
	_, err := nock.New(nock.Config{MemoryBudget: 1 << 20}).Nock(context.Background(), subject, kingtest.MustParse(t, "[9 2 0 1]"))
	require.ErrorIs(t, err, nock.ErrMeme)
}

func TestBusy(t *testing.T) {
	var inner error
	var it *nock.Interpreter
	it = nock.New(nock.Config{Slog: func(uint64, noun.Noun) {
		_, inner = it.Nock(context.Background(), noun.Zero, kingtest.MustParse(t, "[1 0]"))
	}})
	got, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, "[11 [%slog [1 0 0]] [0 1]]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(1), got)
	require.ErrorIs(t, inner, nock.ErrBusy)
}

func TestPanicInCallbackIsAFailCrash(t *testing.T) {
	it := nock.New(nock.Config{Slog: func(uint64, noun.Noun) { panic("boom") }})
	_, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, "[11 [%slog [1 0 0]] [0 1]]"))
	require.ErrorIs(t, err, nock.ErrFail)
	// The interpreter is usable afterwards.
	got, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, "[4 0 1]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(2), got)
}
