package noun

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestCueManyBigAtoms decodes lists of two-word and wider atoms, long
// enough to fill several chunks of entries and of pairs, on the small,
// ordinary-slab and cueSlab paths, with backrefs to atoms in every chunk.
func TestCueManyBigAtoms(t *testing.T) {
	for _, n := range []int{3, 40, 300, 3000} {
		var atoms, list []Noun
		for i := range n {
			ws := []uint64{uint64(i), 0x8000000d2e8c7380}
			if i%7 == 3 {
				ws = append(ws, uint64(i)+1) // three words: not a pair
			}
			atoms = append(atoms, AtomWords(ws))
			list = append(list, Cell(atoms[i], atoms[i/2])) // atoms[i/2] is a backref once i >= 1
		}
		want := List(list...)
		b := Jam(want)
		got, err := Cue(b)
		require.NoError(t, err, "%d atoms", n)
		require.True(t, Equal(want, got), "%d atoms", n)
		require.Equal(t, b, Jam(got), "%d atoms", n)
	}
}

// TestCueBigsFind checks the chunked store's lookup at, between and
// around the offsets it holds, across chunk boundaries.
func TestCueBigsFind(t *testing.T) {
	var s cueBigs
	s.start(nil, bigPairChunk)
	const n = 5000
	for i := range n {
		p := s.pair()
		p.w = [2]uint64{uint64(i), 1}
		p.words = p.w[:]
		s.add(uint64(10*i+5), Noun{p: unsafe.Pointer(&p.bigAtom), v: tagBig})
	}
	require.Greater(t, len(s.chunks), 3)
	for i := range n {
		got, ok := s.find(uint64(10*i + 5))
		require.True(t, ok, "atom %d", i)
		require.Equal(t, []uint64{uint64(i), 1}, got.Words())
		for _, miss := range []uint64{uint64(10 * i), uint64(10*i + 4), uint64(10*i + 6)} {
			_, ok := s.find(miss)
			require.False(t, ok, "offset %d", miss)
		}
	}
	var empty cueBigs
	_, ok := empty.find(0)
	require.False(t, ok)
}
