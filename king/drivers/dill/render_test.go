package dill

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// tape writes s as a (list @c) in noun text.
func tape(s string) string {
	if s == "" {
		return "~"
	}
	out := "~["
	for i, r := range s {
		if i > 0 {
			out += " "
		}
		out += noun.Raw(noun.Atom(uint64(r)))
	}
	return out + "]"
}

func TestRenderGolden(t *testing.T) {
	plain := "[~ ~ ~]"
	tests := []struct {
		name   string
		blits  string
		want   string
		line   string
		cursor int
	}{
		{"lin", "~[[%lin " + tape("> hi") + "]]", "\r> hi\x1b[K", "> hi", 4},
		{"lin then hop", "~[[%lin " + tape("> hi") + "] [%hop 2]]", "\r> hi\x1b[K\r\x1b[2C", "> hi", 2},
		{"hop 0", "~[[%hop 0]]", "\r", "", 0},
		{"mor is a newline", "~[[%lin " + tape("a") + "] [%mor ~] [%lin " + tape("b") + "]]",
			"\ra\x1b[K\r\n\rb\x1b[K", "b", 1},
		{"bel", "~[[%bel ~]]", "\a", "", 0},
		{"clr", "~[[%lin " + tape("x") + "] [%clr ~]]", "\rx\x1b[K\x1b[H\x1b[2J", "", 0},
		{"url", "~[[%lin " + tape("> ") + "] [%url 'http://x']]", "\r> \x1b[K\r\x1b[Khttp://x\r\n> ", "> ", 2},
		{"klr 2020 redraws the line",
			"~[[%lin " + tape("old line") + "] [%klr ~[[[[%br ~ ~] %r %w] " + tape("ab") + "] [" + plain + " " + tape("c") + "]]]]",
			"\rold line\x1b[K\r\x1b[1;41;37mab\x1b[0mc\x1b[K", "abc", 3},
		{"klr colours", "~[[%klr ~[[[[%un ~ ~] ~ %g] " + tape("u") + "] [[~ [1 2 3] [256 0 255]] " + tape("v") + "]]]]",
			"\r\x1b[4;32mu\x1b[0m\x1b[48;2;1;2;3;38;2;0;0;255mv\x1b[0m\x1b[K", "uv", 2},
		{"klr decoration set", "~[[%klr ~[[[[%un [%br ~ ~] [%bl ~ ~]] ~ ~] " + tape("z") + "]]]]",
			"\r\x1b[1;4;5mz\x1b[0m\x1b[K", "z", 1},
		{"later set: put nel wyp",
			"~[[%put " + tape("ab") + "] [%put " + tape("c") + "] [%nel ~] [%put " + tape("d") + "] [%wyp ~] [%put " + tape("e") + "]]",
			"abc\r\nd\r\x1b[Ke", "e", 1},
		{"later set: put over the line", "~[[%put " + tape("hello") + "] [%hop 1] [%put " + tape("E") + "]]",
			"hello\r\x1b[1CE", "hEllo", 2},
		{"later set: klr at the cursor", "~[[%put " + tape("ab") + "] [%klr ~[[[~ ~ %r] " + tape("c") + "]]]]",
			"ab\x1b[31mc\x1b[0m", "abc", 3},
		{"later set: hop x y", "~[[%hop [3 4]]]", "\x1b[5;4H", "", 3},
		{"later set: mor list", "~[[%mor ~[[%put " + tape("a") + "] [%nel ~] [%put " + tape("b") + "]]]]", "a\r\nb", "b", 1},
		{"control characters are not sent", "~[[%lin ~[27 91 50 74 104]]]", "\r\uFFFD[2Jh\x1b[K", "\x1b[2Jh", 5},
		{"bad blits skipped", "~[[%zap ~] [%lin 5] [%lin " + tape("ok") + "] [%hop [1 2 3]]]", "\rok\x1b[K", "ok", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			r := NewRenderer(&out, RendererOptions{})
			require.NoError(t, r.RenderNoun(kingtest.MustParse(t, tt.blits)))
			require.Equal(t, tt.want, out.String())
			require.Equal(t, tt.line, r.Line())
			require.Equal(t, tt.cursor, r.Cursor())
		})
	}
}

