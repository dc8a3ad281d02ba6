package king

import (
	"context"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// benchDepths are the numbers of %work writs kept in flight.
var benchDepths = []int{1, 10, 100}

// BenchmarkWork measures %work round trips per second against the real
// serf and the counter kernel, through Run, with 1, 10 and 100 in flight.
func BenchmarkWork(b *testing.B) { benchWork(b, false) }

// BenchmarkWorkJobJam is BenchmarkWork with each job's jam made
// beforehand and handed over in Work.JobJam, as the pier does (it logs
// that jam): Run splices it into the writ instead of jamming.
func BenchmarkWorkJobJam(b *testing.B) { benchWork(b, true) }

func benchWork(b *testing.B, withJam bool) {
	requireRealSerf(b)
	for _, depth := range benchDepths {
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			ctx := context.Background()
			s := startBenchSerf(b)
			works := make([]Work, 1024)
			var done int
			count := func(WorkResult) { done++ }
			for i := range works {
				works[i] = Work{Job: counterJob(uint64(i + 2)), Done: count}
				if withJam {
					works[i].JobJam = noun.Jam(works[i].Job)
				}
			}
			reqs := make(chan Request, depth)
			errc := make(chan error, 1)
			go func() { errc <- s.Run(ctx, reqs, RunOptions{MaxInFlight: depth}) }()
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU(s.Pid())
			for i := range b.N {
				reqs <- works[i%len(works)]
			}
			reqs <- Kill{}
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu.report(b, b.N, "serf")
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
			cpu := startCPU(cmd.Process.Pid)
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
			cpu.report(b, b.N, "echo")
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rt/s")
		})
	}
}

// BenchmarkReplay measures %play replay of 1,000,000 counter events
// (20,000 with -short) at several batch sizes, from two kinds of source:
// "nouns" builds each job as a noun (Replay jams the batch), "jams" hands
// over each job's jam, made beforehand, as a log does (Replay splices them
// into the writ). Each iteration starts a fresh serf and boots it outside
// the timer. king-µs/event and serf-µs/event are the CPU time each process
// spent per event.
func BenchmarkReplay(b *testing.B) {
	requireRealSerf(b)
	n := uint64(1_000_000)
	if testing.Short() {
		n = 20_000
	}
	var jams [][]byte // made once, for the "jams" runs
	sources := []struct {
		name   string
		source iter.Seq2[ReplayEvent, error]
	}{
		{"nouns", func(yield func(ReplayEvent, error) bool) {
			for i := uint64(2); i <= n+1; i++ {
				if !yield(ReplayEvent{Num: i, Job: counterJob(i)}, nil) {
					return
				}
			}
		}},
		{"jams", func(yield func(ReplayEvent, error) bool) {
			for i, j := range jams {
				if !yield(ReplayEvent{Num: uint64(i) + 2, Jam: j}, nil) {
					return
				}
			}
		}},
	}
	for _, src := range sources {
		for _, batch := range []int{5, 100, 500, 5000} {
			b.Run(fmt.Sprintf("source=%s/batch=%d", src.name, batch), func(b *testing.B) {
				if src.name == "jams" && jams == nil {
					jams = make([][]byte, n)
					for i := range jams {
						jams[i] = noun.Jam(counterJob(uint64(i) + 2))
					}
				}
				benchReplay(b, n, batch, src.source)
			})
		}
	}
}

// benchReplay replays the n events of source in batches of batch into a
// fresh counter serf per iteration.
func benchReplay(b *testing.B, n uint64, batch int, source iter.Seq2[ReplayEvent, error]) {
	ctx := context.Background()
	var kingCPU, serfCPU time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s := startBenchSerf(b)
		serf0, _ := procCPU(s.Pid())
		king0 := selfCPU()
		b.StartTimer()
		if err := s.Replay(ctx, source, batch, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		kingCPU += selfCPU() - king0
		serf1, _ := procCPU(s.Pid())
		serfCPU += serf1 - serf0
		if eve, _, err := s.LastEvent(); err != nil || eve != n+1 {
			b.Fatalf("replayed to event %d (%v), want %d", eve, err, n+1)
		}
		if err := s.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	evs := float64(n) * float64(b.N)
	b.ReportMetric(evs/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(kingCPU.Nanoseconds())/1e3/evs, "king-µs/event")
	b.ReportMetric(float64(serfCPU.Nanoseconds())/1e3/evs, "serf-µs/event")
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
