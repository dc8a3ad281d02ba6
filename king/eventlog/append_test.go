package eventlog

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestAppendOrder(t *testing.T) {
	ev := func(nums ...uint64) []Event {
		var evs []Event
		for _, n := range nums {
			evs = append(evs, testEvent(n))
		}
		return evs
	}
	tests := []struct {
		name  string
		evs   []Event
		index int
		want  uint64
		got   uint64
	}{
		{"starts past the end", ev(5), 0, 4, 5},
		{"repeats the last", ev(3), 0, 4, 3},
		{"gap inside batch", ev(4, 6), 1, 5, 6},
		{"decreasing", ev(4, 5, 4), 2, 6, 4},
		{"zero", ev(0), 0, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t, Options{})
			appendN(t, l, 3)
			err := l.Append(context.Background(), tc.evs)
			var oe *OrderError
			require.ErrorAs(t, err, &oe)
			require.Equal(t, OrderError{Index: tc.index, Want: tc.want, Got: tc.got}, *oe)
			require.Contains(t, err.Error(), "eventlog:")
			// Nothing was queued: the log continues at 4.
			require.NoError(t, l.Append(context.Background(), testEvents(4, 5)))
			eve, _ := l.Last()
			require.Equal(t, uint64(5), eve)
		})
	}
}

func TestAppendRejectsEmptyEventWithoutBreakingLog(t *testing.T) {
	l := newLog(t, Options{})
	evs := testEvents(1, 3)
	evs[1].Jam = nil
	require.ErrorIs(t, l.Append(context.Background(), evs), ErrEmptyEvent)
	require.NoError(t, l.Append(context.Background(), testEvents(1, 3)))
}

func TestAppendEmptyBatchAndCancelledContext(t *testing.T) {
	l := newLog(t, Options{})
	require.NoError(t, l.Append(context.Background(), nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := l.Append(ctx, testEvents(1, 1))
	require.ErrorIs(t, err, context.Canceled)
	// A cancelled Append queued nothing.
	require.NoError(t, l.Append(context.Background(), testEvents(1, 1)))
}

// TestGroupCommitMergesQueuedAppends holds bbolt's writer lock so the
// committer blocks on its first batch; everything submitted meanwhile must
// go into one more transaction.
func TestGroupCommitMergesQueuedAppends(t *testing.T) {
	l := newLog(t, Options{})
	tx, err := l.db.Begin(true)
	require.NoError(t, err)
	ctx := context.Background()
	var pending []*Pending
	for n := uint64(1); n <= 50; n++ {
		p, err := l.Submit(ctx, testEvents(n, n))
		require.NoError(t, err)
		pending = append(pending, p)
	}
	for _, p := range pending {
		select {
		case <-p.Done():
			t.Fatal("an append finished while bbolt's writer lock was held")
		default:
		}
	}
	require.NoError(t, tx.Rollback())
	for _, p := range pending {
		require.NoError(t, p.Wait(ctx))
		require.NoError(t, p.Err())
	}
	l.mu.Lock()
	gen := l.gen
	l.mu.Unlock()
	require.LessOrEqual(t, gen, uint64(2), "50 queued appends must take at most 2 commits")
	eve, _ := l.Last()
	require.Equal(t, uint64(50), eve)
}

// TestConcurrentAppenders runs many goroutines that number and submit
// events under one lock, as a pier does, then wait for durability.
func TestConcurrentAppenders(t *testing.T) {
	l := newLog(t, Options{})
	var mu sync.Mutex
	next := uint64(1)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				mu.Lock()
				n := next
				next++
				p, err := l.Submit(context.Background(), []Event{testEvent(n)})
				mu.Unlock()
				if err == nil {
					err = p.Wait(context.Background())
				}
				if err == nil {
					// Success means the event is durable and visible.
					if eve, _ := l.Last(); eve < n {
						err = errors.New("append returned before its event was committed")
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, l.Verify(context.Background(), nil))
	got, err := l.Read(1, 1000)
	require.NoError(t, err)
	require.Equal(t, testEvents(1, 800), got)
}

func TestPendingWaitHonoursContext(t *testing.T) {
	l := newLog(t, Options{})
	tx, err := l.db.Begin(true)
	require.NoError(t, err)
	p, err := l.Submit(context.Background(), testEvents(1, 1))
	require.NoError(t, err)
	require.NoError(t, p.Err(), "not done yet")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, p.Wait(ctx), context.Canceled)
	require.NoError(t, tx.Rollback())
	require.NoError(t, p.Wait(context.Background()))
}

// TestCloseCommitsQueuedAppends: Close must not drop accepted events.
func TestCloseCommitsQueuedAppends(t *testing.T) {
	l := newLog(t, Options{})
	p, err := l.Submit(context.Background(), testEvents(1, 20))
	require.NoError(t, err)
	require.NoError(t, l.Close())
	require.NoError(t, p.Err())
	select {
	case <-p.Done():
	default:
		t.Fatal("Close returned before the queued append finished")
	}
	l, err = Open(l.Dir(), Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	eve, _ := l.Last()
	require.Equal(t, uint64(20), eve)
}

// TestAppendReadProperty appends random batches and checks the log always
// reads back exactly what was acknowledged.
func TestAppendReadProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		l := newLog(t, Options{})
		defer func() { _ = l.Close() }()
		var want []Event
		batches := rapid.SliceOfN(rapid.IntRange(0, 30), 1, 8).Draw(rt, "batches")
		for _, size := range batches {
			from := uint64(len(want)) + 1
			var evs []Event
			if size > 0 {
				evs = testEvents(from, from+uint64(size)-1)
			}
			require.NoError(rt, l.Append(context.Background(), evs))
			want = append(want, evs...)
		}
		got, err := l.Read(1, len(want)+1)
		require.NoError(rt, err)
		if len(want) == 0 {
			require.Empty(rt, got)
		} else {
			require.Equal(rt, want, got)
		}
	})
}
