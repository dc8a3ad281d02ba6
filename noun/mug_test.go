package noun

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestMugVectors(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.Mug {
		t.Run(tc.Noun, func(t *testing.T) {
			want, err := strconv.ParseUint(tc.Mug, 0, 32)
			require.NoError(t, err)
			n := mustRaw(t, tc.Raw)
			require.Equal(t, fmt.Sprintf("%#08x", want), fmt.Sprintf("%#08x", Mug(n)))
			// A second call answers from the cache with the same value.
			require.Equal(t, uint32(want), Mug(n))
			// So does a copy built by cue, whose mugs start uncached.
			back, err := Cue(Jam(n))
			require.NoError(t, err)
			require.Equal(t, uint32(want), Mug(back))
		})
	}
}

// TestMurmurWordMatchesBytes checks the word-specialized murmur against the
// byte-slice reference for every length and random contents.
func TestMurmurWordMatchesBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.Uint64().Draw(t, "v")
		n := rapid.IntRange(0, 8).Draw(t, "n")
		seed := rapid.Uint32().Draw(t, "seed")
		var buf [8]byte
		binary.LittleEndian.PutUint64(buf[:], v)
		if n < 8 {
			v &= 1<<(8*uint(n)) - 1
		}
		require.Equal(t, murmur3(buf[:n], seed), murmurWord(v, n, seed))
	})
}

// TestMugFallbackSeeds covers mum's retry loop: with a hash forced to fold
// to zero the loop moves on to the next seed.
func TestMugFallbackSeeds(t *testing.T) {
	data := []byte("retry")
	first := murmur3(data, atomSeed)
	require.NotZero(t, (first>>31)^(first&0x7fffffff))
	require.Equal(t, (first>>31)^(first&0x7fffffff), mum(atomSeed, atomFallback, data))
	var w uint64
	for i, c := range data {
		w |= uint64(c) << (8 * i)
	}
	require.Equal(t, mum(atomSeed, atomFallback, data), mumWord(atomSeed, atomFallback, w, len(data)))
}

// TestMugBuiltDifferently checks that equal nouns have equal mugs whether
// shared, rebuilt cell by cell, or decoded by cue, and whatever order their
// parts' mugs were first computed in.
func TestMugBuiltDifferently(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		fresh := rebuild(n)
		partial := rebuild(n)
		// Cache some inner mugs first in one copy.
		if h, tl, ok := partial.Uncell(); ok {
			Mug(tl)
			Mug(h)
		}
		want := Mug(n)
		require.Equal(t, want, Mug(fresh))
		require.Equal(t, want, Mug(partial))
		back, err := Cue(Jam(n))
		require.NoError(t, err)
		require.Equal(t, want, Mug(back))
	})
}

// TestMugCellsMatchDefinition recomputes a cell's mug from its definition
// (PROTOCOL.md §1.1) over the child mugs with the byte-slice murmur.
func TestMugCellsMatchDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		h, tl, ok := n.Uncell()
		if !ok {
			return
		}
		var buf [8]byte
		binary.LittleEndian.PutUint32(buf[:4], Mug(h))
		tm := Mug(tl)
		binary.LittleEndian.PutUint32(buf[4:], tm)
		size := 4
		for x := tm; x != 0; x >>= 8 {
			size++
		}
		require.Equal(t, mum(cellSeed, cellFallback, buf[:size]), Mug(n))
	})
}

// TestMurmurWordsMatchesBytes checks the in-place word hashing of big atoms
// against the byte-slice reference for every length remainder.
func TestMurmurWordsMatchesBytes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ws := rapid.SliceOfN(rapid.Uint64(), 1, 9).Draw(t, "words")
		n := rapid.IntRange(0, 8*len(ws)).Draw(t, "n")
		seed := rapid.Uint32().Draw(t, "seed")
		buf := make([]byte, 8*len(ws))
		for i, w := range ws {
			binary.LittleEndian.PutUint64(buf[8*i:], w)
		}
		require.Equal(t, murmur3(buf[:n], seed), murmurWords(ws, n, seed))
	})
}
