package king

import (
	"context"
	"iter"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// events yields events from..to with the atom i as the job of event i.
func events(from, to uint64) iter.Seq2[ReplayEvent, error] {
	return func(yield func(ReplayEvent, error) bool) {
		for i := from; i <= to; i++ {
			if !yield(ReplayEvent{Num: i, Job: noun.Atom(i)}, nil) {
				return
			}
		}
	}
}

// numbered yields jobs numbered from first.
func numbered(first uint64, jobs []noun.Noun) iter.Seq2[ReplayEvent, error] {
	return func(yield func(ReplayEvent, error) bool) {
		for i, j := range jobs {
			if !yield(ReplayEvent{Num: first + uint64(i), Job: j}, nil) {
				return
			}
		}
	}
}

// jobs returns n distinct jobs.
func jobs(n int) []noun.Noun {
	out := make([]noun.Noun, n)
	for i := range out {
		out[i] = noun.T(noun.Atom(uint64(i)), noun.Path("job"), noun.Atom(uint64(i)))
	}
	return out
}

// runWorks runs the jobs through Run with depth in flight and returns the
// results in the order their callbacks came.
func runWorks(t testing.TB, s *Serf, js []noun.Noun, depth int) []WorkResult {
	t.Helper()
	reqs := make(chan Request)
	var results []WorkResult
	errc := make(chan error, 1)
	go func() {
		errc <- s.Run(context.Background(), reqs, RunOptions{MaxInFlight: depth})
	}()
	for _, j := range js {
		reqs <- Work{Job: j, Done: func(r WorkResult) { results = append(results, r) }}
	}
	close(reqs)
	require.NoError(t, <-errc)
	return results
}
