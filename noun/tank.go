package noun

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Errors of RenderTank and RenderTang besides *DecodeError.
var (
	// ErrTankWidth reports a width below the minimum of 8 columns.
	ErrTankWidth = errors.New("noun: tank width too small")
	// ErrTankTooDeep reports a tank nested deeper than 10,000 levels.
	ErrTankTooDeep = errors.New("noun: tank too deep")
	// ErrTankTooLarge reports a tank of more than 256 Ki nodes or 16 Mi
	// characters (counting a shared subtree once per use), a tank whose
	// rendering would exceed 4 Mi characters, or a tang whose rendering
	// would exceed 4 MiB.
	ErrTankTooLarge = errors.New("noun: tank too large")
)

// Limits that keep hostile tanks (for example a %slog from a misbehaving
// serf, whose shared subtrees jam compactly but expand exponentially) from
// exhausting the stack or memory.
const (
	tankMinWidth  = 8
	tankMaxDepth  = 10000
	tankMaxNodes  = 1 << 18
	tankMaxChars  = 1 << 24
	tankMaxOutput = 1 << 22
	tankFlatCap   = 1 << 40 // flat lengths saturate here
)

// RenderTank renders a tank to lines of at most width columns where it
// can, exactly as Urbit's ++wash does with tab 0 (hoon.hoon, ++win:re):
//
//   - [%leaf tape] prints its text; text longer than the line is cut into
//     a box of \/-bordered lines;
//   - [%rose [sep open close] items] prints flat as open, then the items'
//     flat forms joined by sep, then close, when that fits in the space
//     left on the line; otherwise open goes on its own line (or in the
//     blank indentation of the first item's first line), the items follow
//     indented 2 more than the rose (modulo 2*(width/3)), and close ends it;
//   - [%palm [sep open mid close] items] prints flat as open+mid, then the
//     items joined by sep, then close; when it does not fit, the items go
//     in backstep layout (the first item indented most, the last not at
//     all) with open in front of the first line.
//
// Widths are counted in Unicode code points after control characters are
// removed, as Urbit does. Where the reference printer would crash or loop
// (text indented to within 4 columns of the width, or past it) RenderTank
// prints the text unwrapped instead.
// %plum tanks are not supported. The width must be at least 8.
func RenderTank(tank Noun, width int) ([]string, error) {
	if width < tankMinWidth {
		return nil, fmt.Errorf("%w: %d (minimum %d)", ErrTankWidth, width, tankMinWidth)
	}
	d := tankDecoder{}
	t, err := d.decode(tank, nil, 0)
	if err != nil {
		return nil, err
	}
	w := tankWriter{edg: width}
	lines := w.win(t, 0, nil)
	if w.err != nil {
		return nil, w.err
	}
	var out []string
	for l := lines; l != nil; l = l.next {
		out = append(out, string(l.text))
	}
	return out, nil
}

// RenderTang renders each tank of a tang (a list of tanks) in list order,
// as Urbit's u3_pier_punt does, and returns all the lines. Urbit prints a
// crash report's tang reversed (u3_pier_punt_goof flops it, so the
// outermost frame comes first); use Flop first to print one that way.
func RenderTang(tang Noun, width int) ([]string, error) {
	tanks, err := FromList(tang)
	if err != nil {
		return nil, err
	}
	var (
		out  []string
		size int
	)
	for i, t := range tanks {
		lines, err := RenderTank(t, width)
		if err != nil {
			var de *DecodeError
			if errors.As(err, &de) {
				return nil, prefixDecodeError(itemPath(i), err)
			}
			return nil, fmt.Errorf("%s: %w", itemPath(i), err)
		}
		for _, l := range lines {
			size += len(l) + 1
		}
		if size > tankMaxOutput {
			// The same tank may appear many times in one tang.
			return nil, fmt.Errorf("%w: tang renders to more than %d bytes", ErrTankTooLarge, tankMaxOutput)
		}
		out = append(out, lines...)
	}
	return out, nil
}

// tankNode is a decoded tank. Text is kept as code points with control
// characters removed (++act:ug), since all widths count code points.
type tankNode struct {
	leaf bool   // a %leaf; text holds its text
	palm bool   // a %palm; otherwise, unless leaf, a %rose
	text []rune // leaf text
	// sep, open, mid and close are the palm's [p q r s] or the rose's
	// [p q r] (mid empty); the flat open is open followed by mid.
	sep, open, mid, close []rune
	kids                  []*tankNode
	flat                  int // length of the flat form, saturating at tankFlatCap
}

