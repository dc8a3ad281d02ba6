package nock

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// TestMemoCacheModel checks the LRU cache against a simple model: a slice
// of keys, most recently used first.
func TestMemoCacheModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		size := rapid.IntRange(1, 5).Draw(t, "size")
		m := newMemoCache(size)
		var model []uint64 // keys, most recently used first
		touch := func(k uint64) {
			for i, x := range model {
				if x == k {
					model = append(model[:i], model[i+1:]...)
					break
				}
			}
			model = append([]uint64{k}, model...)
		}
		// Subjects collide on purpose: a few distinct keys, some built as
		// cells so structural comparison matters.
		key := func(k uint64) (noun.Noun, noun.Noun) {
			return noun.Cell(noun.Atom(k%3), noun.Atom(k)), noun.Atom(k % 2)
		}
		for range rapid.IntRange(1, 60).Draw(t, "ops") {
			k := rapid.Uint64Range(0, 8).Draw(t, "key")
			s, f := key(k)
			inModel := false
			for _, x := range model {
				inModel = inModel || x == k
			}
			if rapid.Bool().Draw(t, "get?") {
				v, ok := m.get(s, f)
				require.Equal(t, inModel, ok, "get %d", k)
				if ok {
					require.Equal(t, noun.Atom(k*10), v)
					touch(k)
				}
				continue
			}
			m.put(s, f, noun.Atom(k*10))
			if !inModel {
				touch(k)
				if len(model) > size {
					model = model[:size]
				}
			}
			require.Equal(t, len(model), m.len())
		}
		// The list runs from head to tail in model order.
		i := 0
		for e := m.head; e != nil; e = e.next {
			s, f := key(model[i])
			require.True(t, noun.Equal(s, e.subj) && noun.Equal(f, e.form))
			i++
		}
		require.Equal(t, len(model), i)
	})
}

func TestMemoCacheDisabled(t *testing.T) {
	require.Nil(t, newMemoCache(0))
	require.Equal(t, 0, (*memoCache)(nil).len())
}
