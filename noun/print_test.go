package noun

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestStringForms(t *testing.T) {
	two64, _ := AtomBig(new(big.Int).Lsh(big.NewInt(1), 64))
	tests := []struct {
		name string
		n    Noun
		want string
	}{
		{"zero", Zero, "0"},
		{"one", One, "1"},
		{"single letter stays decimal", Cord("a"), "97"},
		{"below a thousand", Atom(999), "999"},
		{"thousand", Atom(1000), "1.000"},
		{"million", Atom(1000000), "1.000.000"},
		{"2^64", two64, "18.446.744.073.709.551.616"},
		{"max uint64", Atom(^uint64(0)), "18.446.744.073.709.551.615"},
		{"two-letter term", Cord("ab"), "%ab"},
		{"term", Cord("live"), "%live"},
		{"term with digits and hyphens", Cord("k141-a-"), "%k141-a-"},
		{"digits only are not a cord", Cord("90"), "12.345"},
		{"cord", Cord("Hello, world!"), "'Hello, world!'"},
		{"cord escapes", Cord(`it's a \ b`), `'it\'s a \\ b'`},
		{"capitalised word is a cord", Cord("Ab"), "'Ab'"},
		{"term starting with digit is a cord", Cord("1a"), "'1a'"},
		{"control byte is decimal", Cord("a\nb"), "6.425.185"},
		{"non-ascii is decimal", Cord("é"), "43.459"},
		{"cell", T(One, Atom(2)), "[1 2]"},
		{"tuple flattens", T(One, Atom(2), Atom(3)), "[1 2 3]"},
		{"head cell keeps brackets", Cell(T(One, Atom(2)), Atom(3)), "[[1 2] 3]"},
		{"protocol noun", T(Cord("live"), Cord("save"), Atom(42)), "[%live %save 42]"},
		{"list", List(Cord("d"), Cord("term"), Cord("1")), "[100 %term 49 0]"},
		{"nested", T(T(Zero, Zero), T(T(Zero, Zero), One, One), One, One), "[[0 0] [[0 0] 1 1] 1 1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, String(tt.n))
			require.Equal(t, tt.want, tt.n.String())
			back, err := Parse(tt.want)
			require.NoError(t, err)
			require.True(t, Equal(tt.n, back), "parse(print) = %s", Raw(back))
		})
	}
}

func TestRawForms(t *testing.T) {
	tests := []struct {
		n    Noun
		want string
	}{
		{Zero, "0"},
		{Atom(1000), "1000"},
		{Cord("live"), "1702259052"},
		{T(One, Atom(2), Atom(3)), "[1 [2 3]]"},
		{Cell(T(One, Atom(2)), Atom(3)), "[[1 2] 3]"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Raw(tt.n))
	}
}

func TestShortString(t *testing.T) {
	long := List(Atom(1), Atom(2), Atom(3), Atom(4), Atom(5), Atom(6), Atom(7), Atom(8), Atom(9))
	s := shortString(long, 10)
	require.True(t, strings.HasSuffix(s, "..."), s)
	require.Less(t, len(s), 20)
	require.Equal(t, "[1 2]", shortString(T(One, Atom(2)), 10))
}

// textNoun draws random nouns for the text round-trip properties: small
// and word-sized numbers, big atoms, terms, cords full of characters that
// need escaping, and cells that share subtrees.
func textNoun() *rapid.Generator[Noun] {
	return rapid.Custom(func(t *rapid.T) Noun {
		var pool []Noun
		var gen func(depth int) Noun
		gen = func(depth int) Noun {
			if len(pool) > 0 && rapid.IntRange(0, 9).Draw(t, "share") == 0 {
				return pool[rapid.IntRange(0, len(pool)-1).Draw(t, "shared")]
			}
			var n Noun
			if depth < 6 && rapid.IntRange(0, 2).Draw(t, "cell") > 0 {
				n = Cell(gen(depth+1), gen(depth+1))
			} else {
				n = textAtom().Draw(t, "atom")
			}
			pool = append(pool, n)
			return n
		}
		return gen(0)
	})
}

func textAtom() *rapid.Generator[Noun] {
	return rapid.OneOf(
		rapid.Map(rapid.Uint64Range(0, 300), Atom),
		rapid.Map(rapid.Uint64(), Atom),
		rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 40), AtomBytes),
		rapid.Map(rapid.StringMatching(`[a-z][a-z0-9-]{0,12}`), Cord),
		rapid.Map(rapid.StringMatching(`[ -~]{0,20}`), Cord),
	)
}

func TestPropertyParsePrint(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := textNoun().Draw(t, "n")
		for _, s := range []string{String(n), Raw(n)} {
			back, err := Parse(s)
			if err != nil {
				t.Fatalf("parse %q: %v", s, err)
			}
			if !Equal(n, back) {
				t.Fatalf("round trip of %q gave %s", s, Raw(back))
			}
		}
	})
}

// TestPrintParseDeep prints and parses nouns nested a million levels deep
// in the head (String) and in the tail (Raw): both directions run on
// explicit stacks, so neither can overflow the goroutine stack.
// TestPrintParseDeep prints and parses nouns nested a million levels deep
// in the head (String) and in the tail (Raw): both directions run on
// explicit stacks, so neither can overflow the goroutine stack. The parsed
// nouns are checked with plain loops, which keeps the test fast under the
// race detector.
func TestPrintParseDeep(t *testing.T) {
	const depth = 1000000
	left, right := Zero, Zero
	for i := 0; i < depth; i++ {
		left = Cell(left, One)
		right = Cell(One, right)
	}
	s := String(left)
	require.Equal(t, strings.Repeat("[", depth)+"0"+strings.Repeat(" 1]", depth), s)
	n, err := Parse(s)
	require.NoError(t, err)
	for i := 0; i < depth; i++ {
		h, tl, ok := n.Uncell()
		require.True(t, ok && tl == One, "level %d", i)
		n = h
	}
	require.Equal(t, Zero, n)

	s = Raw(right)
	require.Equal(t, strings.Repeat("[1 ", depth)+"0"+strings.Repeat("]", depth), s)
	n, err = Parse(s)
	require.NoError(t, err)
	for i := 0; i < depth; i++ {
		h, tl, ok := n.Uncell()
		require.True(t, ok && h == One, "level %d", i)
		n = tl
	}
	require.Equal(t, Zero, n)
}

func TestPrintParseBigAtom(t *testing.T) {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i*7 + 1)
	}
	n := AtomBytes(b)
	for _, s := range []string{String(n), Raw(n)} {
		back, err := Parse(s)
		require.NoError(t, err)
		require.True(t, Equal(n, back))
	}
}

func BenchmarkStringBigAtom(b *testing.B) {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*7 + 1)
	}
	n := AtomBytes(buf)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		_ = String(n)
	}
}

func BenchmarkStringDeepList(b *testing.B) {
	n := Zero
	for i := 0; i < 100000; i++ {
		n = Cell(Cord("term"), n)
	}
	for b.Loop() {
		_ = String(n)
	}
}

func BenchmarkParseDeepList(b *testing.B) {
	n := Zero
	for i := 0; i < 100000; i++ {
		n = Cell(Cord("term"), n)
	}
	s := String(n)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}
