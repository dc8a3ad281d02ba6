package nock_test

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// heapNow is the size of this process's live heap, after a collection.
func heapNow() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestHeapLimit: a computation that keeps what it builds fails with %meme
// once the heap passes HeapLimit; one that allocates far more than the
// limit's headroom but keeps little of it runs to the end, since the
// limit, unlike MemoryBudget, measures what is live.
func TestHeapLimit(t *testing.T) {
	headroom := nock.HeapLookEvery

	s, f := consLoop(t)
	it := nock.New(nock.Config{HeapLimit: heapNow() + headroom})
	_, err := it.Nock(context.Background(), s, f)
	require.ErrorIs(t, err, nock.ErrMeme)
	var c *nock.Crash
	require.ErrorAs(t, err, &c)
	require.Contains(t, c.Reason, "past the limit")

	// Decrementing 1,000,000 builds a fresh subject per step and drops
	// the last one: more than the headroom in all, little of it at once.
	dec := kingtest.MustParse(t, decFormula)
	_, err = nock.New(nock.Config{MemoryBudget: headroom}).Nock(context.Background(), noun.Atom(1_000_000), dec)
	require.ErrorIs(t, err, nock.ErrMeme, "the decrement allocates more than the headroom")
	it = nock.New(nock.Config{HeapLimit: heapNow() + headroom})
	got, err := it.Nock(context.Background(), noun.Atom(1_000_000), dec)
	require.NoError(t, err)
	require.Equal(t, noun.Atom(999_999), got)
}
