package noun

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// requireTinyAgrees checks the tiny path against the general one on in:
// every input the general path decodes (within the tiny path's size) the
// tiny path decodes too, to an equal noun; every input the general path
// rejects the tiny path declines.
func requireTinyAgrees(t require.TestingT, in []byte) {
	want, wantErr := cueBig(in)
	got, ok := cueTiny(in)
	if wantErr != nil {
		require.False(t, ok, "tiny path accepted %x, which fails with %v", in, wantErr)
		return
	}
	if len(in) > cueTinyBytes {
		require.False(t, ok, "tiny path took %d bytes", len(in))
		return
	}
	require.True(t, ok, "tiny path declined valid %x", in)
	require.True(t, Equal(want, got), "tiny path decoded %x differently", in)
}

func TestCueTinyMatchesBig(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var in []byte
		switch rapid.IntRange(0, 2).Draw(t, "kind") {
		case 0:
			in = Jam(genNoun().Draw(t, "n"))
		case 1:
			in = rapid.SliceOfN(rapid.Byte(), 1, cueTinyBytes+8).Draw(t, "bytes")
		default:
			// A valid jam with a byte changed: near misses of every rule.
			in = Jam(genNoun().Draw(t, "n"))
			i := rapid.IntRange(0, len(in)-1).Draw(t, "at")
			in[i] ^= rapid.ByteRange(1, 255).Draw(t, "xor")
		}
		requireTinyAgrees(t, in)
	})
}

// TestCueTinyCases covers the size limit, wide atoms, backrefs to each
// kind of noun, and hostile inputs the tiny path must decline.
func TestCueTinyCases(t *testing.T) {
	big := AtomWords([]uint64{1, 2})
	wide := AtomWords([]uint64{1, 2, 3, 4})
	shared := T(Cord("shared"), big)
	for name, n := range map[string]Noun{
		"atom":             Atom(42),
		"zero":             Zero,
		"two-word atom":    big,
		"four-word atom":   wide,
		"128-bit zero pad": T(big, big, big),
		"shared cell":      T(shared, shared, shared),
		"shared wide atom": T(wide, Cord("x"), wide),
		"repeated small":   T(Atom(1<<40), Atom(1<<40), Atom(1<<40)),
	} {
		in := Jam(n)
		got, ok := cueTiny(in)
		require.True(t, ok, name)
		require.True(t, Equal(n, got), name)
		requireTinyAgrees(t, in)
	}
	for _, size := range []int{cueTinyBytes - 1, cueTinyBytes, cueTinyBytes + 1} {
		// Lists of zeros whose jam is size bytes or just under: the
		// densest cells a valid input has.
		n := Zero
		for len(Jam(Cell(Zero, n))) <= size {
			n = Cell(Zero, n)
		}
		in := Jam(n)
		for len(in) < size {
			in = append(in, 0xff) // ignored after the noun
		}
		requireTinyAgrees(t, in)
		if size <= cueTinyBytes {
			_, ok := cueTiny(in)
			require.True(t, ok, "size %d", len(in))
		}
	}
	for _, h := range []string{
		"",                   // empty
		"01",                 // truncated cell
		"07",                 // backref to the enclosing cell at 0
		"5555555555555555",   // cells to the end
		"0000000000000000ff", // length prefix longer than the input
		"c5c8262701ff",       // valid, then garbage
		"1517b2d08559b861875f10545505",
	} {
		in, err := hex.DecodeString(h)
		require.NoError(t, err)
		requireTinyAgrees(t, in)
	}
}
