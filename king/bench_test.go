package king

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// benchDepths are the numbers of %work writs kept in flight.
var benchDepths = []int{1, 10, 100}

// BenchmarkWork measures %work round trips per second against the real
// serf and the counter kernel, through Run, with 1, 10 and 100 in flight.
func BenchmarkWork(b *testing.B) {
	requireRealSerf(b)
	for _, depth := range benchDepths {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			ctx := context.Background()
			s := startBenchSerf(b)
			jobs := make([]noun.Noun, 1024)
			for i := range jobs {
				jobs[i] = counterJob(uint64(i + 2))
			}
			reqs := make(chan Request, depth)
			errc := make(chan error, 1)
			go func() { errc <- s.Run(ctx, reqs, RunOptions{MaxInFlight: depth}) }()
			var done int
			count := func(WorkResult) { done++ }
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				reqs <- Work{Job: jobs[i%len(jobs)], Done: count}
			}
			reqs <- Kill{}
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if done != b.N {
				b.Fatalf("%d results for %d works", done, b.N)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rt/s")
		})
	}
}

// BenchmarkRawEcho is the physical limit BenchmarkWork is measured
// against: the same %work frames over the same kind of pipes to a child
// (the test binary in echo mode) that sends each frame straight back,
// with the same numbers in flight.
func BenchmarkRawEcho(b *testing.B) {
	frame := noun.Jam(ipc.Work{Job: counterJob(2)}.Noun())
	for _, depth := range benchDepths {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), fakeSerfEnv+"="+modeEcho)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				b.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			defer cmd.Wait()
			defer stdin.Close()
			w := ipc.NewWriter(stdin, ipc.Legacy)
			r := ipc.NewReader(stdout, ipc.WithFraming(ipc.Legacy))
			b.ResetTimer()
			sent := 0
			for ; sent < min(depth, b.N); sent++ {
				if err := w.WriteFrame(frame); err != nil {
					b.Fatal(err)
				}
			}
			for range b.N {
				if _, err := r.ReadFrame(); err != nil {
					b.Fatal(err)
				}
				if sent < b.N {
					if err := w.WriteFrame(frame); err != nil {
						b.Fatal(err)
					}
					sent++
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rt/s")
		})
	}
}

// BenchmarkReplay measures %play replay of 1,000,000 counter events
// (20,000 with -short) at several batch sizes. Each iteration starts a
// fresh serf and boots it outside the timer.
func BenchmarkReplay(b *testing.B) {
	requireRealSerf(b)
	n := uint64(1_000_000)
	if testing.Short() {
		n = 20_000
	}
	for _, batch := range []int{5, 100, 500, 5000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			source := func(yield func(ReplayEvent, error) bool) {
				for i := uint64(2); i <= n+1; i++ {
					if !yield(ReplayEvent{Num: i, Job: counterJob(i)}, nil) {
						return
					}
				}
			}
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				s := startBenchSerf(b)
				b.StartTimer()
				if err := s.Replay(ctx, source, batch, nil); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := s.Stop(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// startBenchSerf starts the real serf on a fresh pier and boots the
// counter kernel.
func startBenchSerf(b *testing.B) *Serf {
	b.Helper()
	ctx := context.Background()
	s, _, err := Start(ctx, Config{SerfPath: serfBinary, Pier: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Stop(ctx) })
	if _, err := s.Boot(ctx, pill(b, "counter")); err != nil {
		b.Fatal(err)
	}
	return s
}