func TestPrintAboveRedrawsThePrompt(t *testing.T) {
	var out bytes.Buffer
	r := NewRenderer(&out, RendererOptions{})
	require.NoError(t, r.RenderNoun(kingtest.MustParse(t, "~[[%klr ~[[[~ ~ %g] "+tape("> ")+"]]] [%put "+tape("abc")+"] [%hop 3]]")))
	out.Reset()
	require.NoError(t, r.PrintAbove("slog line\nsecond\n"))
	require.Equal(t, "\r\x1b[Kslog line\r\nsecond\r\n\x1b[32m> \x1b[0mabc\r\x1b[3C", out.String())
	require.Equal(t, "> abc", r.Line())
	out.Reset()
	require.NoError(t, r.PrintAbove("bad \x1b[31m"))
	require.Equal(t, "\r\x1b[Kbad \uFFFD[31m\r\n\x1b[32m> \x1b[0mabc\r\x1b[3C", out.String())
	out.Reset()
	// Tabs (the console log's field separator) become spaces to the next
	// stop of 8 columns, on every line.
	require.NoError(t, r.PrintAbove("a\tb\n12345678\tc\t"))
	require.Equal(t, "\r\x1b[Ka       b\r\n12345678        c       \r\n\x1b[32m> \x1b[0mabc\r\x1b[3C", out.String())
	out.Reset()
	require.NoError(t, r.Finish())
	require.Equal(t, "\r\n", out.String())
	require.Equal(t, "", r.Line())
}

