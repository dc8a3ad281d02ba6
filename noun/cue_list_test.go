package noun

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// listOf collects what CueList yields.
type listOf struct {
	heads [][]Noun
	elems []Noun
}

func (l *listOf) yield(heads []Noun, e Noun) bool {
	l.heads = append(l.heads, append([]Noun(nil), heads...))
	l.elems = append(l.elems, e)
	return true
}

// requireListed checks that CueList of jam gives Cue's noun and yields the
// elements of the list at depth 2, with the two heads above it.
func requireListed(t require.TestingT, n Noun) {
	jam := Jam(n)
	var got listOf
	back, err := CueList(jam, 2, got.yield)
	require.NoError(t, err)
	require.True(t, Equal(n, back))
	tag, rest, _ := n.Uncell()
	eve, list, _ := rest.Uncell()
	var want []Noun
	for h, t, ok := list.Uncell(); ok; h, t, ok = t.Uncell() {
		want = append(want, h)
	}
	require.Len(t, got.elems, len(want))
	for i := range want {
		require.True(t, Equal(want[i], got.elems[i]), "element %d", i)
		require.True(t, Equal(tag, got.heads[i][0]))
		require.True(t, Equal(eve, got.heads[i][1]))
	}
}

// TestCueListProperty: random lists of random nouns with heavy sharing,
// small inputs and big ones, lists whose rest is a backref.
func TestCueListProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		elems := rapid.SliceOfN(genNoun(), 0, 40).Draw(t, "elems")
		if rapid.Bool().Draw(t, "big") {
			// Past cueSmallBytes: the streaming decoder.
			elems = append(elems, AtomBytes(bytes.Repeat([]byte{7}, 1500)), One)
		}
		list := List(elems...)
		tag, eve := Cord("play"), genNoun().Draw(t, "eve")
		switch rapid.IntRange(0, 2).Draw(t, "shape") {
		case 1: // the whole list is a backref to the tag
			tag = list
		case 2: // the list's rest is a backref to the tag
			tag = List(elems[min(len(elems), 1):]...)
		}
		requireListed(t, T(tag, eve, list))
	})
}

// TestCueListEmptyAndShapes: no list, an empty list, atoms on the way.
func TestCueListEmptyAndShapes(t *testing.T) {
	for _, n := range []Noun{
		T(Cord("play"), Atom(1), Zero),
		Atom(7),
		Cell(One, Atom(2)),
		T(Cord("play"), Atom(1), Atom(9)),
	} {
		var got listOf
		back, err := CueList(Jam(n), 2, got.yield)
		require.NoError(t, err)
		require.True(t, Equal(n, back))
		require.Empty(t, got.elems, "%s", n)
	}
	_, err := CueList(Jam(One), 0, func([]Noun, Noun) bool { return true })
	require.Error(t, err)
	_, err = CueList(nil, 2, func([]Noun, Noun) bool { return true })
	require.ErrorIs(t, err, ErrCueEmpty)
}

// TestCueListStopsAndErrors: a consumer that stops, and an input that
// goes bad after some elements, in both decoders.
func TestCueListStopsAndErrors(t *testing.T) {
	for _, size := range []int{10, 2000} {
		var elems []Noun
		for i := range 200 {
			elems = append(elems, T(Atom(uint64(i)), AtomBytes(bytes.Repeat([]byte{9}, size/200+1)), Cord("ev")))
		}
		jam := Jam(T(Cord("play"), Atom(5), List(elems...)))
		n := 0
		_, err := CueList(jam, 2, func([]Noun, Noun) bool { n++; return n < 3 })
		require.ErrorIs(t, err, ErrCueStopped)
		require.Equal(t, 3, n)

		cut := jam[:len(jam)/2]
		_, want := Cue(cut)
		require.Error(t, want)
		var got listOf
		_, err = CueList(cut, 2, got.yield)
		require.Equal(t, want.Error(), err.Error())
		for i, e := range got.elems {
			require.True(t, Equal(elems[i], e), "element %d of a truncated input", i)
		}
	}
}
