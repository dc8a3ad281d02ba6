package eventlog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name    string
		after   uint64
		removed int
		last    uint64
	}{
		{"middle", 7, 13, 7},
		{"keep all", 20, 0, 20},
		{"past end", 99, 0, 20},
		{"everything", 0, 20, 0},
		{"drop last", 19, 1, 19},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t, Options{})
			appendN(t, l, 20)
			removed, err := l.Truncate(context.Background(), tc.after)
			require.NoError(t, err)
			require.Equal(t, tc.removed, removed)
			eve, mug := l.Last()
			require.Equal(t, tc.last, eve)
			if tc.last > 0 {
				require.Equal(t, testEvent(tc.last).Mug, mug)
			} else {
				require.Zero(t, mug)
			}
			// The log continues right after the new end, and survives a
			// reopen.
			require.NoError(t, l.Append(context.Background(), testEvents(tc.last+1, tc.last+2)))
			require.NoError(t, l.Close())
			l, err = Open(l.Dir(), Options{NoSync: true})
			require.NoError(t, err)
			defer func() { require.NoError(t, l.Close()) }()
			got, err := l.Read(1, 100)
			require.NoError(t, err)
			require.Equal(t, testEvents(1, tc.last+2), got)
		})
	}
}

func TestTruncateWaitsForQueuedAppends(t *testing.T) {
	l := newLog(t, Options{})
	tx, err := l.db.Begin(true)
	require.NoError(t, err)
	p, err := l.Submit(context.Background(), testEvents(1, 10))
	require.NoError(t, err)
	done := make(chan struct{})
	var removed int
	go func() {
		defer close(done)
		removed, err = l.Truncate(context.Background(), 4)
	}()
	require.NoError(t, tx.Rollback())
	require.NoError(t, p.Wait(context.Background()))
	<-done
	require.NoError(t, err)
	require.Equal(t, 6, removed)
	eve, _ := l.Last()
	require.Equal(t, uint64(4), eve)
}

func TestTruncateCancelledRemovesNothing(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Truncate(ctx, 2)
	require.ErrorIs(t, err, context.Canceled)
	eve, _ := l.Last()
	require.Equal(t, uint64(10), eve)
	got, err := l.Read(1, 100)
	require.NoError(t, err)
	require.Len(t, got, 10)
	// Not broken: appends go on.
	require.NoError(t, l.Append(context.Background(), testEvents(11, 11)))
}

func TestTruncateRemovesTrailingMalformedKeys(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 5)
	rawPut(t, l, append(key(5), 0), []byte("junk"))
	removed, err := l.Truncate(context.Background(), 3)
	require.NoError(t, err)
	require.Equal(t, 3, removed)
	require.NoError(t, l.Verify(context.Background(), nil))
}