func TestRenderWriteError(t *testing.T) {
	r := NewRenderer(failWriter{}, RendererOptions{})
	require.Error(t, r.RenderNoun(kingtest.MustParse(t, "~[[%bel ~]]")))
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestParseBlitErrors(t *testing.T) {
	for _, bad := range []string{
		"5", "[%zap ~]", "[%lin 5]", "[%lin [1 2]]", "[%hop [1 [2 3]]]", "[%hop 0x1.0000.0000]",
		"[%sag 5]", "[%sag [[1 2] 3] 4]", "[%sav ~[%foo %txt] [1 2]]", "[%url [1 2]]", "[%url 0xff]",
		"[%klr 5]", "[%klr ~[[[~ ~] ~]]]", "[%klr ~[[[[1 2] ~ ~] ~]]]", "[%klr ~[[[~ ~ [1 2]] ~]]]",
		"[%mor 5]", "[%mor ~[[%zap ~]]]",
	} {
		_, err := ParseBlit(kingtest.MustParse(t, bad))
		require.ErrorIs(t, err, ErrBadBlit, bad)
	}
	_, errs := ParseBlits(kingtest.MustParse(t, "[[%bel ~] 5]"))
	require.Len(t, errs, 1)
	// Nesting of %mor is bounded.
	deep := kingtest.MustParse(t, "[%bel ~]")
	for range maxMorDepth + 2 {
		deep = noun.T(noun.Cord("mor"), deep, noun.Zero)
	}
	_, err := ParseBlit(deep)
	require.ErrorIs(t, err, ErrBadBlit)
}

func TestPutPath(t *testing.T) {
	good := []struct {
		path []string
		want string
	}{
		{[]string{"foo", "bar", "txt"}, "put/foo/bar.txt"},
		{[]string{"bar", "txt"}, "put/bar.txt"},
		{[]string{"txt"}, "put/.txt"},
		{[]string{"a", "b", "c", "d", "jam"}, "put/a/b/c/d.jam"},
	}
	for _, g := range good {
		got, err := PutPath("put", g.path)
		require.NoError(t, err)
		require.Equal(t, filepath.FromSlash(g.want), got)
	}
	for _, bad := range [][]string{nil, {""}, {"..", "txt"}, {"a/b", "txt"}, {"a", ".", "txt"}, {"x\x00", "txt"},
		{"x\n", "txt"}, {"\xff", "txt"}} {
		_, err := PutPath("put", bad)
		require.ErrorIs(t, err, ErrBadPutPath, "%q", bad)
	}
}

// blitEffect is the effect [[0 %term '1' ~] %blit blits] of event 1.
func blitEffect(t *testing.T, blits string) drivers.Effect {
	t.Helper()
	ef, err := drivers.ParseEffect(1, kingtest.MustParse(t, "[[0 %term '1' ~] %blit "+blits+"]"))
	require.NoError(t, err)
	return ef
}

// TestFilesWritesSagAndSav: the Files driver writes the files of %sag and
// %sav blits, inside %mor too, and nothing outside the put directory; a
// renderer draws nothing for them.
func TestFilesWritesSagAndSav(t *testing.T) {
	dir := t.TempDir()
	put := filepath.Join(dir, ".urb", "put")
	core, logs := observer.New(zapcore.InfoLevel)
	f := NewFiles(put, zap.New(core))
	blits := "~[[%sag ~[%foo %bar %jam] [1 2 3]] [%mor ~[[%sav ~[%hello %txt] 'hi there']]] [%sav ~['..' %txt] 'x']]"
	require.True(t, f.HandleEffect(blitEffect(t, blits)))
	b, err := os.ReadFile(filepath.Join(put, "foo", "bar.jam"))
	require.NoError(t, err)
	require.Equal(t, noun.Jam(kingtest.MustParse(t, "[1 2 3]")), b)
	b, err = os.ReadFile(filepath.Join(put, "hello.txt"))
	require.NoError(t, err)
	require.Equal(t, "hi there", string(b))
	require.Equal(t, 1, logs.FilterMessage("dill: not writing the file of a %sav").Len())
	require.Equal(t, 2, logs.FilterMessage("dill: wrote a kernel file").Len())
	_, err = os.Stat(filepath.Join(dir, ".urb", "txt"))
	require.True(t, os.IsNotExist(err), "nothing written outside put")

	// Blits with no file are not the driver's; nor are other effects.
	require.False(t, f.HandleEffect(blitEffect(t, "~[[%bel ~]]")))
	ef, err := drivers.ParseEffect(1, kingtest.MustParse(t, "[[0 %behn ~] %doze ~]"))
	require.NoError(t, err)
	require.False(t, f.HandleEffect(ef))

	// A renderer draws nothing for them.
	var out bytes.Buffer
	r := NewRenderer(&out, RendererOptions{})
	require.NoError(t, r.RenderNoun(kingtest.MustParse(t, blits)))
	require.Empty(t, out.String(), "file blits draw nothing")
}

func TestSlogText(t *testing.T) {
	leaf := noun.T(noun.Cord("leaf"), noun.Tape("hello"))
	require.Equal(t, "hello", SlogText(0, leaf, 80))
	require.Equal(t, ">> hello", SlogText(2, leaf, 80))
	require.Equal(t, ">>> hello", SlogText(9, leaf, 80))
	require.Contains(t, SlogText(0, noun.Atom(5), 80), "unprintable slog")
}

func FuzzParseBlits(f *testing.F) {
	for _, s := range []string{"~[[%lin ~[104 105]] [%mor ~]]", "~[[%klr ~[[[~ ~ %r] ~[97]]]]]", "~[[%hop [1 2]]]",
		"~[[%mor ~[[%put ~[97]] [%nel ~]]]]", "~[[%sag ~[%a %b] [1 2]]]"} {
		n, err := noun.Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(noun.Jam(n))
	}
	f.Fuzz(func(t *testing.T, jam []byte) {
		n, err := noun.Cue(jam)
		if err != nil {
			return
		}
		var out bytes.Buffer
		r := NewRenderer(&out, RendererOptions{})
		bs, _ := ParseBlits(n)
		var safe []Blit
		for _, b := range bs {
			if b.Tag != "sag" && b.Tag != "sav" {
				safe = append(safe, b)
			}
		}
		if err := r.Render(safe); err != nil {
			t.Fatal(err)
		}
	})
}