// tankDecoder decodes tanks, counting nodes and characters against
// tankMaxNodes and tankMaxChars.
type tankDecoder struct {
	nodes, chars int
}

// tankPath is where a tank sits in the tank being decoded: the item index
// within its parent palm or rose, or nil for the root. It is turned into a
// string only for an error, keeping deep decodes linear.
type tankPath struct {
	parent *tankPath
	kind   string // "palm" or "rose": the parent's kind
	item   int
}

// String renders the path, eliding the middle of very deep ones, e.g.
// "rose.items[0].palm.items[2]".
func (p *tankPath) String() string {
	var segs []string
	for q := p; q != nil; q = q.parent {
		segs = append(segs, q.kind+".items"+itemPath(q.item))
	}
	const keep = 6
	if len(segs) > 2*keep {
		elided := fmt.Sprintf("(%d levels)", len(segs)-2*keep)
		segs = append(append(segs[:keep:keep], elided), segs[len(segs)-keep:]...)
	}
	out := ""
	for i := len(segs) - 1; i >= 0; i-- {
		out = joinDecodePath(out, segs[i])
	}
	return out
}

func (d *tankDecoder) decode(n Noun, path *tankPath, depth int) (*tankNode, error) {
	if depth > tankMaxDepth {
		return nil, fmt.Errorf("%w: more than %d levels", ErrTankTooDeep, tankMaxDepth)
	}
	r := NewReader(n, "")
	t := &tankNode{}
	var items []Noun
	switch tag := r.Term("tag"); tag {
	case "":
	case "leaf":
		t.leaf = true
		t.text = d.tape(r.Last().Tape("leaf.text"))
		t.flat = len(t.text)
	case "palm":
		t.palm = true
		f := r.Sub("palm.format")
		t.sep = d.tape(f.Tape("sep"))
		t.open = d.tape(f.Tape("open"))
		t.mid = d.tape(f.Tape("mid"))
		t.close = d.tape(f.Last().Tape("close"))
		items = r.Last().List("palm.items")
	case "rose":
		f := r.Sub("rose.format")
		t.sep = d.tape(f.Tape("sep"))
		t.open = d.tape(f.Tape("open"))
		t.close = d.tape(f.Last().Tape("close"))
		items = r.Last().List("rose.items")
	default:
		r.Fail("tag", "tank tag %leaf, %palm or %rose", Cord(tag))
	}
	if err := r.Err(); err != nil {
		return nil, prefixDecodeError(path.String(), err)
	}
	d.nodes += 1 + len(items)
	if d.nodes > tankMaxNodes || d.chars > tankMaxChars {
		return nil, fmt.Errorf("%w: more than %d nodes or %d characters", ErrTankTooLarge, tankMaxNodes, tankMaxChars)
	}
	if t.leaf {
		return t, nil
	}
	t.flat = len(t.open) + len(t.mid) + len(t.close)
	for i, item := range items {
		kind := "rose"
		if t.palm {
			kind = "palm"
		}
		k, err := d.decode(item, &tankPath{parent: path, kind: kind, item: i}, depth+1)
		if err != nil {
			return nil, err
		}
		t.kids = append(t.kids, k)
		t.flat = min(t.flat+k.flat, tankFlatCap)
		if i > 0 {
			t.flat = min(t.flat+len(t.sep), tankFlatCap)
		}
	}
	return t, nil
}

// tape strips control characters from a tape's bytes and decodes them as
// UTF-8 (++hew:ug), counting them against the size limit.
func (d *tankDecoder) tape(s string) []rune {
	d.chars += len(s)
	out := make([]rune, 0, len(s))
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 32 && c != 127 {
			b = append(b, c)
		}
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		out = append(out, r)
		b = b[size:]
	}
	return out
}

// tankLine is one output line in a persistent list: the reference
// printer builds each tank's lines in front of the lines that follow it
// (its "lug"), and looks at the first of those when placing a header.
type tankLine struct {
	text []rune
	next *tankLine
}

// tankWriter holds the width and the output budget of one rendering.
type tankWriter struct {
	edg int
	out int
	err error
}

