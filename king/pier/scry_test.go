package pier

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// counterPeek is what the counter kernel answers every peek with after n
// events: [~ %noun n].
func counterPeek(n uint64) noun.Noun {
	return noun.T(noun.Zero, noun.Cord("noun"), noun.Atom(n))
}

func TestScryAndPeekRunningPier(t *testing.T) {
	rp := runPier(t, newPier(t, "counter"), RunOptions{})
	ctx := context.Background()
	got, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x", "count"))
	require.NoError(t, err)
	require.True(t, noun.Equal(counterPeek(0), got), "got %s", got)
	for i := range 3 {
		_, err := rp.p.Inject(ctx, ovum(i))
		require.NoError(t, err)
	}
	got, err = rp.p.Peek(ctx, 0, ipc.PeekPath(ipc.LocalGang(), "x", "count"))
	require.NoError(t, err)
	require.True(t, noun.Equal(counterPeek(3), got), "got %s", got)
}

func TestScryInterleavesWithEvents(t *testing.T) {
	rp := runPier(t, newPier(t, "counter"), RunOptions{})
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := rp.p.Inject(ctx, ovum(i))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			got, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
			if err == nil {
				// The count is whatever the serf had computed: 0..n.
				cnt, ok := got.Slot(7)
				if !ok || !cnt.IsAtom() {
					err = errors.New("peek answer is not [~ %noun count]: " + got.String())
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.NoError(t, err)
	require.True(t, noun.Equal(counterPeek(n), got), "got %s", got)
}

func TestCommandsNeedARunningPier(t *testing.T) {
	p, err := Open(newPier(t, "counter"), Options{})
	require.NoError(t, err)
	defer p.Close()
	ctx := context.Background()
	_, err = p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.ErrorIs(t, err, ErrNotRunning)
	_, err = p.Save(ctx)
	require.ErrorIs(t, err, ErrNotRunning)
	require.ErrorIs(t, p.Pack(ctx), ErrNotRunning)
	require.ErrorIs(t, p.Meld(ctx), ErrNotRunning)
	require.ErrorIs(t, p.Interrupt(), ErrNotRunning)
}

func TestScryGivesUpWithItsContext(t *testing.T) {
	rp := runPier(t, newPier(t, "counter"), RunOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.ErrorIs(t, err, context.Canceled)
	// The pier and its serf are unharmed.
	res, err := rp.p.Inject(context.Background(), ovum(1))
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Eve)
}

func TestSaveWritesSnapshotAtTheLogEnd(t *testing.T) {
	dir := newPier(t, "counter")
	var notices []Notice
	var mu sync.Mutex
	rp := runPier(t, dir, RunOptions{SnapshotInterval: -1, OnNotice: func(n Notice) {
		mu.Lock()
		notices = append(notices, n)
		mu.Unlock()
	}})
	ctx := context.Background()
	var last Result
	for i := range 4 {
		res, err := rp.p.Inject(ctx, ovum(i))
		require.NoError(t, err)
		last = res
	}
	eve, err := rp.p.Save(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(5), eve)
	note, ok, err := ReadSnapshotNote(dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, uint64(5), note.Event)
	require.Equal(t, last.Mug, note.Mug)
	mu.Lock()
	require.Condition(t, func() bool {
		for _, n := range notices {
			if n.Kind == NoticeSnapshot && n.Eve == 5 {
				return true
			}
		}
		return false
	}, "a snapshot notice for event 5")
	mu.Unlock()

	// Kill the pier hard (no shutdown snapshot): the next start loads the
	// snapshot Save took and replays nothing.
	rp.p.current().cancel()
	require.ErrorIs(t, rp.wait(), context.Canceled)
	rp = runPier(t, dir, RunOptions{Progress: func(pr Progress) {
		if pr.Total > 0 {
			t.Errorf("replayed %d events; the snapshot should have held them all", pr.Total)
		}
	}})
	got, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.NoError(t, err)
	require.True(t, noun.Equal(counterPeek(4), got), "got %s", got)
}

func TestPackAndMeldKeepThePierRunning(t *testing.T) {
	rp := runPier(t, newPier(t, "counter"), RunOptions{})
	ctx := context.Background()
	_, err := rp.p.Inject(ctx, ovum(1))
	require.NoError(t, err)
	require.NoError(t, rp.p.Pack(ctx))
	require.NoError(t, rp.p.Meld(ctx))
	res, err := rp.p.Inject(ctx, ovum(2))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Eve)
	got, err := rp.p.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.NoError(t, err)
	require.True(t, noun.Equal(counterPeek(2), got), "got %s", got)
}

func TestInterruptStopsALoopingEvent(t *testing.T) {
	slow := make(chan SlowEvent, 16)
	rp := runPier(t, newPier(t, "crashy"), RunOptions{
		SlowEvent: 20 * time.Millisecond,
		OnSlowEvent: func(ev SlowEvent) {
			select {
			case slow <- ev:
			default:
			}
		},
	})
	ctx := context.Background()
	ticket, err := rp.p.InjectAsync(ctx, card("loop"))
	require.NoError(t, err)
	select {
	case ev := <-slow:
		require.Equal(t, "%loop", ev.Card)
	case <-time.After(30 * time.Second):
		t.Fatal("the %loop event was never reported as slow")
	}
	require.NoError(t, rp.p.Interrupt())
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := ticket.Wait(wctx)
	require.NoError(t, err)
	// The %crud retry of an interrupted %loop succeeds.
	require.Equal(t, king.WorkSwap, res.Kind)
	require.Equal(t, uint64(2), res.Eve)
}
