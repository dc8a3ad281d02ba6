package dill

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/kingserf/king/noun"
)

// Escape sequences the renderer writes. The terminal is in raw mode, so a
// new line is written as \r\n.
const (
	seqClearLine  = "\r\x1b[K"      // to column 0, erase the line
	seqEraseRight = "\x1b[K"        // erase from the cursor to the end of line
	seqClear      = "\x1b[H\x1b[2J" // cursor home, erase the screen
	seqNewline    = "\r\n"
	seqBell       = "\a"
)

// RendererOptions configure a Renderer.
type RendererOptions struct {
	// Logger receives the renderer's lines; nil means zap.NewNop().
	Logger *zap.Logger
}

// Renderer draws blits on a terminal, keeping a copy of the prompt line
// (the bottom line, which the kernel redraws) so that text printed above
// it (PrintAbove) can restore it. Its methods are safe for concurrent use;
// each call writes its output with one Write.
//
// The two blit sets of PROTOCOL.md §6 are both understood. They differ in
// %klr: in the 2020 set it redraws the whole prompt line (as %lin does,
// with styles); in the later set it writes styled text at the cursor (as
// %put does). The renderer uses the 2020 meaning until it sees a blit only
// the later set has (%put, %nel, %wyp, %hop [x y], or [%mor blits]), and
// the later meaning from then on.
type Renderer struct {
	logger *zap.Logger

	mu     sync.Mutex
	w      io.Writer
	line   []glyph // the prompt line as drawn
	cursor int     // the cursor's column on it
	later  bool    // a later-set blit was seen
	sb     strings.Builder
}

// glyph is one character of the prompt line and the SGR sequence it is
// drawn with ("" plain).
type glyph struct {
	r   rune
	sgr string
}

// NewRenderer returns a renderer writing to w, with an empty prompt line.
func NewRenderer(w io.Writer, opts RendererOptions) *Renderer {
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Renderer{w: w, logger: logger}
}

// RenderNoun renders a (list blit), the argument of a [%blit blits]
// effect. Malformed blits are skipped and logged; the rest are drawn.
// The error is the terminal's write error, if any.
func (r *Renderer) RenderNoun(blits noun.Noun) error {
	bs, errs := ParseBlits(blits)
	for _, err := range errs {
		r.logger.Warn("dill: skipping a blit", zap.Error(err))
	}
	return r.Render(bs)
}

// Render draws blits in order. %sag and %sav draw nothing: their files
// are the Files driver's.
func (r *Renderer) Render(bs []Blit) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sb.Reset()
	for _, b := range bs {
		r.blit(b)
	}
	return r.flushLocked()
}

// tabWidth is the distance between tab stops in text printed above the
// prompt.
const tabWidth = 8

// PrintAbove prints text on its own lines above the prompt line, which is
// then redrawn with the cursor where it was: how kernel output (%slog)
// and runtime messages share the screen with what the user is typing.
// A tab is expanded to spaces up to the next multiple of tabWidth columns
// (the king's console log separates its fields with tabs); other control
// characters are shown as U+FFFD.
func (r *Renderer) PrintAbove(text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sb.Reset()
	r.sb.WriteString(seqClearLine)
	text = strings.TrimRight(text, "\n")
	for i, ln := range strings.Split(text, "\n") {
		if i > 0 {
			r.sb.WriteString(seqNewline)
		}
		col := 0
		for _, c := range strings.TrimRight(ln, "\r") {
			if c == '\t' {
				n := tabWidth - col%tabWidth
				r.sb.WriteString(strings.Repeat(" ", n))
				col += n
				continue
			}
			r.sb.WriteString(printable(c))
			col++
		}
	}
	r.sb.WriteString(seqNewline)
	r.redrawLocked()
	return r.flushLocked()
}

// Line returns the prompt line's text as drawn, without styles.
func (r *Renderer) Line() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var sb strings.Builder
	for _, g := range r.line {
		sb.WriteRune(g.r)
	}
	return sb.String()
}

// Cursor returns the cursor's column on the prompt line.
func (r *Renderer) Cursor() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cursor
}

