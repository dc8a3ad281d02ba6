package eventlog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 20)
	tests := []struct {
		name     string
		from     uint64
		limit    int
		from2    uint64 // expected first and last numbers; 0 for none
		to2      uint64
		badRange bool
	}{
		{"all", 1, 100, 1, 20, false},
		{"middle", 5, 3, 5, 7, false},
		{"last", 20, 1, 20, 20, false},
		{"past end", 21, 5, 0, 0, false},
		{"zero limit", 1, 0, 0, 0, false},
		{"from zero", 0, 5, 0, 0, true},
		{"negative limit", 1, -1, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.Read(tc.from, tc.limit)
			if tc.badRange {
				require.ErrorIs(t, err, ErrBadRange)
				return
			}
			require.NoError(t, err)
			if tc.from2 == 0 {
				require.Empty(t, got)
				return
			}
			require.Equal(t, testEvents(tc.from2, tc.to2), got)
		})
	}
}

func TestEventsRanges(t *testing.T) {
	l := newLog(t, Options{})
	// More than one read chunk, to cross chunk boundaries.
	n := uint64(chunkEvents + 300)
	appendN(t, l, n)
	collect := func(from, to uint64) ([]uint64, error) {
		var nums []uint64
		for e, err := range l.Events(from, to) {
			if err != nil {
				return nums, err
			}
			require.Equal(t, testEvent(e.Num), e)
			nums = append(nums, e.Num)
		}
		return nums, nil
	}
	seq := func(a, b uint64) []uint64 {
		var s []uint64
		for i := a; i <= b; i++ {
			s = append(s, i)
		}
		return s
	}
	tests := []struct {
		name     string
		from, to uint64
		want     []uint64
	}{
		{"all", 1, 0, seq(1, n)},
		{"bounded", 10, 20, seq(10, 20)},
		{"across chunk", chunkEvents - 2, chunkEvents + 2, seq(chunkEvents-2, chunkEvents+2)},
		{"to past end", n - 1, n + 10, seq(n-1, n)},
		{"from past end", n + 1, 0, nil},
		{"single", 7, 7, seq(7, 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(tc.from, tc.to)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
	for _, bad := range [][2]uint64{{0, 5}, {5, 4}} {
		_, err := collect(bad[0], bad[1])
		require.ErrorIs(t, err, ErrBadRange)
	}
	// Breaking out of the loop stops the iteration.
	count := 0
	for range l.Events(1, 0) {
		count++
		if count == 3 {
			break
		}
	}
	require.Equal(t, 3, count)
}

// TestEventsAreCopies: values stay intact after their transaction and
// after later writes reuse pages.
func TestEventsAreCopies(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 50)
	got, err := l.Read(1, 50)
	require.NoError(t, err)
	_, err = l.Truncate(context.Background(), 0)
	require.NoError(t, err)
	for n := uint64(1); n <= 50; n++ {
		e := testEvent(n)
		e.Jam[0] ^= 0xff // different bytes in the same places
		require.NoError(t, l.Append(context.Background(), []Event{e}))
	}
	require.Equal(t, testEvents(1, 50), got)
	// Appending to a returned Jam must not overwrite its neighbour.
	grown := append(got[0].Jam, 0xAA, 0xBB, 0xCC)
	require.Len(t, grown, len(got[0].Jam)+3)
	require.Equal(t, testEvent(2), got[1])
}

// TestEventsKeptAcrossChunks keeps every event Events yields, over
// several read transactions: a later chunk must not change what an
// earlier one yielded.
func TestEventsKeptAcrossChunks(t *testing.T) {
	l := newLog(t, Options{})
	const n = 3*chunkEvents + 17
	appendN(t, l, n)
	var got []Event
	for e, err := range l.Events(1, 0) {
		require.NoError(t, err)
		got = append(got, e)
	}
	require.Equal(t, testEvents(1, n), got)
}

func TestReadStopsAtDamage(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 10)
	rawDelete(t, l, 6)
	got, err := l.Read(1, 100)
	var ge *GapError
	require.ErrorAs(t, err, &ge)
	require.Equal(t, GapError{After: 5, Next: 7}, *ge)
	require.Equal(t, testEvents(1, 5), got)

	rawPut(t, l, key(6), []byte{1, 2, 3, 4})
	got, err = l.Read(3, 100)
	var ce *CorruptEventError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, uint64(6), ce.Num)
	require.ErrorIs(t, err, ErrShortValue)
	require.Equal(t, testEvents(3, 5), got)

	var last error
	nums := 0
	for _, err := range l.Events(1, 0) {
		if err != nil {
			last = err
			break
		}
		nums++
	}
	require.ErrorAs(t, last, &ce)
	require.Equal(t, 5, nums)

	// A log that does not start at 1.
	rawDelete(t, l, 1)
	_, err = l.Read(1, 10)
	require.ErrorAs(t, err, &ge)
	require.Equal(t, GapError{After: 0, Next: 2}, *ge)
}

// TestReadWhileAppending runs a reader against a live appender: reads see
// a consistent prefix and never block the writer.
func TestReadWhileAppending(t *testing.T) {
	l := newLog(t, Options{})
	readWhileAppending(t, l, 1, 2000, 20, nil)
	got, err := l.Read(1, 3000)
	require.NoError(t, err)
	require.Len(t, got, 2000)
}

// readWhileAppending appends events from..to in batches of step on another
// goroutine and meanwhile reads the whole log again and again, checking
// each pass sees events numbered from 1 without a gap; each pass also runs
// check, if not nil.
func readWhileAppending(t *testing.T, l *Log, from, to, step uint64, check func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		for n := from; n <= to; n += step {
			if err := l.Append(context.Background(), testEvents(n, n+step-1)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for finished := false; !finished; {
		select {
		case err := <-done:
			require.NoError(t, err)
			finished = true
		default:
		}
		var prev uint64
		for e, err := range l.Events(1, 0) {
			require.NoError(t, err)
			require.Equal(t, prev+1, e.Num)
			prev = e.Num
		}
		if check != nil {
			check()
		}
	}
}
