package serf

import (
	"context"
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// goofOf is the goof a crash is reported as, with the tang Urbit's serf
// gives it (PROTOCOL.md §3.4): the kernel's own +mook, its wish arm
// slammed with the cord "mook", is slammed with [2 trace] (the raw trace
// frames, innermost first) and the tail of the product is the tang. The
// goof of a crashed %work goes into its %crud retry, which is logged, so
// the tang is part of the state, not only of the report.
//
// Before boot there is no kernel, and the tang is ~, as Urbit's serf
// reports it. A crash the serf made itself (no frames, a trace of its own)
// keeps that trace, and so does any crash whose kernel has no working
// +mook. Whenever the interpreter's own rendering of the trace is not what
// the goof carries, it goes to the king as a %flog (unless Quiet), so that
// people still see where the computation crashed.
func (s *serf) goofOf(ctx context.Context, c *nock.Crash) (ipc.Goof, error) {
	own := c.Tang()
	g := ipc.Goof{Mote: c.Mote, Tang: own}
	switch {
	case s.eve == 0:
		g.Tang = noun.Zero
	case len(c.Frames) == 0 && len(c.Trace) > 0:
		return g, nil
	default:
		if tang, ok := s.mook(ctx, c.Frames); ok {
			g.Tang = tang
		}
	}
	if len(c.Trace) > 0 && !noun.Equal(g.Tang, own) {
		if err := s.note(fmt.Sprintf("serf: %%%s crash trace:\n%s", c.Mote, renderTang(own))); err != nil {
			return g, err
		}
	}
	return g, nil
}

// mook renders raw trace frames, outermost first, with the kernel's +mook.
func (s *serf) mook(ctx context.Context, frames []noun.Noun) (noun.Noun, bool) {
	gate, err := s.it.Wish(ctx, s.kernel, "mook")
	if err != nil {
		s.log.Debug("kernel has no working +mook", zap.Error(err))
		return noun.Zero, false
	}
	tax := noun.Zero
	for _, f := range frames {
		tax = noun.Cell(f, tax) // innermost first, as Urbit's trace stack
	}
	toon, err := s.it.Slam(ctx, gate, noun.Cell(noun.Atom(2), tax))
	if err != nil || !toon.IsCell() {
		s.log.Debug("kernel's +mook failed", zap.Error(err))
		return noun.Zero, false
	}
	return toon.Tail(), true
}

// renderTang renders a tang as lines of text joined by newlines.
func renderTang(tang noun.Noun) string {
	lines, err := noun.RenderTang(tang, 80)
	if err != nil {
		return tang.String()
	}
	return strings.Join(lines, "\n")
}
