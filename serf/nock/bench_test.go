package nock_test

import (
	"context"
	"fmt"
	"runtime/debug"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// decFormula is the naive decrement of issue 3: it counts up from 0 until
// the successor equals the subject.
const decFormula = "[8 [1 0] 8 [1 6 [5 [0 7] 4 0 6] [0 6] 9 2 [0 2] [4 0 6] 0 7] 9 2 0 1]"

// BenchmarkDecrement runs the naive decrement of 1,000,000 (target: under
// 100 ms per op) and reports the time per Nock step, once with Go's default
// collector setting and once with the serf process's (GOGC 400, set in
// cmd/king/serf.go), which is what a kernel actually runs with.
func BenchmarkDecrement(b *testing.B) {
	for _, gogc := range []int{100, 400} {
		b.Run(fmt.Sprintf("gogc=%d", gogc), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(gogc))
			benchDecrement(b)
		})
	}
}

func benchDecrement(b *testing.B) {
	formula := kingtest.MustParse(b, decFormula)
	it := nock.New(nock.Config{})
	ctx := context.Background()
	var steps uint64
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := it.Nock(ctx, noun.Atom(1_000_000), formula)
		require.NoError(b, err)
		require.Equal(b, noun.Atom(999_999), res)
		steps += it.Steps()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
	b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
	// On a shared machine wall time includes waiting for a core; the CPU
	// time of the process (all threads, so including the garbage
	// collector's) is the steadier figure.
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user and system CPU time the process has used, in
// nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkListLength measures non-tail recursion through frames: the
// length of a 100,000-element list as +($(l t.l)), one frame per element.
func BenchmarkListLength(b *testing.B) {
	const n = 100_000
	list := noun.Zero
	for i := range n {
		list = noun.Cell(noun.Atom(uint64(i)), list)
	}
	subject := noun.Cell(kingtest.MustParse(b, "[6 [3 0 3] [4 9 2 [0 2] [0 7]] [1 0]]"), list)
	formula := kingtest.MustParse(b, "[9 2 0 1]")
	it := nock.New(nock.Config{})
	ctx := context.Background()
	var steps uint64
	for b.Loop() {
		res, err := it.Nock(ctx, subject, formula)
		require.NoError(b, err)
		require.Equal(b, noun.Atom(n), res)
		steps += it.Steps()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
}
