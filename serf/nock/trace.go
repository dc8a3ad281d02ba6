package nock

import (
	"fmt"
	"strings"

	"github.com/kingserf/king/noun"
)

const (
	// traceKeep is how many frames are rendered at each end of a very long
	// trace; the middle is replaced by one "[skipped N frames]" leaf, as
	// Hoon's +mook does past 1.024 frames.
	traceKeep = 512
	// trapSteps bounds the Nock steps one %mean trap may take while a crash
	// trace is rendered, so a looping trap cannot hang crash reporting.
	trapSteps = 1 << 18
)

// crash unwinds the frame stack to base and returns the crash, with its trace
// taken from the trace frames that were live between base and the top,
// outermost first.
func (it *Interpreter) crash(base int, mote, reason string) *Crash {
	var frames []noun.Noun
	for i := base; i < it.sp; i++ {
		if it.stack[i].kind == kTrace {
			frames = append(frames, it.stack[i].c)
		}
	}
	it.sp = base
	c := &Crash{Mote: mote, Reason: reason, Frames: frames}
	if !it.rendering {
		c.Trace = it.render(frames)
	}
	return c
}

// render turns raw trace frames [tag clue] into tanks:
//
//   - %spot [path [[l c] [l c]]]: the leaf "/a/b/c:<[l c].[l c]>", numbers
//     printed as @ud (1.372);
//   - %lose cord: the leaf of the cord;
//   - %hunk tank: the tank itself;
//   - %mean: a cord gives its leaf, a tank (a cell with an atom head) itself,
//     and a trap (a cell with a cell head: a core whose arm at axis 2 makes
//     the tank) is run with [9 2 0 1] for its tank.
//
// A frame of another shape, or a trap that crashes or runs out of steps, is
// left out, as Hoon's +mook leaves out what it cannot render.
func (it *Interpreter) render(frames []noun.Noun) []noun.Noun {
	skipped := 0
	if len(frames) > 2*traceKeep {
		skipped = len(frames) - 2*traceKeep
		kept := make([]noun.Noun, 0, 2*traceKeep)
		kept = append(kept, frames[:traceKeep]...)
		frames = append(kept, frames[len(frames)-traceKeep:]...)
	}
	out := make([]noun.Noun, 0, len(frames)+1)
	for i, f := range frames {
		if skipped > 0 && i == traceKeep {
			out = append(out, Leaf(fmt.Sprintf("[skipped %s frames]", formatUD(uint64(skipped)))))
		}
		if t, ok := it.renderFrame(f); ok {
			out = append(out, t)
		}
	}
	return out
}

// renderFrame renders one [tag clue] trace frame (see render).
func (it *Interpreter) renderFrame(f noun.Noun) (noun.Noun, bool) {
	tag, clue, ok := f.Uncell()
	if !ok {
		return noun.Zero, false
	}
	t, _ := tag.Word()
	switch t {
	case tagSpot:
		s, ok := spotString(clue)
		if !ok {
			return noun.Zero, false
		}
		return Leaf(s), true
	case tagLose:
		if clue.IsAtom() {
			return Leaf(string(clue.Bytes())), true
		}
	case tagHunk:
		if clue.IsCell() {
			return clue, true
		}
	case tagMean:
		h, _, isCell := clue.Uncell()
		switch {
		case !isCell:
			return Leaf(string(clue.Bytes())), true
		case h.IsAtom():
			return clue, true
		default:
			return it.runTrap(clue)
		}
	}
	return noun.Zero, false
}

// runTrap runs a %mean trap for its tank with its own step and memory
// budget, ignoring the interrupt flag and the context (the computation has
// already crashed; the trace is still wanted).
func (it *Interpreter) runTrap(trap noun.Noun) (noun.Noun, bool) {
	steps, next, limit := it.steps, it.nextCheck, it.stepLimit
	alloc, allocLimit := it.alloc, it.allocLimit
	defer func() {
		it.steps, it.nextCheck, it.stepLimit = steps, next, limit
		it.alloc, it.allocLimit = alloc, allocLimit
		it.rendering = false
	}()
	it.rendering = true
	it.stepLimit = it.steps + trapSteps
	it.nextCheck = it.nextPoll()
	it.alloc = 0
	it.allocLimit = it.limitFor(int64(cap(it.stack)) * frameBytes)
	v, c := it.run(trap, kickFormula())
	return v, c == nil
}

// spotString renders a %spot clue [path [[l c] [l c]]] as
// "/a/b/c:<[l c].[l c]>".
func spotString(clue noun.Noun) (string, bool) {
	path, span, ok := clue.Uncell()
	if !ok {
		return "", false
	}
	from, to, ok := span.Uncell()
	if !ok {
		return "", false
	}
	l1, c1, ok1 := pairOfWords(from)
	l2, c2, ok2 := pairOfWords(to)
	if !ok1 || !ok2 {
		return "", false
	}
	var b strings.Builder
	for !path.IsZero() {
		knot, rest, ok := path.Uncell()
		if !ok || knot.IsCell() {
			return "", false
		}
		b.WriteByte('/')
		b.Write(knot.Bytes())
		path = rest
	}
	if b.Len() == 0 {
		b.WriteByte('/')
	}
	fmt.Fprintf(&b, ":<[%s %s].[%s %s]>", formatUD(l1), formatUD(c1), formatUD(l2), formatUD(c2))
	return b.String(), true
}

// pairOfWords splits a cell of two direct atoms.
func pairOfWords(n noun.Noun) (a, b uint64, ok bool) {
	h, t, ok := n.Uncell()
	if !ok {
		return 0, 0, false
	}
	a, ok1 := h.Word()
	b, ok2 := t.Word()
	return a, b, ok1 && ok2
}
