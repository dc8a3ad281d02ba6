package dill

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

func beltStrings(bs []Belt) string {
	var out []string
	for _, b := range bs {
		out = append(out, b.String())
	}
	return strings.Join(out, ", ")
}

func TestDecoderKeys(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"text", "hi", `%txt "hi"`},
		{"utf-8", "né☺😀", `%txt "né☺😀"`},
		{"return cr", "\r", "%ret"},
		{"return lf", "\n", "%ret"},
		{"crlf is two returns", "\r\n", "%ret, %ret"},
		{"backspace del", "\x7f", "%bac"},
		{"backspace ^H", "\x08", "%bac"},
		{"ctrl a", "\x01", `%ctl 'a'`},
		{"ctrl c", "\x03", `%ctl 'c'`},
		{"ctrl z", "\x1a", `%ctl 'z'`},
		{"tab is ctrl i", "\t", `%ctl 'i'`},
		{"arrows", "\x1b[A\x1b[B\x1b[C\x1b[D", `%aro 'u', %aro 'd', %aro 'r', %aro 'l'`},
		{"ss3 arrows", "\x1bOA\x1bOD", `%aro 'u', %aro 'l'`},
		{"modified arrow", "\x1b[1;5C", `%aro 'r'`},
		{"delete", "\x1b[3~", "%del"},
		{"shift delete", "\x1b[3;2~", "%del"},
		{"other csi dropped", "\x1b[5~\x1b[H\x1b[15~x", `%txt "x"`},
		{"meta", "\x1bx", `%met 'x'`},
		{"meta upper", "\x1bX", `%met 'X'`},
		{"meta digit", "\x1b1", `%met '1'`},
		{"meta backspace", "\x1b\x7f", `%met '\x7f'`},
		{"esc esc x", "\x1b\x1bx", `%met 'x'`},
		{"text split by keys", "ab\x1b[Dc\rd", `%txt "ab", %aro 'l', %txt "c", %ret, %txt "d"`},
		{"nul and fs dropped", "a\x00\x1c\x1fb", `%txt "ab"`},
		{"stray continuation dropped", "a\x80b", `%txt "ab"`},
		{"bad lead dropped", "a\xffb\xc0c", `%txt "abc"`},
		{"truncated utf-8 then ascii", "\xe2\x98x", `%txt "x"`},
		{"overlong rejected", "\xe0\x80\x80z", `%txt "z"`},
		{"surrogate rejected", "\xed\xa0\x80z", `%txt "z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			require.Equal(t, tt.want, beltStrings(d.Feed([]byte(tt.in))))
		})
	}
}

func TestDecoderAcrossReads(t *testing.T) {
	var d Decoder
	require.Empty(t, d.Feed([]byte("\x1b")))
	require.Empty(t, d.Feed([]byte("[")))
	require.Equal(t, `%aro 'u'`, beltStrings(d.Feed([]byte("A"))))
	require.Empty(t, d.Feed([]byte("\xe2\x98")))
	require.Equal(t, `%txt "☺!"`, beltStrings(d.Feed([]byte("\xba!"))))
	require.Empty(t, d.Feed([]byte("\x1b[3")))
	require.Equal(t, "%del", beltStrings(d.Feed([]byte("~"))))
	require.Empty(t, d.Feed([]byte("\x1b")))
	require.Equal(t, `%met 'q'`, beltStrings(d.Feed([]byte("q"))), "ESC then a key typed apart is meta")
}

// TestDecoderSplitAnywhere: any split of an input into reads decodes to
// the same belts once consecutive text is joined.
func TestDecoderSplitAnywhere(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pieces := []string{"a", "Z", "☺", "😀", "\r", "\x7f", "\x03", "\t", "\x1b[A", "\x1b[3~", "\x1bOB", "\x1bm", "\x1b[1;2D"}
		var in []byte
		for _, i := range rapid.SliceOfN(rapid.IntRange(0, len(pieces)-1), 0, 40).Draw(t, "keys") {
			in = append(in, pieces[i]...)
		}
		var whole Decoder
		want := joinText(whole.Feed(in))
		var split Decoder
		var got []Belt
		rest := in
		for len(rest) > 0 {
			n := rapid.IntRange(1, len(rest)).Draw(t, "read")
			got = append(got, split.Feed(rest[:n])...)
			rest = rest[n:]
		}
		if beltStrings(joinText(got)) != beltStrings(want) {
			t.Fatalf("split reads decode to %s, whole to %s", beltStrings(got), beltStrings(want))
		}
	})
}

// joinText merges consecutive %txt belts.
func joinText(bs []Belt) []Belt {
	var out []Belt
	for _, b := range bs {
		if b.Kind == BeltTxt && len(out) > 0 && out[len(out)-1].Kind == BeltTxt {
			last := &out[len(out)-1]
			last.Text = append(append([]rune(nil), last.Text...), b.Text...)
			continue
		}
		out = append(out, b)
	}
	return out
}

func TestBeltNouns(t *testing.T) {
	tests := []struct {
		b    Belt
		want string
	}{
		{Belt{Kind: BeltTxt, Text: []rune("hi☺")}, "[%txt ~[104 105 9.786]]"},
		{Belt{Kind: BeltAro, Key: 'u'}, "[%aro %u]"},
		{Belt{Kind: BeltBac}, "[%bac ~]"},
		{Belt{Kind: BeltCtl, Key: 'c'}, "[%ctl 99]"},
		{Belt{Kind: BeltDel}, "[%del ~]"},
		{Belt{Kind: BeltMet, Key: 'x'}, "[%met 120]"},
		{Belt{Kind: BeltRet}, "[%ret ~]"},
	}
	for _, tt := range tests {
		want, err := noun.Parse(tt.want)
		require.NoError(t, err)
		require.True(t, noun.Equal(want, tt.b.Noun()), "%s: got %s", tt.b, tt.b.Noun())
	}
	ov := BeltOvum(Belt{Kind: BeltRet})
	want, err := noun.Parse("[[%d %term '1' ~] %belt %ret ~]")
	require.NoError(t, err)
	require.True(t, noun.Equal(want, ov), "got %s", ov)
	want, err = noun.Parse("[[%d %term '1' ~] %blew 80 24]")
	require.NoError(t, err)
	require.True(t, noun.Equal(want, BlewOvum(80, 24)))
	want, err = noun.Parse("[[%d %term '1' ~] %hail ~]")
	require.NoError(t, err)
	require.True(t, noun.Equal(want, HailOvum()))
}

func FuzzDecoder(f *testing.F) {
	for _, s := range []string{"hi", "\x1b[A", "\x1b[3~", "\xe2\x98\xba", "\x1b\x1b", "\x1b[1;5C", "\r\n\x7f\x03"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d Decoder
		for _, b := range d.Feed(in) {
			_ = b.Noun()
			if b.Kind == BeltTxt {
				for _, r := range b.Text {
					if r < 0x20 || r == 0x7f {
						t.Fatalf("control character %q in %%txt", r)
					}
				}
			}
		}
	})
}
