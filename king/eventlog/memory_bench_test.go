package eventlog

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkAppendMemory appends 1,000,000 counter-sized events (-short:
// 100,000) in commits of 10, without fsync, and reports the heap in use
// after a full collection once 10% and 100% of them are committed, and
// the growth between the two per event. "reopen" is the log as it is;
// "no-reopen" never reopens its bbolt handle, which shows the growth of
// bbolt's freelist bookkeeping that reopening bounds (see reopen.go).
func BenchmarkAppendMemory(b *testing.B) {
	total := uint64(1_000_000)
	if testing.Short() {
		total = 100_000
	}
	for _, v := range []struct {
		name   string
		reopen int
	}{{"reopen", 0}, {"no-reopen", -1}} {
		b.Run(v.name, func(b *testing.B) {
			for range b.N {
				l := newLog(b, Options{NoSync: true, reopenBytes: v.reopen})
				var heap10 float64
				batch := make([]Event, 10)
				for n := uint64(1); n <= total; n += uint64(len(batch)) {
					if n == total/10+1 {
						b.StopTimer()
						heap10 = heapAfterGC()
						b.StartTimer()
					}
					for i := range batch {
						batch[i] = benchEvent
						batch[i].Num = n + uint64(i)
					}
					require.NoError(b, l.Append(context.Background(), batch))
				}
				b.StopTimer()
				heap100 := heapAfterGC()
				require.NoError(b, l.Close())
				b.ReportMetric(heap10/(1<<20), "heap-MB@10%")
				b.ReportMetric(heap100/(1<<20), "heap-MB@100%")
				b.ReportMetric((heap100-heap10)/float64(total-total/10), "heap-B/event")
				b.StartTimer()
			}
		})
	}
}

// heapAfterGC is the heap in use after a full collection, in bytes.
func heapAfterGC() float64 {
	runtime.GC()
	runtime.GC() // the second sweeps what the first freed
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

// BenchmarkReopen measures one reopen of the bbolt handle of a log of
// 1,000,000 counter-sized events (-short: 100,000).
func BenchmarkReopen(b *testing.B) {
	total := uint64(1_000_000)
	if testing.Short() {
		total = 100_000
	}
	l := newLog(b, Options{NoSync: true, reopenBytes: -1})
	batch := make([]Event, 10_000)
	for n := uint64(1); n <= total; n += uint64(len(batch)) {
		for i := range batch {
			batch[i] = benchEvent
			batch[i].Num = n + uint64(i)
		}
		require.NoError(b, l.Append(context.Background(), batch))
	}
	for b.Loop() {
		if _, err := l.reopen(); err != nil {
			b.Fatal(err)
		}
	}
}
