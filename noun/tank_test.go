package noun

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func tankLeaf(s string) Noun { return Cell(Cord("leaf"), Tape(s)) }

func tankRose(sep, open, close string, items ...Noun) Noun {
	return T(Cord("rose"), T(Tape(sep), Tape(open), Tape(close)), List(items...))
}

func tankPalm(sep, open, mid, close string, items ...Noun) Noun {
	return T(Cord("palm"), T(Tape(sep), Tape(open), Tape(mid), Tape(close)), List(items...))
}

// The expected layouts below were worked out by hand from ++win:re in
// hoon.hoon.
func TestRenderTank(t *testing.T) {
	abc := []Noun{tankLeaf("aaaa"), tankLeaf("bbbb"), tankLeaf("cccc")}
	tests := []struct {
		name  string
		tank  Noun
		width int
		want  []string
	}{
		{"leaf", tankLeaf("hello"), 80, []string{"hello"}},
		{"empty leaf", tankLeaf(""), 80, []string{""}},
		{"leaf exactly fits", tankLeaf("0123456789"), 10, []string{"0123456789"}},
		{"long leaf is boxed", tankLeaf("abcdefghijklmnopqrstuvwxyz"), 10, []string{
			`\/abcdef\/`,
			"  ghijkl",
			"  mnopqr",
			"  stuvwx",
			"  yz",
			`\/      \/`,
		}},
		{"control characters are dropped", tankLeaf("a\tb\x7fc\n"), 80, []string{"abc"}},
		{"widths count code points", tankLeaf("ééééééé"), 8, []string{"ééééééé"}},
		{"rose flat", tankRose(" ", "[", "]", tankLeaf("a"), tankLeaf("b")), 80, []string{"[a b]"}},
		{"rose with no items", tankRose(" ", "[", "]"), 80, []string{"[]"}},
		{"path-like rose", tankRose("/", "/", "", tankLeaf("d"), tankLeaf("term"), tankLeaf("1")), 80, []string{"/d/term/1"}},
		{"rose wraps", tankRose(" ", "[", "]", abc...), 10, []string{
			"[ aaaa",
			"  bbbb",
			"  cccc",
			"]",
		}},
		{"rose without open or close", tankRose(" ", "", "", abc...), 8, []string{
			"  aaaa",
			"  bbbb",
			"  cccc",
		}},
		{"nested roses", tankRose(" ", "[", "]", tankLeaf("aaaa"),
			tankRose(" ", "[", "]", tankLeaf("bbbb"), tankLeaf("cccc"), tankLeaf("dddd"))), 12, []string{
			"[ aaaa",
			"  [ bbbb",
			"    cccc",
			"    dddd",
			"  ]",
			"]",
		}},
		{"inner rose fits flat", tankRose(" ", "[", "]", tankLeaf("aaaaaaaa"),
			tankRose(" ", "[", "]", tankLeaf("b"), tankLeaf("c"))), 12, []string{
			"[ aaaaaaaa",
			"  [b c]",
			"]",
		}},
		{"indentation wraps modulo 2*(width/3)", tankRose(" ", "", "",
			tankRose(" ", "", "",
				tankRose(" ", "", "", tankLeaf("xxxxxxxx"), tankLeaf("y")))), 9, []string{
			"xxxxxxxx",
			"y",
		}},
		{"palm flat", tankPalm(" ", "%foo(", "", ")", tankLeaf("a"), tankLeaf("b")), 80, []string{"%foo(a b)"}},
		{"palm flat uses mid", tankPalm(".", "<", ":", ">", tankLeaf("a"), tankLeaf("b")), 80, []string{"<:a.b>"}},
		{"palm backstep", tankPalm(" ", "%foo", "", "", tankLeaf("aaaa"), tankLeaf("bbbb")), 10, []string{
			"%foo",
			"  aaaa",
			"bbbb",
		}},
		{"palm header joins blank indentation", tankPalm(" ", "%a", "", "", abc...), 10, []string{
			"%a  aaaa",
			"  bbbb",
			"cccc",
		}},
		{"palm with one item", tankPalm(" ", "%a", "", "", tankLeaf("aaaaaaaaaa")), 10, []string{
			"  %a",
			"aaaaaaaaaa",
		}},
		{"palm with no items", tankPalm(" ", "0123456789", "x", ""), 10, []string{"0123456789"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderTank(tt.tank, tt.width)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRenderTankErrors(t *testing.T) {
	tests := []struct {
		name string
		tank Noun
		msg  string
	}{
		{"atom", Atom(5), "noun: tag: want a cell (more fields), got atom 5"},
		{"unknown tag", T(Cord("plum"), Zero), "noun: tag: want tank tag %leaf, %palm or %rose, got atom %plum"},
		{"bad tape", T(Cord("leaf"), Atom(104), Atom(300), Zero), "noun: leaf.text[1]: want byte (an atom below 256), got atom 300"},
		{"bad item", tankRose(" ", "[", "]", tankLeaf("a"), Atom(3)), "noun: rose.items[1].tag: want a cell (more fields), got atom 3"},
		{"short format", T(Cord("rose"), T(Tape(" "), Tape("[")), Zero), "noun: rose.format.open[0]: want tape (a cell or ~), got atom 91"},
		{"nested path", tankPalm(" ", "", "", "", tankRose("", "", "", T(Cord("leaf"), Atom(7)))),
			"noun: palm.items[0].rose.items[0].leaf.text[0]: want tape (a cell or ~), got atom 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RenderTank(tt.tank, 80)
			require.ErrorIs(t, err, ErrDecode)
			require.EqualError(t, err, tt.msg)
		})
	}
	_, err := RenderTank(tankLeaf("x"), 7)
	require.ErrorIs(t, err, ErrTankWidth)
}

func TestRenderTankLimits(t *testing.T) {
	// Deep nesting is refused, not followed into a stack overflow.
	deep := tankLeaf("x")
	for i := 0; i < tankMaxDepth+10; i++ {
		deep = tankRose("", "", "", deep)
	}
	_, err := RenderTank(deep, 80)
	require.ErrorIs(t, err, ErrTankTooDeep)

	// A bad tank deep inside gets a path with its middle elided.
	bad := T(Cord("leaf"), Atom(7))
	for i := 0; i < 100; i++ {
		bad = tankRose("", "", "", bad)
	}
	_, err = RenderTank(bad, 80)
	require.EqualError(t, err, "noun: "+strings.Repeat("rose.items[0].", 6)+"(88 levels)."+
		strings.Repeat("rose.items[0].", 6)+"leaf.text[0]: want tape (a cell or ~), got atom 7")

	// Shared subtrees that expand exponentially are refused.
	wide := tankLeaf("x")
	for i := 0; i < 40; i++ {
		wide = tankRose(" ", "", "", wide, wide)
	}
	_, err = RenderTank(wide, 80)
	require.ErrorIs(t, err, ErrTankTooLarge)

	// So is a small tank whose layout would be enormous: a palm indents its
	// first item by twice its item count.
	items := make([]Noun, 3000)
	for i := range items {
		items[i] = tankLeaf("yyyyyyyyyy")
	}
	_, err = RenderTank(tankPalm(" ", "", "", "", items...), 80)
	require.ErrorIs(t, err, ErrTankTooLarge)
}

func TestRenderTang(t *testing.T) {
	tang := List(tankLeaf("first"), tankRose(" ", "[", "]", tankLeaf("a"), tankLeaf("b")))
	got, err := RenderTang(tang, 80)
	require.NoError(t, err)
	require.Equal(t, []string{"first", "[a b]"}, got)

	flopped, err := Flop(tang)
	require.NoError(t, err)
	got, err = RenderTang(flopped, 80)
	require.NoError(t, err)
	require.Equal(t, []string{"[a b]", "first"}, got)

	got, err = RenderTang(Zero, 80)
	require.NoError(t, err)
	require.Empty(t, got)

	_, err = RenderTang(List(tankLeaf("ok"), Atom(9)), 80)
	require.EqualError(t, err, "noun: [1].tag: want a cell (more fields), got atom 9")
	_, err = RenderTang(T(tankLeaf("ok"), Atom(9)), 80)
	require.EqualError(t, err, "noun: [1]: want list (a cell or ~), got atom 9")
	_, err = RenderTang(List(tankLeaf("ok")), 3)
	require.ErrorIs(t, err, ErrTankWidth)

	// One big tank repeated in a tang still counts for every use: this
	// palm backsteps 1200 items into about 1.45 MB of lines.
	items := make([]Noun, 1200)
	for i := range items {
		items[i] = tankLeaf("zzzzzzzzzz")
	}
	big := tankPalm(" ", "", "", "", items...)
	lines, err := RenderTang(List(big, big), 80)
	require.NoError(t, err)
	require.Greater(t, len(lines), 2400) // items indented near the width get boxed
	_, err = RenderTang(List(big, big, big), 80)
	require.ErrorIs(t, err, ErrTankTooLarge)
}

// Lines never exceed the width unless a single unbreakable header or
// deep indentation forces it; in particular, flat tanks that fit are one
// line and rendering never fails on well-formed tanks.
func TestPropertyRenderTank(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		width := rapid.IntRange(8, 100).Draw(t, "width")
		var gen func(depth int) Noun
		gen = func(depth int) Noun {
			if depth > 3 || rapid.IntRange(0, 2).Draw(t, "kind") == 0 {
				return tankLeaf(rapid.StringMatching(`[a-z ]{0,30}`).Draw(t, "text"))
			}
			n := rapid.IntRange(0, 4).Draw(t, "n")
			items := make([]Noun, n)
			for i := range items {
				items[i] = gen(depth + 1)
			}
			if rapid.Bool().Draw(t, "palm") {
				return tankPalm(" ", "%p", "", "", items...)
			}
			return tankRose(" ", "[", "]", items...)
		}
		tank := gen(0)
		lines, err := RenderTank(tank, width)
		if err != nil {
			t.Fatalf("render: %v", err)
		}
		if len(lines) == 0 {
			t.Fatalf("no lines")
		}
		d := tankDecoder{}
		node, err := d.decode(tank, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if node.flat <= width && (len(lines) != 1 || len([]rune(lines[0])) != node.flat) {
			t.Fatalf("tank of flat length %d at width %d gave %q", node.flat, width, lines)
		}
	})
}

// Malformed tanks, made by grafting random nouns into good ones, give
// errors or lines but never panic; the same goes for the decoders.
func TestPropertyDecodersNeverPanic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		good := tankRose(" ", "[", "]", tankLeaf("abc"),
			tankPalm(".", "<", ":", ">", tankLeaf("d"), tankLeaf("éf")), tankLeaf(""))
		n := good
		for i := rapid.IntRange(0, 3).Draw(t, "grafts"); i > 0; i-- {
			axis := rapid.Uint64Range(2, 1<<12).Draw(t, "axis")
			if edited, ok := n.Edit(axis, textNoun().Draw(t, "graft")); ok {
				n = edited
			}
		}
		width := rapid.IntRange(0, 40).Draw(t, "width")
		_, _ = RenderTank(n, width)
		_, _ = RenderTang(n, width)
		_, _ = RenderTang(List(n, good), width)
		_, _ = FromList(n)
		_, _ = FromTape(n)
		_, _ = FromPath(n)
		_, _ = FromDa(n)
		_, _, _ = FromUnit(n)
		_, _ = FromLoob(n)
		_, _, _ = Tagged(n)
		_, _ = FromTerm(n)
		r := NewReader(n, "x")
		r.Tag()
		r.Sub("s").Loob("l")
		r.Da("d")
		r.Last().Path("p")
		_ = r.Err()
	})
}

func BenchmarkRenderTank(b *testing.B) {
	items := make([]Noun, 200)
	for i := range items {
		items[i] = tankRose(" ", "[", "]", tankLeaf("some"), tankLeaf("words"), tankLeaf(strings.Repeat("z", i%50)))
	}
	tank := tankRose(" ", "[", "]", items...)
	for b.Loop() {
		if _, err := RenderTank(tank, 80); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleRenderTank() {
	tank := tankRose(" ", "[", "]", tankLeaf("%crash"), tankLeaf("some long explanation"))
	for _, width := range []int{80, 25} {
		lines, _ := RenderTank(tank, width)
		fmt.Println(strings.Join(lines, "\n"))
	}
	// Output:
	// [%crash some long explanation]
	// [ %crash
	//   some long explanation
	// ]
}