// line builds tab spaces followed by parts, charging the output budget.
func (w *tankWriter) line(tab int, next *tankLine, parts ...[]rune) *tankLine {
	n := tab
	for _, p := range parts {
		n += len(p)
	}
	w.out += n
	if w.out > tankMaxOutput {
		w.err = fmt.Errorf("%w: more than %d characters of output", ErrTankTooLarge, tankMaxOutput)
		return next
	}
	text := make([]rune, 0, n)
	for range tab {
		text = append(text, ' ')
	}
	for _, p := range parts {
		text = append(text, p...)
	}
	return &tankLine{text: text, next: next}
}

// fit reports whether t's flat form fits in the rest of a line after tab.
func (w *tankWriter) fit(t *tankNode, tab int) bool {
	return tab <= w.edg && t.flat <= w.edg-tab
}

// win renders t at indentation tab in front of lug (++win).
func (w *tankWriter) win(t *tankNode, tab int, lug *tankLine) *tankLine {
	if w.err != nil {
		return lug
	}
	switch {
	case t.leaf:
		return w.rig(t.text, tab, lug)
	case w.fit(t, tab):
		return w.rig(t.ram(), tab, lug)
	case t.palm:
		return w.palm(t, tab, lug)
	}
	// A rose: items at the next indentation, close after them at tab,
	// open in front.
	if len(t.close) > 0 {
		lug = w.rig(t.close, tab, lug)
	}
	din := (tab + 2) % (2 * (w.edg / 3))
	for i := len(t.kids) - 1; i >= 0; i-- {
		lug = w.win(t.kids[i], din, lug)
	}
	if len(t.open) == 0 {
		return lug
	}
	return w.wig(t.open, tab, lug)
}

// palm renders a palm that does not fit flat: its open, then its items in
// backstep layout.
func (w *tankWriter) palm(t *tankNode, tab int, lug *tankLine) *tankLine {
	switch len(t.kids) {
	case 0:
		return w.rig(t.open, tab, lug)
	case 1:
		return w.rig(t.open, tab+2, w.win(t.kids[0], tab, lug))
	}
	n := len(t.kids)
	for i := n - 1; i >= 0; i-- {
		lug = w.win(t.kids[i], tab+2*(n-1-i), lug)
	}
	return w.wig(t.open, tab, lug)
}

// rig puts text on a line at tab (++rig). Text too long for the line is
// cut into a box: a \/ border line holding the first part, the rest on
// lines indented two more, and a closing \/ border line.
func (w *tankWriter) rig(hom []rune, tab int, lug *tankLine) *tankLine {
	room := w.edg - tab
	chunk := room - 4
	if len(hom) <= room || chunk < 1 {
		return w.line(tab, lug, hom)
	}
	edge := []rune(`\/`)
	blank := make([]rune, chunk)
	for i := range blank {
		blank[i] = ' '
	}
	// Build the box from its last line back, in front of lug.
	out := w.line(tab, lug, edge, blank, edge)
	rest := hom[chunk:]
	var parts [][]rune
	for len(rest) > 0 {
		k := min(chunk, len(rest))
		parts = append(parts, rest[:k])
		rest = rest[k:]
	}
	for i := len(parts) - 1; i >= 0; i-- {
		out = w.line(tab+2, out, parts[i])
	}
	return w.line(tab, out, edge, hom[:chunk], edge)
}

// wig puts a header in front of lug: on the first line of lug when that
// line starts with enough blanks to hold it, else on a line of its own.
func (w *tankWriter) wig(hom []rune, tab int, lug *tankLine) *tankLine {
	if lug == nil {
		return w.rig(hom, tab, lug)
	}
	wug := 1 + tab + len(hom)
	first := lug.text
	if len(first) <= wug {
		return w.rig(hom, tab, lug)
	}
	for _, c := range first[:wug] {
		if c != ' ' {
			return w.rig(hom, tab, lug)
		}
	}
	return w.line(tab, lug.next, hom, []rune{' '}, first[wug:])
}

// ram returns t's flat form (++ram).
func (t *tankNode) ram() []rune {
	out := make([]rune, 0, t.flat)
	return t.appendRam(out)
}

func (t *tankNode) appendRam(out []rune) []rune {
	if t.leaf {
		return append(out, t.text...)
	}
	out = append(out, t.open...)
	out = append(out, t.mid...)
	for i, k := range t.kids {
		if i > 0 {
			out = append(out, t.sep...)
		}
		out = k.appendRam(out)
	}
	return append(out, t.close...)
}
