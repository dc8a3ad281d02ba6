package noun

import (
	"math"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestMugPairMatchesWord checks the unrolled cell hash against the general
// word hash over the same 5 to 8 bytes.
func TestMugPairMatchesWord(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hm := rapid.Uint32Range(1, 1<<31-1).Draw(t, "hm")
		var tm uint32
		switch rapid.IntRange(0, 3).Draw(t, "width") {
		case 0:
			tm = rapid.Uint32Range(1, 0xff).Draw(t, "tm")
		case 1:
			tm = rapid.Uint32Range(0x100, 0xffff).Draw(t, "tm")
		case 2:
			tm = rapid.Uint32Range(0x10000, 0xffffff).Draw(t, "tm")
		default:
			tm = rapid.Uint32Range(0x1000000, 1<<31-1).Draw(t, "tm")
		}
		n := 4 + (bits.Len32(tm)+7)/8
		require.Equal(t, mumWord(cellSeed, cellFallback, uint64(hm)|uint64(tm)<<32, n), mugPair(hm, tm))
	})
}

// TestSmallAtomMugs checks the table of small atom mugs against the hash.
func TestSmallAtomMugs(t *testing.T) {
	for v := uint64(0); v < 300; v++ {
		require.Equal(t, mumWord(atomSeed, atomFallback, v, (bits.Len64(v)+7)/8), mugWord(v), "atom %d", v)
	}
}

// TestMugWalkCounts checks the counts mugWalk reports, which decide
// whether Jam counts occurrences first.
func TestMugWalkCounts(t *testing.T) {
	shared := T(Atom(1), Atom(2))
	n := T(shared, shared, Cord("x")) // [shared [shared %x]]
	m, hashed, cached, done := mugWalk(n.cell(), math.MaxInt)
	require.True(t, done)
	require.Equal(t, Mug(rebuild(n)), m)
	require.Equal(t, 3, hashed, "outer, inner and shared")
	require.Equal(t, 1, cached, "the second reference to shared")
	// Everything is cached now: nothing is hashed again.
	m2, hashed, cached, done := mugWalk(n.cell(), math.MaxInt)
	require.True(t, done)
	require.Equal(t, m, m2)
	require.Zero(t, hashed)
	require.Zero(t, cached)
}
