package noun

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// specVectors is the part of shared/spec/vectors.json these tests use.
type specVectors struct {
	Mug []struct {
		Noun string `json:"noun"`
		Raw  string `json:"raw"`
		Mug  string `json:"mug"`
	} `json:"mug"`
	Jam []struct {
		Noun string `json:"noun"`
		Raw  string `json:"raw"`
		Jam  string `json:"jam"`
	} `json:"jam"`
}

// loadVectors reads ../../shared/spec/vectors.json relative to the
// repository root (this package's parent), skipping visibly if absent.
func loadVectors(t *testing.T) specVectors {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	path := filepath.Join(filepath.Dir(file), "..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("SKIP: spec vectors not found at %s", path)
	}
	require.NoError(t, err)
	var v specVectors
	require.NoError(t, json.Unmarshal(data, &v))
	require.NotEmpty(t, v.Jam)
	require.NotEmpty(t, v.Mug)
	return v
}

// parseRaw parses the vectors' raw form: decimal atoms and brackets, where
// [a b c] is [a [b c]]. It is deliberately tiny and independent of the
// package's own text parser.
func parseRaw(s string) (Noun, error) {
	toks := strings.Fields(strings.NewReplacer("[", " [ ", "]", " ] ").Replace(s))
	n, rest, err := parseRawToks(toks)
	if err != nil {
		return Zero, err
	}
	if len(rest) != 0 {
		return Zero, fmt.Errorf("trailing tokens %v", rest)
	}
	return n, nil
}

func parseRawToks(toks []string) (Noun, []string, error) {
	if len(toks) == 0 {
		return Zero, nil, fmt.Errorf("unexpected end")
	}
	switch tok := toks[0]; tok {
	case "[":
		var items []Noun
		toks = toks[1:]
		for len(toks) > 0 && toks[0] != "]" {
			var n Noun
			var err error
			n, toks, err = parseRawToks(toks)
			if err != nil {
				return Zero, nil, err
			}
			items = append(items, n)
		}
		if len(toks) == 0 || len(items) < 2 {
			return Zero, nil, fmt.Errorf("bad cell")
		}
		return T(items...), toks[1:], nil
	case "]":
		return Zero, nil, fmt.Errorf("unexpected ]")
	default:
		x, ok := new(big.Int).SetString(tok, 10)
		if !ok {
			return Zero, nil, fmt.Errorf("bad atom %q", tok)
		}
		n, ok := AtomBig(x)
		if !ok {
			return Zero, nil, fmt.Errorf("negative atom %q", tok)
		}
		return n, toks[1:], nil
	}
}

func mustRaw(t *testing.T, s string) Noun {
	t.Helper()
	n, err := parseRaw(s)
	require.NoError(t, err, s)
	return n
}

func TestJamVectors(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range v.Jam {
		t.Run(tc.Noun, func(t *testing.T) {
			n := mustRaw(t, tc.Raw)
			want, err := hex.DecodeString(tc.Jam)
			require.NoError(t, err)
			require.Equal(t, want, Jam(n), "jam of %s", tc.Noun)
			got, err := Cue(want)
			require.NoError(t, err)
			require.True(t, Equal(n, got), "cue of %s", tc.Jam)
		})
	}
}

// TestJamProtocolExtra covers the PROTOCOL.md §1.2 vector that
// vectors.json does not carry: a 16-byte atom whose top word is small.
func TestJamProtocolExtra(t *testing.T) {
	a := AtomBytes([]byte{0, 0, 0, 0, 0, 0, 0x0c, 0xa8, 0xab, 0x60, 0xef, 0x2d, 0x0d, 0, 0, 0x80})
	want, err := hex.DecodeString("00020000000000001850" + "57c1de5b1a00000001")
	require.NoError(t, err)
	require.Equal(t, want, Jam(a))
	got, err := Cue(want)
	require.NoError(t, err)
	require.True(t, Equal(a, got))
}

// TestJamSharingIndependent checks that jam depends on structure only:
// a pointer-shared and a freshly built copy jam identically.
func TestJamSharingIndependent(t *testing.T) {
	shared := T(Atom(1), Atom(2))
	a := T(shared, shared, shared)
	b := T(T(Atom(1), Atom(2)), T(Atom(1), Atom(2)), T(Atom(1), Atom(2)))
	require.Equal(t, Jam(a), Jam(b))
}

// TestJamAtomBackrefRule checks the canonical atom rule at its boundary:
// an atom repeats as a backref exactly when it is wider than its first
// offset.
func TestJamAtomBackrefRule(t *testing.T) {
	tests := []struct {
		name string
		n    Noun
		refs int // backrefs expected in the stream
	}{
		// [a a]: a first written at offset 2 (bit-length 2).
		{"3 bits at offset 2 repeats as backref", T(Atom(4), Atom(4)), 1},
		{"2 bits at offset 2 is written again", T(Atom(3), Atom(3)), 0},
		{"cord repeats as backref", T(Cord("fast"), Cord("fast")), 1},
		{"big atom repeats as backref", T(AtomWords([]uint64{1, 1}), AtomWords([]uint64{1, 1})), 1},
		{"cell repeats as backref", T(T(Zero, Zero), T(Zero, Zero)), 1},
		{"zero never backrefs", T(Zero, Zero, Zero), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := countBackrefs(t, Jam(tc.n))
			require.Equal(t, tc.refs, got)
			back, err := Cue(Jam(tc.n))
			require.NoError(t, err)
			require.True(t, Equal(tc.n, back))
		})
	}
}

