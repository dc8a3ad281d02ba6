package pier

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// BenchmarkInjectDurable measures durable events per second through a
// running pier (counter kernel): inject, compute, group commit with
// fsync, release. Compare with BenchmarkRawAppendFdatasync on the same
// disk.
func BenchmarkInjectDurable(b *testing.B) {
	dir := newPier(b, "counter")
	rp := runPier(b, dir, RunOptions{})
	ctx := context.Background()
	tickets := make([]*Ticket, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		tk, err := rp.p.InjectAsync(ctx, ovum(i))
		if err != nil {
			b.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	for _, tk := range tickets {
		if _, err := tk.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	b.StopTimer()
	require.NoError(b, rp.stop())
}

// BenchmarkRawAppendFdatasync is the baseline: append one event-sized
// record to a file and fdatasync it, per event, on the disk the tests'
// piers live on.
func BenchmarkRawAppendFdatasync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "raw"))
	require.NoError(b, err)
	defer f.Close()
	rec := append([]byte{0, 0, 0, 0}, noun.Jam(noun.Cell(noun.Da(time.Now()), ovum(1)))...)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(rec); err != nil {
			b.Fatal(err)
		}
		if err := unix.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkReplayLog measures Replay of a log of counter events, from
// nothing, in batches of 500. PIER_BENCH_EVENTS sets the number of events
// (default 100000; the figure is 1000000).
func BenchmarkReplayLog(b *testing.B) {
	n := 100000
	if s := os.Getenv("PIER_BENCH_EVENTS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(b, err)
		n = v
	}
	if testing.Short() {
		n = 10000
	}
	dir := counterLog(b, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(b), ScratchDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Last != uint64(n)+1 {
			b.Fatalf("replayed to %d, want %d", rep.Last, n+1)
		}
		b.ReportMetric(float64(rep.Events)/rep.Elapsed.Seconds(), "events/s")
	}
}

// counterLog writes a pier directory whose log holds the counter boot
// formula and n counter events (mug 0), without a serf.
func counterLog(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "pier")
	lg, err := eventlog.Create(Layout{Dir: dir}.Log(), eventlog.Identity{Fake: true, Life: 1},
		eventlog.Options{NoSync: true})
	require.NoError(b, err)
	boot := loadPill(b, "counter").Formulas[0]
	require.NoError(b, lg.Append(context.Background(), []eventlog.Event{{Num: 1, Jam: noun.Jam(boot)}}))
	date := noun.Da(time.Now())
	const chunk = 10000
	for from := 0; from < n; from += chunk {
		evs := make([]eventlog.Event, 0, chunk)
		for i := from; i < min(from+chunk, n); i++ {
			evs = append(evs, eventlog.Event{Num: uint64(i + 2), Jam: noun.Jam(noun.Cell(date, ovum(i)))})
			date = addDates(date, 1)
		}
		require.NoError(b, lg.Append(context.Background(), evs))
	}
	require.NoError(b, lg.Close())
	return dir
}
