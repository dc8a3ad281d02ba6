package serf_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/serf"
)

// BenchmarkProcessWork measures one %work round trip with the `king serf`
// process and the counter kernel: write the writ, compute, read the reply.
func BenchmarkProcessWork(b *testing.B) {
	c := startSerfB(b)
	var j jobs
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.send(ipc.Work{Job: j.job(tagged("x"))})
		if _, ok := c.recv().(ipc.WorkDone); !ok {
			b.Fatal("want a work done plea")
		}
	}
	b.StopTimer()
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// BenchmarkProcessWorkPipelined keeps 64 %work writs in flight, as a king
// pipelining events does.
func BenchmarkProcessWorkPipelined(b *testing.B) {
	c := startSerfB(b)
	var j jobs
	const window = 64
	b.ResetTimer()
	sent := 0
	for got := 0; got < b.N; got++ {
		for sent < b.N && sent-got < window {
			c.send(ipc.Work{Job: j.job(tagged("x"))})
			sent++
		}
		if _, ok := c.recv().(ipc.WorkDone); !ok {
			b.Fatal("want a work done plea")
		}
	}
	b.StopTimer()
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// BenchmarkInProcessWork is BenchmarkProcessWork with serf.Run on pipes in
// this process.
func BenchmarkInProcessWork(b *testing.B) {
	p := runInProcessB(b)
	var j jobs
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		require.NoError(b, p.w.WriteWrit(ipc.Work{Job: j.job(tagged("x"))}))
		pl, err := p.r.ReadPlea()
		require.NoError(b, err)
		if _, ok := pl.(ipc.WorkDone); !ok {
			b.Fatal("want a work done plea")
		}
	}
}

// startSerfB starts a booted counter serf process for a benchmark.
func startSerfB(b *testing.B) *child {
	b.Helper()
	c := startSerf(b, b.TempDir(), childOpts{})
	c.ripe()
	c.boot(pill(b, "counter"))
	return c
}

// runInProcessB starts a booted counter serf in this process.
func runInProcessB(b *testing.B) *inproc {
	b.Helper()
	p := runInProcess(b, context.Background(), serf.Config{Pier: b.TempDir()})
	pl, err := p.r.ReadPlea()
	require.NoError(b, err)
	require.IsType(b, ipc.Ripe{}, pl)
	require.NoError(b, p.w.WriteWrit(ipc.Play{Eve: 1, Events: pill(b, "counter")}))
	pl, err = p.r.ReadPlea()
	require.NoError(b, err)
	require.IsType(b, ipc.PlayDone{}, pl)
	return p
}

// BenchmarkServeWork is the serf's own CPU cost of one %work writ, with no
// pipe: Run reads b.N pre-framed writs from memory and writes its pleas to
// a discarding writer, so the figure is cue + decode + poke + mug + encode
// + jam + framing, and nothing of the operating system.
func BenchmarkServeWork(b *testing.B) {
	var in bytes.Buffer
	w := ipc.NewWriter(&in, ipc.Legacy)
	require.NoError(b, w.WriteWrit(ipc.Play{Eve: 1, Events: pill(b, "counter")}))
	var j jobs
	for range b.N {
		require.NoError(b, w.WriteWrit(ipc.Work{Job: j.job(tagged("x"))}))
	}
	require.NoError(b, w.WriteWrit(ipc.LiveExit{Code: 0}))
	var out countingWriter
	b.ReportAllocs()
	b.ResetTimer()
	code, err := serf.Run(context.Background(), serf.Config{In: &in, Out: &out, Framing: ipc.Legacy})
	b.StopTimer()
	require.NoError(b, err)
	require.Equal(b, 0, code)
	require.LessOrEqual(b, out.writes, b.N+2, "at most one write per plea")
}

// countingWriter discards what is written to it and counts the writes.
type countingWriter struct{ writes int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	return len(p), nil
}
