package noun

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// cueBig decodes b the way Cue decodes inputs too big for scratch space,
// whatever its size.
func cueBig(b []byte) (Noun, error) {
	var d decoder
	d.init(b, make([]uint64, d.bufWords(b)))
	return d.run()
}

// TestCueSmallMatchesBig checks that the scratch path and the heap path
// decode every small input to equal nouns or to the same error.
func TestCueSmallMatchesBig(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var in []byte
		if rapid.Bool().Draw(t, "valid") {
			in = Jam(genNoun().Draw(t, "n"))
		} else {
			in = rapid.SliceOfN(rapid.Byte(), 1, 64).Draw(t, "bytes")
		}
		if len(in) > cueSmallBytes {
			return
		}
		want, wantErr := cueBig(in)
		got, err := Cue(in)
		if wantErr != nil {
			require.Error(t, err)
			require.Equal(t, wantErr.Error(), err.Error())
			return
		}
		require.NoError(t, err)
		require.True(t, Equal(want, got))
	})
}

// TestCueSmallKeepsNothing decodes many small nouns one after another and
// checks each result afterwards: a result that still pointed into the
// reused scratch space would have been overwritten by the later ones.
func TestCueSmallKeepsNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var src, got []Noun
	for i := 0; i < 500; i++ {
		n := growNoun(r, 1+r.IntN(40))
		in := Jam(n)
		if len(in) > cueSmallBytes {
			continue
		}
		back, err := Cue(in)
		require.NoError(t, err)
		src, got = append(src, n), append(got, back)
	}
	require.Greater(t, len(got), 100)
	for i := range got {
		require.True(t, Equal(src[i], got[i]), "noun %d", i)
		require.Equal(t, Jam(src[i]), Jam(got[i]))
	}
}

// TestCueSmallBoundaries covers inputs at the scratch size limit and
// hostile small inputs that open more cells than a valid noun of their
// size can have, which spill into heap slabs.
func TestCueSmallBoundaries(t *testing.T) {
	for _, size := range []int{cueSmallBytes - 1, cueSmallBytes, cueSmallBytes + 1} {
		// A list of zeros [0 0 ... 0] jammed to exactly size bytes or so.
		n := Zero
		for len(Jam(n)) < size {
			n = Cell(Zero, n)
		}
		in := Jam(n)
		back, err := Cue(in)
		require.NoError(t, err, "size %d", len(in))
		require.True(t, Equal(n, back))
	}
	// 0x55 bytes are all cell tags: 4096 cells opened in 1 KiB, then the
	// input ends.
	hostile := make([]byte, cueSmallBytes)
	for i := range hostile {
		hostile[i] = 0x55
	}
	_, err := Cue(hostile)
	require.ErrorIs(t, err, ErrCueTruncated)
	// Many cells closed by the tail: [[[... 0 0] 0] 0] nests heads,
	// the deepest shape a small input can have.
	deep := Zero
	for len(Jam(deep)) < cueSmallBytes-8 {
		deep = Cell(deep, Zero)
	}
	back, err := Cue(Jam(deep))
	require.NoError(t, err)
	require.True(t, Equal(deep, back))
}
