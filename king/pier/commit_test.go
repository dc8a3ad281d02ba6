package pier

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

func TestEffectsReleasedOnlyAfterCommit(t *testing.T) {
	dir := newPier(t, "counter")
	var rp *running
	var mu sync.Mutex
	var order []uint64
	var bad []string
	rp = runPier(t, dir, RunOptions{Effects: func(eve uint64, fx noun.Noun) {
		// At the moment of release the event is durably in the log.
		last, _ := rp.p.log.Last()
		mu.Lock()
		defer mu.Unlock()
		if last < eve {
			bad = append(bad, "released before commit")
		}
		order = append(order, eve)
	}})
	var tickets []*Ticket
	for i := range 50 {
		tk, err := rp.p.InjectAsync(context.Background(), ovum(i))
		require.NoError(t, err)
		tickets = append(tickets, tk)
	}
	for i, tk := range tickets {
		res, err := tk.Wait(context.Background())
		require.NoError(t, err)
		require.Equal(t, uint64(i+2), res.Eve, "one goroutine's events keep their order")
	}
	require.NoError(t, rp.stop())
	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, bad)
	require.Len(t, order, 50)
	for i, eve := range order {
		require.Equal(t, uint64(i+2), eve, "effects are released in event order")
	}
}

// TestLoggedJamIsTheJobsJam: each done event is logged as the canonical
// jam of the job the serf computed (the jam made once at intake, which the
// %work writ is also spliced from), with the serf's mug.
func TestLoggedJamIsTheJobsJam(t *testing.T) {
	dir := newPier(t, "counter")
	rp := runPier(t, dir, RunOptions{})
	var tickets []*Ticket
	for i := range 30 {
		tk, err := rp.p.InjectAsync(context.Background(), ovum(i))
		require.NoError(t, err)
		tickets = append(tickets, tk)
	}
	var results []Result
	for _, tk := range tickets {
		res, err := tk.Wait(context.Background())
		require.NoError(t, err)
		require.Equal(t, king.WorkDone, res.Kind)
		results = append(results, res)
	}
	require.NoError(t, rp.stop())
	logged := readLog(t, dir)
	require.Len(t, logged, 1+len(results))
	for i, res := range results {
		ev := logged[res.Eve-1]
		require.Equal(t, uint64(i+2), ev.Num)
		require.Equal(t, noun.Jam(res.Job), ev.Jam, "event %d", ev.Num)
		require.Equal(t, res.Mug, ev.Mug, "event %d", ev.Num)
		wire, _ := res.Job.Slot(6)
		require.True(t, noun.Equal(noun.Path("test", fmt.Sprint(i)), wire), "event %d", ev.Num)
	}
}

func TestBailReportedNotCommitted(t *testing.T) {
	dir := newPier(t, "crashy")
	var mu sync.Mutex
	var released []uint64
	rp := runPier(t, dir, RunOptions{Effects: func(eve uint64, _ noun.Noun) {
		mu.Lock()
		released = append(released, eve)
		mu.Unlock()
	}})
	res, err := rp.p.Inject(context.Background(), card("crash-twice"))
	var bail *BailError
	require.True(t, errors.As(err, &bail), "%v", err)
	require.Len(t, bail.Goofs, 2)
	require.Equal(t, king.WorkBail, res.Kind)
	last, _ := rp.p.log.Last()
	require.Equal(t, uint64(1), last, "a bail commits nothing")

	// A crash whose %crud retry succeeds is a swap: the replacement is
	// what is logged, under the next number.
	res, err = rp.p.Inject(context.Background(), card("crash"))
	require.NoError(t, err)
	require.Equal(t, king.WorkSwap, res.Kind)
	require.Equal(t, uint64(2), res.Eve)
	swap := res
	ovm, _ := res.Job.Slot(3)
	tag, _, err := noun.Tagged(ovm.Tail())
	require.NoError(t, err)
	require.Equal(t, "crud", tag)

	res, err = rp.p.Inject(context.Background(), card("fine"))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Eve)
	require.NoError(t, rp.stop())
	mu.Lock()
	require.Equal(t, []uint64{2, 3}, released)
	mu.Unlock()
	logged := readLog(t, dir)
	require.Len(t, logged, 3)
	job, err := noun.Cue(logged[1].Jam)
	require.NoError(t, err)
	require.True(t, noun.Equal(swap.Job, job))
	require.Equal(t, noun.Jam(swap.Job), logged[1].Jam, "the replacement's canonical jam is logged")
	require.Equal(t, noun.Jam(res.Job), logged[2].Jam)
	crudJob, _ := job.Slot(7)
	tag, _, err = noun.Tagged(crudJob)
	require.NoError(t, err)
	require.Equal(t, "crud", tag, "the swap's replacement is logged")
}