// countBackrefs walks a jam stream with a reader written independently of
// Cue and counts its backrefs.
func countBackrefs(t *testing.T, b []byte) int {
	t.Helper()
	bit := func(i int) int { return int(b[i/8] >> (i % 8) & 1) }
	pos, refs, todo := 0, 0, 1
	readMat := func() uint64 {
		c := 0
		for bit(pos) == 0 {
			c++
			pos++
		}
		pos++
		if c == 0 {
			return 0
		}
		ln := uint64(1) << (c - 1)
		for i := 0; i < c-1; i++ {
			ln |= uint64(bit(pos)) << i
			pos++
		}
		var v uint64
		for i := uint64(0); i < ln; i++ {
			if i < 64 {
				v |= uint64(bit(pos)) << i
			}
			pos++
		}
		return v
	}
	for todo > 0 {
		todo--
		switch {
		case bit(pos) == 0:
			pos++
			readMat()
		case bit(pos+1) == 0:
			pos += 2
			todo += 2
		default:
			pos += 2
			readMat()
			refs++
		}
	}
	return refs
}

func TestJamToWritesJam(t *testing.T) {
	n := T(Cord("fast"), Atom(7), T(Zero, One))
	var buf bytes.Buffer
	require.NoError(t, JamTo(&buf, n))
	require.Equal(t, Jam(n), buf.Bytes())
	require.Error(t, JamTo(failWriter{}, n))
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("write refused") }

// TestJamWideAtoms covers mat lengths around word boundaries.
func TestJamWideAtoms(t *testing.T) {
	for _, nbits := range []int{1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 4096, 70000} {
		x := new(big.Int).Lsh(big.NewInt(1), uint(nbits-1))
		x.Add(x, big.NewInt(12345))
		a, ok := AtomBig(x)
		require.True(t, ok)
		for _, n := range []Noun{a, T(a, a), T(Atom(5), a, T(a, Atom(uint64(nbits))))} {
			back, err := Cue(Jam(n))
			require.NoError(t, err, "bits=%d", nbits)
			require.True(t, Equal(n, back), "bits=%d", nbits)
		}
	}
}

// jamWith jams n by the way mode forces.
func jamWith(n Noun, mode jamMode) []byte {
	var j jammer
	j.run(n, mode)
	return j.w.bytes()
}

// jamTight jams n by the side path with a side table of two pages, which
// overflows (falling back to the mug path) for all but the smallest nouns.
func jamTight(n Noun) []byte {
	j := jammer{sideTight: true}
	j.run(n, jamSide)
	return j.w.bytes()
}

// TestJamFilterAgrees checks that the counting pass never changes the
// output: random nouns (fresh, partly pre-hashed, and decoded) jam to the
// same bytes with and without it, and round-trip.
func TestJamFilterAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		if rapid.Bool().Draw(t, "prehash part") {
			if h, _, ok := n.Uncell(); ok {
				Mug(h)
			}
		}
		exact := jamWith(rebuild(n), jamTables)
		require.Equal(t, exact, jamWith(rebuild(n), jamCounted))
		require.Equal(t, exact, jamWith(n, jamCounted))
		back, err := Cue(exact)
		require.NoError(t, err)
		require.True(t, Equal(n, back))
		require.Equal(t, exact, jamWith(back, jamCounted))
	})
}

// TestJamFilterLarge covers big nouns that take the counting path in Jam
// itself: many distinct cells, structural repeats built apart, shared
// subtrees, wide atoms repeated at every offset size, and a subtree whose
// mugs were cached before.
func TestJamFilterLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var parts []Noun
	for i := 0; i < 3000; i++ {
		var x Noun
		switch r.IntN(6) {
		case 0:
			x = T(Atom(uint64(r.IntN(5))), Atom(uint64(r.IntN(5)))) // repeats, built apart
		case 1:
			x = T(Atom(uint64(i)), Cord("distinct"), Atom(uint64(r.Uint32())))
		case 2:
			x = AtomWords([]uint64{uint64(r.IntN(3)), 1}) // repeated big atoms
		case 3:
			x = Atom(1<<uint(r.IntN(40)) + uint64(r.IntN(2))) // atoms of every width
		case 4:
			if len(parts) > 0 {
				x = parts[r.IntN(len(parts))] // shared
			}
		default:
			if len(parts) > 1 {
				x = T(parts[r.IntN(len(parts))], parts[r.IntN(len(parts))])
			}
		}
		parts = append(parts, x)
	}
	n := T(parts...)
	cached := T(parts[:1500]...)
	Mug(cached) // part of the noun below was hashed before
	mixed := T(n, cached, rebuild(n))
	for _, x := range []Noun{n, mixed, rebuild(mixed)} {
		want := jamWith(rebuild(x), jamTables)
		require.Equal(t, want, Jam(x))
		back, err := Cue(want)
		require.NoError(t, err)
		require.True(t, Equal(x, back))
		require.Equal(t, want, Jam(back))
	}
}

// TestAppendJam checks that AppendJam appends exactly Jam's bytes after
// what dst holds, for an atom, a tiny noun and one big enough to grow the
// jammer's buffer, into slices with and without room.
func TestAppendJam(t *testing.T) {
	big := make([]Noun, 5000)
	for i := range big {
		big[i] = T(Atom(uint64(i)), Atom(uint64(i*7)))
	}
	for _, n := range []Noun{Atom(0), Atom(1 << 40), T(Atom(1), Atom(2), Atom(1)), List(big...)} {
		want := Jam(n)
		for _, dst := range [][]byte{nil, []byte("head"), make([]byte, 3, 1<<16)} {
			prefix := append([]byte(nil), dst...)
			got := AppendJam(dst, n)
			require.Equal(t, append(prefix, want...), got)
		}
	}
}
