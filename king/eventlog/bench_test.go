package eventlog

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// benchEvent is a small event like a counter kernel's [now ovum].
var benchEvent = testEvent(12)

// BenchmarkRawAppendFdatasync is the baseline: append one event-sized
// record to a plain file and fdatasync it, per op, in the same temporary
// directory (so on the same disk) as the log benchmarks.
func BenchmarkRawAppendFdatasync(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(b, err)
	defer func() { require.NoError(b, f.Close()) }()
	rec := appendValue(nil, benchEvent)
	for b.Loop() {
		_, err := f.Write(rec)
		require.NoError(b, err)
		require.NoError(b, unix.Fdatasync(int(f.Fd())))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkAppendSequential appends one event per durable Append from a
// single goroutine: no merging is possible, so this is the per-commit
// cost (bbolt fsyncs twice per commit: data pages, then meta page).
func BenchmarkAppendSequential(b *testing.B) {
	l := benchLog(b)
	n := uint64(0)
	for b.Loop() {
		n++
		e := benchEvent
		e.Num = n
		require.NoError(b, l.Append(context.Background(), []Event{e}))
	}
	reportCommits(b, l, n)
}

// BenchmarkAppendGroupCommit runs many goroutines (32 per CPU) that each
// number one event under a lock, submit it, and wait until it is durable,
// as a pier's concurrent sources would.
func BenchmarkAppendGroupCommit(b *testing.B) {
	l := benchLog(b)
	var mu sync.Mutex
	n := uint64(0)
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			e := benchEvent
			e.Num = n
			p, err := l.Submit(context.Background(), []Event{e})
			mu.Unlock()
			if err == nil {
				err = p.Wait(context.Background())
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportCommits(b, l, n)
}

// BenchmarkAppendBatch100 appends batches of 100 events per durable
// Append (as a boot sequence or a replayed backlog is written).
func BenchmarkAppendBatch100(b *testing.B) {
	l := benchLog(b)
	n := uint64(0)
	batch := make([]Event, 100)
	for b.Loop() {
		for i := range batch {
			n++
			batch[i] = benchEvent
			batch[i].Num = n
		}
		require.NoError(b, l.Append(context.Background(), batch))
	}
	reportCommits(b, l, n)
}

// BenchmarkEventsIterate1M iterates a log of 1,000,000 small events, as a
// full replay reads it (setup is not timed and skips fsync).
func BenchmarkEventsIterate1M(b *testing.B) {
	const total = 1_000_000
	// Filled without fsync: only the iteration is measured.
	l, err := Create(filepath.Join(b.TempDir(), "log"), Identity{Who: testShip, Life: 1}, Options{NoSync: true})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, l.Close()) })
	batch := make([]Event, 10_000)
	for n := uint64(1); n <= total; n += uint64(len(batch)) {
		for i := range batch {
			batch[i] = benchEvent
			batch[i].Num = n + uint64(i)
		}
		require.NoError(b, l.Append(context.Background(), batch))
	}
	for b.Loop() {
		count := 0
		for _, err := range l.Events(1, 0) {
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != total {
			b.Fatalf("iterated %d events, want %d", count, total)
		}
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// benchLog creates a durable log (fsync on) in the benchmark's temporary
// directory.
func benchLog(b *testing.B) *Log {
	b.Helper()
	l, err := Create(filepath.Join(b.TempDir(), "log"), Identity{Who: testShip, Life: 1}, Options{})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, l.Close()) })
	return l
}

// reportCommits reports durable events and bbolt commits per second.
func reportCommits(b *testing.B, l *Log, events uint64) {
	b.Helper()
	l.mu.Lock()
	commits := l.gen
	l.mu.Unlock()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(events)/secs, "events/s")
	b.ReportMetric(float64(commits)/secs, "commits/s")
}
