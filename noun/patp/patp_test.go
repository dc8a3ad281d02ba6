package patp

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// Vectors from Urbit's own @p renderings (urbit-ob's and urbit-hob's test
// suites, and ships well known in the docs).
var vectors = []struct {
	n    string // decimal
	name string
}{
	{"0", "~zod"},
	{"1", "~nec"},
	{"255", "~fes"},
	{"256", "~marzod"},
	{"65535", "~fipfes"},
	{"65536", "~dapnep-ronmyl"},
	{"14287616", "~rosmur-hobrem"},
	{"14287617", "~sallus-nodlut"},
	{"14287618", "~marder-mopdur"},
	{"14287619", "~laphec-savted"},
	{"15663360", "~nidsut-tomdun"},
	{"1624961343", "~sampel-palnet"},
	{"4294967295", "~dostec-risfen"},
	{"4294967296", "~doznec-dozzod-dozzod"},
}

func atom(t testing.TB, dec string) noun.Noun {
	b, ok := new(big.Int).SetString(dec, 10)
	require.True(t, ok)
	n, ok := noun.AtomBig(b)
	require.True(t, ok)
	return n
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		got, err := Format(atom(t, v.n))
		require.NoError(t, err)
		require.Equal(t, v.name, got, "format %s", v.n)
		back, err := Parse(v.name)
		require.NoError(t, err)
		require.True(t, noun.Equal(atom(t, v.n), back), "parse %s: got %s", v.name, back)
	}
	// The ~ is optional on input, as operators type ships.
	z, err := Parse("zod")
	require.NoError(t, err)
	require.True(t, z.IsZero())
}

// TestCometLayout checks the long form: groups of four words joined by a
// double hyphen, and comets (over 64 bits) are not scrambled.
func TestCometLayout(t *testing.T) {
	n := noun.AtomWords([]uint64{0x0100, 0x0001000000000000})
	got, err := Format(n)
	require.NoError(t, err)
	require.Equal(t, "~doznec-dozzod-dozzod-dozzod--dozzod-dozzod-dozzod-marzod", got)
	back, err := Parse(got)
	require.NoError(t, err)
	require.True(t, noun.Equal(n, back))
}

// TestRoundTrip: Parse inverts Format for every ship size, and fynd
// inverts fein over the planet range.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lo := rapid.Uint64().Draw(t, "lo")
		var hi uint64
		switch rapid.IntRange(0, 3).Draw(t, "size") {
		case 0:
			lo &= 0xffff
		case 1:
			lo &= 0xffffffff
		case 2:
		case 3:
			hi = rapid.Uint64Range(1, ^uint64(0)).Draw(t, "hi")
		}
		n := noun.AtomWords([]uint64{lo, hi})
		name, err := Format(n)
		require.NoError(t, err)
		back, err := Parse(name)
		require.NoError(t, err, name)
		require.True(t, noun.Equal(n, back), "%s: %s != %s", name, back, n)
		require.Equal(t, lo&0xffffffff, fynd(fein(lo&0xffffffff)))
	})
}

func TestBadNames(t *testing.T) {
	for _, s := range []string{
		"", "~", "~zad", "~zo", "~marzodx", "~dozzod", "~dozzod-marzod", "~zod-zod",
		"~marzod-", "~rosmur--hobrem", "~xyzmur-hobrem", "~rosmur-hobxyz",
		"~doznec-dozzod-dozzod-dozzod-dozzod-dozzod-dozzod-dozzod-marzod",
	} {
		_, err := Parse(s)
		require.ErrorIs(t, err, ErrBadName, "%q", s)
	}
	_, err := Format(noun.Cell(noun.Zero, noun.Zero))
	require.ErrorIs(t, err, ErrTooBig)
	_, err = Format(noun.AtomWords([]uint64{0, 0, 1}))
	require.ErrorIs(t, err, ErrTooBig)
}
