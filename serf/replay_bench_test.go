package serf_test

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// The in-process baselines of a replay of counter events: what the king's
// replay benchmarks (king.BenchmarkReplay, pier.BenchmarkReplayLog) are
// measured against. The events have the shape pier.BenchmarkReplayLog
// logs, [now [/test/<i> %ping i]], dates 2^48 apart.

// replayChunk is how many events are built, outside the timer, at a time:
// a million jobs held at once would cost hundreds of megabytes.
const replayChunk = 10_000

// replayEvents is the number of events of one replay: 1,000,000 (the
// issue's figure), PIER_BENCH_EVENTS if set, 10,000 with -short.
func replayEvents(b *testing.B) int {
	b.Helper()
	if testing.Short() {
		return replayChunk
	}
	if s := os.Getenv("PIER_BENCH_EVENTS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		require.Positive(b, n)
		return n
	}
	return 1_000_000
}

// replayJobs returns the jobs of events from..from+n-1 (0-based).
func replayJobs(from, n int) []noun.Noun {
	base := noun.Da(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)).BigInt()
	step := new(big.Int).Lsh(big.NewInt(1), 48)
	out := make([]noun.Noun, n)
	for k := range out {
		i := from + k
		d := new(big.Int).Mul(step, big.NewInt(int64(i)))
		date, _ := noun.AtomBig(d.Add(d, base))
		ovum := noun.T(noun.Path("test", fmt.Sprint(i)), noun.Cord("ping"), noun.Atom(uint64(i)))
		out[k] = noun.Cell(date, ovum)
	}
	return out
}

// BenchmarkReplayInProcess measures the serf's side of a replay with no
// process boundary:
//
//   - compute: each event poked into the counter kernel and the new
//     kernel's mug taken, as the serf does per replayed event — the
//     "in-process compute rate" a replay through the king is held to;
//   - poke: the same without the mugs;
//   - play: serf.Run on in-process pipes answering %play writs of 500
//     events, jammed outside the timer — compute plus cueing the writs.
func BenchmarkReplayInProcess(b *testing.B) {
	n := replayEvents(b)
	compute := func(mug bool) func(b *testing.B) {
		return func(b *testing.B) {
			ctx := context.Background()
			for range b.N {
				b.StopTimer()
				it := nock.New(nock.Config{})
				kernel, err := it.Boot(ctx, kernels.Counter().BootList())
				require.NoError(b, err)
				for from := 0; from < n; from += replayChunk {
					b.StopTimer()
					jobs := replayJobs(from, min(replayChunk, n-from))
					b.StartTimer()
					for _, job := range jobs {
						_, next, err := it.Poke(ctx, kernel, job)
						if err != nil {
							b.Fatal(err)
						}
						kernel = next
						if mug {
							_ = noun.Mug(kernel)
						}
					}
				}
			}
			reportRate(b, n)
		}
	}
	b.Run("compute", compute(true))
	b.Run("poke", compute(false))
	b.Run("play", func(b *testing.B) {
		const batch = 500
		for range b.N {
			b.StopTimer()
			p := runInProcessB(b)
			eve := uint64(1) // the counter pill's boot sequence is one event
			for from := 0; from < n; from += replayChunk {
				b.StopTimer()
				jobs := replayJobs(from, min(replayChunk, n-from))
				var frames [][]byte
				for lo := 0; lo < len(jobs); lo += batch {
					part := jobs[lo:min(lo+batch, len(jobs))]
					frames = append(frames, noun.Jam(ipc.Play{Eve: eve + 1, Events: part}.Noun()))
					eve += uint64(len(part))
				}
				b.StartTimer()
				for _, f := range frames {
					require.NoError(b, p.w.WriteFrame(f))
					pl, err := p.r.ReadPlea()
					require.NoError(b, err)
					if _, ok := pl.(ipc.PlayDone); !ok {
						b.Fatalf("want a %%play %%done, got %s", pl)
					}
				}
			}
			b.StopTimer()
		}
		reportRate(b, n)
	})
}

// reportRate reports events/s and µs/event for b.N replays of n events.
func reportRate(b *testing.B, n int) {
	evs := float64(n) * float64(b.N)
	b.ReportMetric(evs/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/evs, "µs/event")
}

// BenchmarkCuePlay is the serf's cue of one %play writ of 500 replayed
// events, per event: the part of a replay's cost that the in-process
// compute rate does not include.
func BenchmarkCuePlay(b *testing.B) {
	const batch = 500
	frame := noun.Jam(ipc.Play{Eve: 2, Events: replayJobs(1000, batch)}.Noun())
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := noun.Cue(frame); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/batch, "ns/event")
}