// Finish leaves the terminal on a fresh line below the prompt, for when
// the terminal is detached.
func (r *Renderer) Finish() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sb.Reset()
	r.sb.WriteString(seqNewline)
	r.line, r.cursor = nil, 0
	return r.flushLocked()
}

// blit draws one blit into sb.
func (r *Renderer) blit(b Blit) {
	switch b.Tag {
	case "bel":
		r.sb.WriteString(seqBell)
	case "clr":
		r.sb.WriteString(seqClear)
		r.line, r.cursor = nil, 0
	case "lin":
		r.replaceLine(plainGlyphs(b.Text))
	case "put":
		r.later = true
		r.writeAtCursor(plainGlyphs(b.Text))
	case "klr":
		gs := stubGlyphs(b.Stub)
		if r.later {
			r.writeAtCursor(gs)
		} else {
			r.replaceLine(gs)
		}
	case "hop":
		if b.HasY {
			r.later = true
			r.sb.WriteString("\x1b[" + itoa(b.Y+1) + ";" + itoa(b.X+1) + "H")
			r.cursor = b.X
			return
		}
		r.moveTo(b.X)
	case "mor":
		if b.Mor == nil {
			r.newline()
			return
		}
		r.later = true
		for _, sub := range b.Mor {
			r.blit(sub)
		}
	case "nel":
		r.later = true
		r.newline()
	case "wyp":
		r.later = true
		r.sb.WriteString(seqClearLine)
		r.line, r.cursor = nil, 0
	case "url":
		r.sb.WriteString(seqClearLine)
		for _, c := range b.URL {
			r.sb.WriteString(printable(c))
		}
		r.sb.WriteString(seqNewline)
		r.redrawLocked()
	}
}

// replaceLine redraws the prompt line as gs, the cursor at its end.
func (r *Renderer) replaceLine(gs []glyph) {
	r.sb.WriteString("\r")
	styledText(&r.sb, gs)
	r.sb.WriteString(seqEraseRight)
	r.line, r.cursor = gs, len(gs)
}

// writeAtCursor writes gs over the prompt line from the cursor.
func (r *Renderer) writeAtCursor(gs []glyph) {
	styledText(&r.sb, gs)
	for len(r.line) < r.cursor {
		r.line = append(r.line, glyph{r: ' '})
	}
	for i, g := range gs {
		if r.cursor+i < len(r.line) {
			r.line[r.cursor+i] = g
		} else {
			r.line = append(r.line, g)
		}
	}
	r.cursor += len(gs)
}

// moveTo puts the cursor at column x of the prompt line.
func (r *Renderer) moveTo(x int) {
	r.sb.WriteString("\r")
	if x > 0 {
		r.sb.WriteString("\x1b[" + itoa(x) + "C")
	}
	r.cursor = x
}

// newline ends the prompt line: it stays on the screen, and a new, empty
// one starts below.
func (r *Renderer) newline() {
	r.sb.WriteString(seqNewline)
	r.line, r.cursor = nil, 0
}

// redrawLocked draws the prompt line again on the current (empty) line
// and puts the cursor back.
func (r *Renderer) redrawLocked() {
	styledText(&r.sb, r.line)
	if r.cursor != len(r.line) {
		r.moveTo(r.cursor)
	}
}

// flushLocked writes what sb holds with one Write.
func (r *Renderer) flushLocked() error {
	if r.sb.Len() == 0 {
		return nil
	}
	_, err := io.WriteString(r.w, r.sb.String())
	r.sb.Reset()
	if err != nil {
		return fmt.Errorf("dill: write to the terminal: %w", err)
	}
	return nil
}

// plainGlyphs returns text without styles.
func plainGlyphs(text []rune) []glyph {
	gs := make([]glyph, len(text))
	for i, c := range text {
		gs[i] = glyph{r: c}
	}
	return gs
}

// stubGlyphs flattens a stub's runs into glyphs.
func stubGlyphs(runs []Run) []glyph {
	var gs []glyph
	for _, run := range runs {
		sgr := run.Style.SGR()
		for _, c := range run.Text {
			gs = append(gs, glyph{r: c, sgr: sgr})
		}
	}
	return gs
}