func TestCommitFailureStopsIntake(t *testing.T) {
	dir := newPier(t, "counter")
	diskFull := errors.New("disk full (simulated)")
	var mu sync.Mutex
	var released []uint64
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	p.commitFault = func(eve uint64) error {
		if eve >= 4 {
			return diskFull
		}
		return nil
	}
	ready := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- p.Run(context.Background(), RunOptions{Serf: serfConfig(t), OnReady: func() { close(ready) },
			Effects: func(eve uint64, _ noun.Noun) {
				mu.Lock()
				released = append(released, eve)
				mu.Unlock()
			}})
	}()
	<-ready
	for i := range 2 {
		_, err := p.Inject(context.Background(), ovum(i))
		require.NoError(t, err)
	}
	_, err = p.Inject(context.Background(), ovum(2))
	require.ErrorIs(t, err, ErrNotCommitted)
	require.ErrorIs(t, err, diskFull)
	runErr := <-errc
	require.ErrorIs(t, runErr, diskFull, "Run returns the commit failure")
	_, err = p.Inject(context.Background(), ovum(3))
	require.ErrorIs(t, err, ErrNotRunning, "intake is stopped")
	mu.Lock()
	require.Equal(t, []uint64{2, 3}, released, "no effect of an uncommitted event is released")
	mu.Unlock()
	last, _ := p.log.Last()
	require.Equal(t, uint64(3), last)
}

func TestInjectRejectsAtomAndNotRunning(t *testing.T) {
	dir := newPier(t, "counter")
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	_, err = p.Inject(context.Background(), ovum(1))
	require.ErrorIs(t, err, ErrNotRunning)
	_, err = p.Inject(context.Background(), noun.Atom(5))
	require.ErrorIs(t, err, ErrBadOvum)
	require.ErrorIs(t, p.Shutdown(context.Background()), ErrNotRunning)
	require.ErrorIs(t, p.RestartSerf(context.Background()), ErrNotRunning)
	st := p.Status()
	require.False(t, st.Running)
	require.Equal(t, uint64(1), st.LastCommitted)
}

// TestReleaserQueueStaysSmall: the release queue's backing array stays
// about the size of the longest queue while the queue never runs dry, and
// is dropped when it does.
func TestReleaserQueueStaysSmall(t *testing.T) {
	rel := &releaser{wake: make(chan struct{}, 1)}
	next := uint64(0)
	push := func() {
		next++
		rel.push(relEntry{res: Result{Eve: next}})
	}
	want := uint64(0)
	pop := func() {
		e, ok := rel.pop()
		require.True(t, ok)
		want++
		require.Equal(t, want, e.res.Eve, "entries come out in order")
	}
	// Never dry: one entry always waits.
	push()
	for range 10_000 {
		push()
		pop()
	}
	require.LessOrEqual(t, cap(rel.q), 8)
	// Runs dry every time, after bursts of up to 5.
	pop()
	for i := range 10_000 {
		for range i%5 + 1 {
			push()
		}
		for range i%5 + 1 {
			pop()
		}
	}
	require.Zero(t, cap(rel.q), "a queue that ran dry holds no array")
}
