package dill

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kingserf/king/noun"
)

// Run is one styled piece of a %klr stub: (pair styl (list @c)).
type Run struct {
	Style Style
	Text  []rune
}

// Style is a stub's styl, [deco=(set deco) back=tint fore=tint].
type Style struct {
	// Deco are the decorations, in this order: "br" (bright, shown bold),
	// "un" (underline), "bl" (blink).
	Deco []string
	// Back and Fore are the background and foreground colours.
	Back, Fore Tint
}

// Tint is a colour: none (the terminal's default), one of the eight
// named ones, or (in later Arvos) 24-bit [r g b].
type Tint struct {
	// Name is 'k', 'r', 'g', 'y', 'b', 'm', 'c' or 'w'; 0 for none or RGB.
	Name byte
	// RGB is set for a 24-bit colour R, G, B.
	RGB     bool
	R, G, B uint8
}

// IsZero reports a plain style, shown without any escape sequence.
func (s Style) IsZero() bool {
	return len(s.Deco) == 0 && s.Back == (Tint{}) && s.Fore == (Tint{})
}

// SGR returns the ANSI Select Graphic Rendition sequence that sets the
// style, "" for a plain one: decorations (1 bold for %br, 4 underline for
// %un, 5 blink for %bl), then the background (4x or 48;2;r;g;b), then the
// foreground (3x or 38;2;r;g;b), as Urbit's runtime writes them.
func (s Style) SGR() string {
	if s.IsZero() {
		return ""
	}
	var ps []string
	for _, d := range s.Deco {
		switch d {
		case "br":
			ps = append(ps, "1")
		case "un":
			ps = append(ps, "4")
		case "bl":
			ps = append(ps, "5")
		}
	}
	if p := s.Back.param('4'); p != "" {
		ps = append(ps, p)
	}
	if p := s.Fore.param('3'); p != "" {
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(ps, ";") + "m"
}

// param is the SGR parameter of a tint, base '3' (foreground) or '4'
// (background); "" for none.
func (t Tint) param(base byte) string {
	if t.RGB {
		return fmt.Sprintf("%c8;2;%d;%d;%d", base, t.R, t.G, t.B)
	}
	if t.Name == 0 {
		return ""
	}
	digit := byte('9') // an unknown name: the default colour
	if i := strings.IndexByte("krgybmcw", t.Name); i >= 0 {
		digit = byte('0' + i)
	}
	return string([]byte{base, digit})
}

// sgrReset ends a styled run.
const sgrReset = "\x1b[0m"

// maxSetNodes bounds the nodes of a decoration set read from a stub.
const maxSetNodes = 64

// parseStub reads a stub, (list (pair styl (list @c))).
func parseStub(n noun.Noun) ([]Run, error) {
	items, err := noun.FromList(n)
	if err != nil {
		return nil, fmt.Errorf("not a list: %w", err)
	}
	runs := make([]Run, 0, len(items))
	for i, it := range items {
		styl, text, ok := it.Uncell()
		if !ok {
			return nil, fmt.Errorf("run %d is not [styl text]", i)
		}
		st, err := parseStyle(styl)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i, err)
		}
		cs, err := codePoints(text)
		if err != nil {
			return nil, fmt.Errorf("run %d: text: %w", i, err)
		}
		runs = append(runs, Run{Style: st, Text: cs})
	}
	return runs, nil
}

// parseStyle reads a styl, [deco back fore].
func parseStyle(n noun.Noun) (Style, error) {
	deco, rest, ok := n.Uncell()
	if !ok {
		return Style{}, errors.New("styl is not [deco back fore]")
	}
	back, fore, ok := rest.Uncell()
	if !ok {
		return Style{}, errors.New("styl is not [deco back fore]")
	}
	var st Style
	var err error
	if st.Deco, err = parseDecoSet(deco); err != nil {
		return Style{}, err
	}
	if st.Back, err = parseTint(back); err != nil {
		return Style{}, fmt.Errorf("back: %w", err)
	}
	if st.Fore, err = parseTint(fore); err != nil {
		return Style{}, fmt.Errorf("fore: %w", err)
	}
	return st, nil
}

// parseDecoSet reads a (set deco): a tree, ~ or [n l r].
func parseDecoSet(set noun.Noun) ([]string, error) {
	seen := map[string]bool{}
	stack := []noun.Noun{set}
	for nodes := 0; len(stack) > 0; nodes++ {
		if nodes > maxSetNodes {
			return nil, fmt.Errorf("deco set of more than %d nodes", maxSetNodes)
		}
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if t.IsZero() {
			continue
		}
		node, lr, ok := t.Uncell()
		l, r, ok2 := lr.Uncell()
		if !ok || !ok2 || !node.IsAtom() {
			return nil, errors.New("deco set is not a tree of atoms")
		}
		switch d := string(node.Bytes()); d {
		case "br", "un", "bl":
			seen[d] = true
		default:
			// An unknown decoration (or ~, "none") shows as nothing.
		}
		stack = append(stack, l, r)
	}
	var out []string
	for _, d := range []string{"br", "un", "bl"} {
		if seen[d] {
			out = append(out, d)
		}
	}
	return out, nil
}

// parseTint reads a tint: ~, a letter, or [r g b].
func parseTint(n noun.Noun) (Tint, error) {
	if n.IsZero() {
		return Tint{}, nil
	}
	if n.IsAtom() {
		v, ok := n.Word()
		if !ok || v > 0xff {
			return Tint{}, fmt.Errorf("tint %s is not a letter", clip(n))
		}
		return Tint{Name: byte(v)}, nil
	}
	r, gb, _ := n.Uncell()
	g, b, ok := gb.Uncell()
	if !ok {
		return Tint{}, errors.New("tint is not a letter or [r g b]")
	}
	var c [3]uint8
	for i, x := range []noun.Noun{r, g, b} {
		v, ok := x.Word()
		if !ok || !x.IsAtom() {
			return Tint{}, errors.New("tint [r g b] has a non-atom")
		}
		c[i] = uint8(v % 256) // as Urbit's runtime prints it
	}
	return Tint{RGB: true, R: c[0], G: c[1], B: c[2]}, nil
}

// styledText renders runs with their SGR sequences, each styled run
// followed by a reset.
func styledText(sb *strings.Builder, glyphs []glyph) {
	cur := ""
	for _, g := range glyphs {
		if g.sgr != cur {
			if cur != "" {
				sb.WriteString(sgrReset)
			}
			sb.WriteString(g.sgr)
			cur = g.sgr
		}
		sb.WriteString(printable(g.r))
	}
	if cur != "" {
		sb.WriteString(sgrReset)
	}
}

// printable is a code point as it may be written to a terminal: control
// characters (which would move the cursor or start an escape sequence)
// become U+FFFD.
func printable(r rune) string {
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
		return "\uFFFD"
	}
	return string(r)
}

// itoa is strconv.Itoa.
func itoa(i int) string { return strconv.Itoa(i) }
