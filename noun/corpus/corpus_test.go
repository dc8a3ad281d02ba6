package corpus

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

func TestEvents(t *testing.T) {
	a := Events(1, 300)
	b := Events(1, 300)
	c := Events(2, 300)
	require.Len(t, a, 300)
	require.Equal(t, noun.Jam(List(a)), noun.Jam(List(b)), "same seed, same events")
	require.NotEqual(t, noun.Jam(List(a)), noun.Jam(List(c)), "another seed, other events")
	var prev []uint64
	for i, e := range a {
		now, ovum, ok := e.Uncell()
		require.True(t, ok, "event %d is a cell", i)
		ws := now.Words()
		require.Len(t, ws, 2, "now is a 128-bit @da")
		if prev != nil {
			require.Equal(t, prev[0]+1<<48, ws[0], "events are 2^48 apart")
		}
		prev = ws
		wire, card, ok := ovum.Uncell()
		require.True(t, ok)
		require.True(t, wire.IsCell(), "wire is a path")
		tag, _, ok := card.Uncell()
		require.True(t, ok)
		require.True(t, tag.IsAtom(), "card is tagged")
		require.Less(t, len(noun.Jam(e)), 400, "events are small")
	}
}

// TestShapes checks the generators on reduced sizes (the full sizes are
// checked when the noun benchmarks load them).
func TestShapes(t *testing.T) {
	m := noun.Jam(mixed(1, 2000))
	require.Equal(t, m, noun.Jam(mixed(1, 2000)), "mixed is deterministic")
	require.NotEqual(t, m, noun.Jam(mixed(2, 2000)), "seeds differ")
	require.Equal(t, m, noun.Jam(mustCue(t, m)))
	cellCount, refs := walkJam(m)
	require.Greater(t, refs, cellCount/20, "mixed shares subtrees")
	require.Greater(t, len(m), 100_000, "2000 arms are over 100 kB")

	c := noun.Jam(cells(1, 5000))
	require.Equal(t, c, noun.Jam(cells(1, 5000)), "cells is deterministic")
	cellCount, refs = walkJam(c)
	require.Greater(t, cellCount, 12_000, "three cells or so per record")
	require.Less(t, refs, cellCount/100, "cells are distinct")
	require.Equal(t, []string{"mixed", "cells", "events"}, Kinds())
}

func mustCue(t *testing.T, b []byte) noun.Noun {
	t.Helper()
	n, err := noun.Cue(b)
	require.NoError(t, err)
	return n
}

// walkJam counts the cells written in full (the noun's distinct cells) and
// the backrefs in a jam stream.
func walkJam(b []byte) (cells, refs int) {
	bit := func(i int) int {
		if i/8 >= len(b) {
			return 0
		}
		return int(b[i/8] >> (i % 8) & 1)
	}
	skipMat := func(pos int) int {
		c := 0
		for bit(pos+c) == 0 {
			c++
		}
		if c == 0 {
			return pos + 1
		}
		ln := 1 << (c - 1)
		for i := 0; i < c-1; i++ {
			ln |= bit(pos+c+1+i) << i
		}
		return pos + 2*c + ln
	}
	pos, todo := 0, 1
	for todo > 0 {
		todo--
		switch {
		case bit(pos) == 0:
			pos = skipMat(pos + 1)
		case bit(pos+1) == 0:
			cells++
			todo += 2
			pos += 2
		default:
			refs++
			pos = skipMat(pos + 2)
		}
	}
	return cells, refs
}
