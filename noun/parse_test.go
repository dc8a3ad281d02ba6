package noun

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// textVectorsFile is the shared spec's vectors, relative to this package.
var textVectorsFile = filepath.Join("..", "..", "shared", "spec", "vectors.json")

// loadTextVectors reads vectors.json, skipping the test visibly when the
// shared spec is not checked out beside the repository.
func loadTextVectors(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(textVectorsFile)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIP: %s not found; the shared spec is not checked out beside the repository", textVectorsFile)
	}
	require.NoError(t, err)
	var v map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

func TestParseVectors(t *testing.T) {
	v := loadTextVectors(t)
	var checked int
	for _, section := range []string{"mug", "jam", "frames"} {
		var rows []struct {
			Noun string `json:"noun"`
			Raw  string `json:"raw"`
		}
		require.NoError(t, json.Unmarshal(v[section], &rows), section)
		require.NotEmpty(t, rows, section)
		for _, row := range rows {
			raw, err := Parse(row.Raw)
			require.NoError(t, err, "%s raw %q", section, row.Raw)
			require.Equal(t, row.Raw, Raw(raw), "%s: Raw(Parse(raw))", section)
			back, err := Parse(String(raw))
			require.NoError(t, err)
			require.True(t, Equal(raw, back), "%s: %q", section, String(raw))
			n, err := Parse(row.Noun)
			if err != nil {
				// Some vectors describe their noun in prose or arithmetic
				// ("2^64", "28 x 'x'"); only those may fail to parse.
				require.True(t, strings.ContainsAny(row.Noun, "^=") || strings.Contains(row.Noun, " x "),
					"%s: %q should parse: %v", section, row.Noun, err)
				continue
			}
			require.True(t, Equal(n, raw), "%s: %q and %q differ", section, row.Noun, row.Raw)
			checked++
		}
	}
	require.Greater(t, checked, 30)

	var kernel map[string]any
	require.NoError(t, json.Unmarshal(v["kernel_example"], &kernel))
	for _, key := range []string{"battery", "boot_list", "kernel_after_boot", "peek_sample", "peek_result"} {
		s, ok := kernel[key].(string)
		require.True(t, ok, key)
		n, err := Parse(s)
		require.NoError(t, err, key)
		require.Equal(t, s, Raw(n), key)
	}
}

func TestParseForms(t *testing.T) {
	big128, _ := new(big.Int).SetString("deadbeefcafebabe0123456789abcdef", 16)
	atom128, _ := AtomBig(big128)
	tests := []struct {
		in   string
		want Noun
	}{
		{"0", Zero},
		{"~", Zero},
		{"&", Zero},
		{"|", One},
		{"42", Atom(42)},
		{"1.000", Atom(1000)},
		{"12.345.678", Atom(12345678)},
		{"1000000", Atom(1000000)},
		{"18446744073709551615", Atom(^uint64(0))},
		{"0x0", Zero},
		{"0xff", Atom(255)},
		{"0x00ff", Atom(255)},
		{"0xdead.beef", Atom(0xdeadbeef)},
		{"0xDEADBEEF", Atom(0xdeadbeef)},
		{"0xdead.beef.cafe.babe.0123.4567.89ab.cdef", atom128},
		{"%a", Cord("a")},
		{"%live", Cord("live")},
		{"%k141-x", Cord("k141-x")},
		{"''", Zero},
		{"'a'", Cord("a")},
		{`'it\'s \\ ok'`, Cord(`it's \ ok`)},
		{`'\0a\7F'`, Cord("\n\x7f")},
		{"'é'", Cord("é")},
		{"[1 2]", T(One, Atom(2))},
		{"[1 2 3]", T(One, Atom(2), Atom(3))},
		{"[1 [2 3]]", T(One, Atom(2), Atom(3))},
		{"[[1 2] 3]", Cell(T(One, Atom(2)), Atom(3))},
		{" \t[ 1\n\n2\r\n]\n", T(One, Atom(2))},
		{"~[1]", List(One)},
		{"~[1 2 3]", List(One, Atom(2), Atom(3))},
		{"[%d %term '1' ~]", Path("d", "term", "1")},
		{"[~[1] ~]", T(List(One), Zero)},
		{"[[[1 2] [3 4]] 5]", Cell(Cell(T(One, Atom(2)), T(Atom(3), Atom(4))), Atom(5))},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := Parse(tt.in)
			require.NoError(t, err)
			require.True(t, Equal(tt.want, n), "got %s, want %s", Raw(n), Raw(tt.want))
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		want   string // a fragment of SyntaxError.Want
		got    string
	}{
		{"", 0, "a noun", "end of input"},
		{"   ", 3, "a noun", "end of input"},
		{"[", 1, "a noun", "end of input"},
		{"[]", 1, "a noun", "']'"},
		{"[1]", 2, "second element", "']'"},
		{"~[]", 2, "a noun", "']'"},
		{"[1 2", 4, "whitespace or ']'", "end of input"},
		{"[1 2 ", 5, "a noun", "end of input"},
		{"[1 2]]", 5, "end of input", "']'"},
		{"1 2", 2, "end of input", "'2'"},
		{"[[1 2][3 4]]", 6, "whitespace or ']'", "'['"},
		{"01", 0, "without leading zeros", "'0'"},
		{"0.123", 0, "without leading zeros", "'0'"},
		{"1234.567", 3, "at most 3 digits", "'4'"},
		{"1.23", 4, "exactly 3 decimal digits", "end of input"},
		{"1.2345", 5, "exactly 3 decimal digits", "'5'"},
		{"1.", 2, "exactly 3 decimal digits", "end of input"},
		{"0x", 2, "hex digit", "end of input"},
		{"0xg", 2, "hex digit", "'g'"},
		{"0x1.abc", 7, "exactly 4 hex digits", "end of input"},
		{"0x12345.6789", 6, "at most 4 digits", "'5'"},
		{"12ab", 2, "after an atom", "'a'"},
		{"%", 1, "lowercase letter", "end of input"},
		{"%Foo", 1, "lowercase letter", "'F'"},
		{"%foo_bar", 4, "after an atom", "'_'"},
		{"'abc", 4, "closing", "end of input"},
		{`'a\q'`, 3, "escape", "'q'"},
		{`'a\4'`, 3, "escape", "'4'"},
		{"'a\nb'", 2, "printable", `'\n'`},
		{"'a'b'", 3, "after an atom", "'b'"},
		{"@", 0, "a noun", "'@'"},
		{"\xff", 0, "a noun", "byte 0xff"},
		{"[1 2] x", 6, "end of input", "'x'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			require.Error(t, err)
			require.ErrorIs(t, err, ErrSyntax)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tt.offset, se.Offset, "error: %v", err)
			require.Contains(t, se.Want, tt.want, "error: %v", err)
			require.Equal(t, tt.got, se.Got, "error: %v", err)
			require.True(t, strings.HasPrefix(err.Error(), "noun: syntax error at offset "), err.Error())
		})
	}
}

func TestPropertyParseLongDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		first := rapid.ByteRange('1', '9').Draw(t, "first")
		ds := string(first) + string(rapid.SliceOfN(rapid.ByteRange('0', '9'), 0, 3000).Draw(t, "digits"))
		if rapid.Bool().Draw(t, "zeros") { // long runs of zeros stress the split
			ds += strings.Repeat("0", rapid.IntRange(0, 2000).Draw(t, "nzeros")) + "1"
		}
		n, err := Parse(ds)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := new(big.Int).SetString(ds, 10)
		want, _ := AtomBig(x)
		if !Equal(want, n) {
			t.Fatalf("Parse(%s...) differs from big.Int", ds[:10])
		}
		if Raw(n) != ds {
			t.Fatalf("Raw(Parse(%s...)) differs", ds[:10])
		}
	})
}

func ExampleParse() {
	n, err := Parse("[%live %save 1.000]")
	if err != nil {
		panic(err)
	}
	fmt.Println(n)
	fmt.Println(Raw(n))
	_, err = Parse("[%live %save")
	fmt.Println(err)
	// Output:
	// [%live %save 1.000]
	// [1702259052 [1702257011 1000]]
	// noun: syntax error at offset 12: want whitespace or ']', got end of input
}

func TestParseDeepUnclosed(t *testing.T) {
	const depth = 1000000
	_, err := Parse(strings.Repeat("[", depth) + "0")
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	require.Equal(t, depth+1, se.Offset)
	require.Equal(t, "end of input", se.Got)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0", "~", "&", "|", "1.000", "0xdead.beef", "%live", "'a\\'b\\0a'",
		"[1 2 3]", "[[1 2] 3]", "~[1 2]", "[%live %save 42]", " [ 1\n2 ] ",
		"[1", "01", "1.2", "0x1.abc", "'abc", "%", "[]",
		"[%ripe [1 141 4] 0 0]", "340282366920938463463374607431768211455",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("bad error for %q: %v", s, err)
			}
			return
		}
		for _, out := range []string{String(n), Raw(n)} {
			back, err := Parse(out)
			if err != nil {
				t.Fatalf("%q printed as %q which does not parse: %v", s, out, err)
			}
			if !Equal(n, back) {
				t.Fatalf("%q printed as %q which parses differently", s, out)
			}
		}
	})
}
