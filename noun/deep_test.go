package noun

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const deepLevels = 1_000_000

// rightDeep returns [1 [2 [3 ... [n 0]]]], a list n long.
func rightDeep(n int) Noun {
	l := Zero
	for i := n; i >= 1; i-- {
		l = Cell(Atom(uint64(i)), l)
	}
	return l
}

// leftDeep returns [[[[0 1] 2] 3] ... n].
func leftDeep(n int) Noun {
	l := Zero
	for i := 1; i <= n; i++ {
		l = Cell(l, Atom(uint64(i)))
	}
	return l
}

// TestDeepNesting runs every operation that walks a noun over chains a
// million levels deep, both ways: a recursive walk would overflow the
// goroutine stack or take far too long.
func TestDeepNesting(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: million-level nouns in -short mode")
	}
	for _, tc := range []struct {
		name  string
		build func(int) Noun
	}{{"right-deep", rightDeep}, {"left-deep", leftDeep}} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.build(deepLevels)
			j := Jam(n)
			back, err := Cue(j)
			require.NoError(t, err)
			require.True(t, Equal(n, back))
			require.Equal(t, Mug(n), Mug(back))
		})
	}
}

// TestDeepDiffersAtBottom checks that Equal and Compare walk deep chains
// all the way down: the chains differ only in their last atom. (A tenth of
// the depth keeps the race-enabled suite fast; the walk is the same.)
func TestDeepDiffersAtBottom(t *testing.T) {
	const depth = deepLevels / 10
	for _, tc := range []struct {
		name  string
		build func(int) Noun
	}{{"right-deep", rightDeep}, {"left-deep", leftDeep}} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.build(depth)
			require.Equal(t, 0, Compare(n, tc.build(depth)))
			other := tc.build(depth - 1)
			require.False(t, Equal(n, other))
			c := Compare(n, other)
			require.NotEqual(t, 0, c)
			require.Equal(t, -c, Compare(other, n))
			require.NotEqual(t, Mug(n), Mug(other))
		})
	}
}

// TestDeepSlot reaches the bottom of a deep chain by axis.
func TestDeepSlot(t *testing.T) {
	n := rightDeep(100)
	// The 100th element is the head after 99 tails: an axis of 101 bits.
	got, ok := n.SlotAtom(deepTailAxis(99, false))
	require.True(t, ok)
	require.Equal(t, Atom(100), got)
	end, ok := n.SlotAtom(deepTailAxis(100, true))
	require.True(t, ok)
	require.True(t, end.IsZero())
	_, ok = n.SlotAtom(deepTailAxis(101, true))
	require.False(t, ok)
}

// deepTailAxis is the axis reached by taking the tail k times, then the
// head (or, if lastTail, nothing more).
func deepTailAxis(k int, lastTail bool) Noun {
	a := One
	for i := 0; i < k; i++ {
		a = shiftIn(a, 1)
	}
	if !lastTail {
		a = shiftIn(a, 0)
	}
	return a
}

func shiftIn(a Noun, bit uint) Noun {
	x := a.BigInt()
	x.Lsh(x, 1)
	if bit == 1 {
		x.SetBit(x, 0, 1)
	}
	n, _ := AtomBig(x)
	return n
}

// TestHugeAtom jams and cues an atom of 64 MiB.
func TestHugeAtom(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: 64 MiB atom in -short mode")
	}
	const size = 64 << 20
	ws := make([]uint64, size/8)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range ws {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		ws[i] = x
	}
	ws[len(ws)-1] |= 1 << 63
	a := AtomWords(ws)
	require.Equal(t, size*8, a.BitLen())
	j := Jam(a)
	back, err := Cue(j)
	require.NoError(t, err)
	require.True(t, Equal(a, back))
	// The atom and the pair sharing it both round-trip; the repeat is a
	// backref, so the jam grows by only a few bytes.
	pair := Cell(a, a)
	pj := Jam(pair)
	require.Less(t, len(pj), len(j)+16)
	pback, err := Cue(pj)
	require.NoError(t, err)
	require.True(t, Equal(pair, pback))
	require.Equal(t, Mug(a), Mug(back))
}
