package pier

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
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

// BenchmarkPierEvents drives 100,000 counter events (PIER_BENCH_EVENTS;
// 10000 with -short) through a running pier whose log skips fsync
// (InjectAsync, up to 2000 outstanding), so the figures are the king's
// and the serf's work rather than the disk's: events/s, and the CPU time
// per event of this process (the king: intake, %work writs, replies,
// group commits, releases) and of the serf (measured once reaped, so it
// includes its start and boot).
func BenchmarkPierEvents(b *testing.B) {
	n := benchEvents(b, 100_000)
	ctx := context.Background()
	var king, serf time.Duration
	var elapsed time.Duration
	for range b.N {
		b.StopTimer()
		dir := newPier(b, "counter")
		p, err := Open(dir, Options{NoSync: true})
		require.NoError(b, err)
		ready := make(chan struct{})
		errc := make(chan error, 1)
		serf0 := rusageOf(unix.RUSAGE_CHILDREN)
		go func() {
			errc <- p.Run(ctx, RunOptions{Serf: serfConfig(b), OnReady: func() { close(ready) }})
		}()
		select {
		case <-ready:
		case err := <-errc:
			b.Fatalf("pier did not start: %v", err)
		}
		const window = 2000
		tickets := make([]*Ticket, 0, n)
		b.StartTimer()
		start, king0 := time.Now(), rusageOf(unix.RUSAGE_SELF)
		for i := range n {
			tk, err := p.InjectAsync(ctx, ovum(i))
			if err != nil {
				b.Fatal(err)
			}
			tickets = append(tickets, tk)
			if i >= window {
				if _, err := tickets[i-window].Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		for _, tk := range tickets[max(0, n-window):] {
			if _, err := tk.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
		king += rusageOf(unix.RUSAGE_SELF) - king0
		elapsed += time.Since(start)
		b.StopTimer()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		require.NoError(b, p.Shutdown(sctx))
		cancel()
		require.NoError(b, <-errc)
		require.NoError(b, p.Close())
		serf += rusageOf(unix.RUSAGE_CHILDREN) - serf0
	}
	events := float64(n) * float64(b.N)
	b.ReportMetric(events/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(king.Nanoseconds())/1e3/events, "king-µs/event")
	b.ReportMetric(float64(serf.Nanoseconds())/1e3/events, "serf-µs/event")
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
// nothing, in batches of PIER_BENCH_BATCH (default king.DefaultReplayBatch,
// 500): events/s end to end (Replay's own figure, which includes starting
// the serf), events/s of the replay proper (from the boot's progress
// report to the last batch's, play-events/s: what a long replay
// converges to), and the CPU time the king (this process) and the serf (a
// child, measured once reaped) spent per event. PIER_BENCH_EVENTS sets the
// number of events (default 1000000, the figure; 10000 with
// -short). Compare with serf's BenchmarkReplayInProcess, the in-process
// compute rate of the same events.
func BenchmarkReplayLog(b *testing.B) {
	n := benchEvents(b, 1_000_000)
	batch := 0
	if s := os.Getenv("PIER_BENCH_BATCH"); s != "" {
		var err error
		batch, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	dir := counterLog(b, n)
	var king, serf time.Duration
	var events uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		king0, serf0 := rusageOf(unix.RUSAGE_SELF), rusageOf(unix.RUSAGE_CHILDREN)
		var first, last Progress
		rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(b), ScratchDir: b.TempDir(),
			BatchSize: batch, Progress: func(p Progress) {
				if first.Events == 0 {
					first = p
				}
				last = p
			}})
		if err != nil {
			b.Fatal(err)
		}
		// Replay has stopped and reaped its serf, so its CPU time is
		// counted among this process's children.
		king += rusageOf(unix.RUSAGE_SELF) - king0
		serf += rusageOf(unix.RUSAGE_CHILDREN) - serf0
		events += rep.Events
		if rep.Last != uint64(n)+1 {
			b.Fatalf("replayed to %d, want %d", rep.Last, n+1)
		}
		b.ReportMetric(float64(rep.Events)/rep.Elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(last.Events-first.Events)/(last.Elapsed-first.Elapsed).Seconds(), "play-events/s")
	}
	b.ReportMetric(float64(king.Nanoseconds())/1e3/float64(events), "king-µs/event")
	b.ReportMetric(float64(serf.Nanoseconds())/1e3/float64(events), "serf-µs/event")
}

// benchEvents is the number of events a long benchmark uses: def, or
// PIER_BENCH_EVENTS, or 10000 with -short.
func benchEvents(b *testing.B, def int) int {
	b.Helper()
	if testing.Short() {
		return 10000
	}
	if s := os.Getenv("PIER_BENCH_EVENTS"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(b, err)
		require.Positive(b, v)
		return v
	}
	return def
}

// rusageOf is the user + system CPU time of who (RUSAGE_SELF or
// RUSAGE_CHILDREN).
func rusageOf(who int) time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPierMemory drives 1,000,000 counter events (PIER_BENCH_EVENTS;
// 10000 with -short) through a running pier (InjectAsync, up to 2000
// outstanding, the log without fsync) and measures this process — the
// king — when the pier is ready ("0"), after a warm-up of 1% of the events
// ("start"), and once 10%, 50% and 100% of them have been injected and
// settled: the live heap after a full collection (heap-MB@…) and the
// resident anonymous memory once the free heap is returned to the system
// (rss-anon-MB@…, from /proc/self/status; the bbolt file's mapping is
// file-backed and not counted).
//
// The run is measured from the warm-up mark: the first events allocate
// the pipeline's fixed working set (queues sized by MaxInFlight and
// MaxPending, the reply decoder's scratch, the current log page's
// bookkeeping), about 50 KB, which is a sixth of the king's live heap of
// about 0.3 MB but does not grow with the number of events. It reports
// the heap's growth from the warm-up mark to the end (heap-growth-%, the
// issue's "flat within ±10%", which the benchmark fails outside of) and,
// for the record, from the ready pier (heap-growth-from-0-%) and of RSS.
func BenchmarkPierMemory(b *testing.B) {
	n := benchEvents(b, 1_000_000)
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		dir := newPier(b, "counter")
		p, err := Open(dir, Options{NoSync: true})
		require.NoError(b, err)
		ready := make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- p.Run(ctx, RunOptions{Serf: serfConfig(b), OnReady: func() { close(ready) }})
		}()
		select {
		case <-ready:
		case err := <-errc:
			b.Fatalf("pier did not start: %v", err)
		}

		// At each checkpoint every event injected so far is settled, so
		// the memory compared holds the same (no) work in progress.
		labels := []string{"0", "start", "10%", "50%", "100%"}
		checkpoints := []int{0, n / 100, n / 10, n / 2, n}
		heap := make([]float64, 0, len(checkpoints))
		rss := make([]float64, 0, len(checkpoints))
		const window = 2000
		tickets := make([]*Ticket, 0, window)
		settle := func(keep int) {
			for len(tickets) > keep {
				if _, err := tickets[0].Wait(ctx); err != nil {
					b.Fatal(err)
				}
				k := copy(tickets, tickets[1:])
				tickets[k] = nil
				tickets = tickets[:k]
			}
		}
		injected := 0
		for _, c := range checkpoints {
			b.StartTimer()
			for ; injected < c; injected++ {
				tk, err := p.InjectAsync(ctx, ovum(injected))
				if err != nil {
					b.Fatal(err)
				}
				tickets = append(tickets, tk)
				settle(window - 1)
			}
			settle(0)
			b.StopTimer()
			heap = append(heap, liveHeap())
			rss = append(rss, rssAnon(b))
		}
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		require.NoError(b, p.Shutdown(sctx))
		cancel()
		require.NoError(b, <-errc)
		require.NoError(b, p.Close())

		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		for i, l := range labels {
			b.ReportMetric(heap[i]/(1<<20), "heap-MB@"+l)
			b.ReportMetric(rss[i]/(1<<20), "rss-anon-MB@"+l)
		}
		last := len(heap) - 1
		growth := 100 * (heap[last] - heap[1]) / heap[1]
		b.ReportMetric(growth, "heap-growth-%")
		b.ReportMetric(100*(heap[last]-heap[0])/heap[0], "heap-growth-from-0-%")
		b.ReportMetric(100*(rss[last]-rss[1])/rss[1], "rss-anon-growth-%")
		if growth > 10 || growth < -10 {
			b.Errorf("king live heap went from %.3f MB after %d events to %.3f MB after %d: %+.1f%%, want within ±10%%",
				heap[1]/(1<<20), n/100, heap[last]/(1<<20), n, growth)
		}
	}
}

// liveHeap is the heap in use by live objects after a full collection,
// in bytes.
func liveHeap() float64 {
	runtime.GC()
	runtime.GC() // the second sweeps what the first freed
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

// rssAnon is this process's resident anonymous memory (RssAnon in
// /proc/self/status), in bytes: its own memory, without the pages of
// mapped files such as the bbolt log. It first returns the free heap to
// the operating system, so the figure does not depend on when the
// runtime's scavenger last ran.
func rssAnon(b *testing.B) float64 {
	b.Helper()
	debug.FreeOSMemory()
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(b, err)
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			require.NoError(b, err)
			return kb * 1024
		}
	}
	b.Fatal("no RssAnon in /proc/self/status")
	return 0
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
