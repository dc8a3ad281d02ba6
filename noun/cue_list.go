package noun

import (
	"errors"
	"fmt"
)

// ErrCueStopped is the error (in a *CueError) of a CueList whose yield
// asked it to stop.
var ErrCueStopped = errors.New("noun: cue stopped by its consumer")

// CueList is Cue for a noun that carries a list, such as a %play writ
// [%play eve list]: it decodes b as Cue does and, as it goes, calls yield
// with each element of the list found depth tails below the root (depth
// 2 for that writ), in order, as soon as the element is decoded, with the
// heads of the depth cells above the list (there: %play and eve). A
// consumer can so start on the first elements while the rest is being
// decoded.
//
// If yield returns false, CueList stops with ErrCueStopped. An element is
// handed out only once it is complete and its part of the input has
// decoded well, but the input may still turn out bad further on: CueList
// then returns that error, and a caller that acted on elements already
// must be ready to abandon that work. Elements stay valid whatever
// CueList returns. Where the noun has no list at that depth (an atom on
// the way, or a list that does not end in ~), yield sees the elements it
// does have; checking the shape is the caller's business.
func CueList(b []byte, depth int, yield func(heads []Noun, elem Noun) bool) (Noun, error) {
	if depth < 1 {
		return Zero, fmt.Errorf("noun: CueList of the list at depth %d; want at least 1", depth)
	}
	if len(b) == 0 {
		return Zero, &CueError{Offset: 0, Err: ErrCueEmpty}
	}
	w := &listWatch{depth: depth, yield: yield, heads: make([]Noun, depth)}
	if len(b) <= cueSmallBytes {
		// Small enough that streaming would not pay: decode, then hand
		// the elements out.
		n, err := cueSmall(b)
		if err != nil {
			return Zero, err
		}
		rest := n
		for i := range depth {
			h, t, ok := rest.Uncell()
			if !ok {
				return n, nil
			}
			w.heads[i], rest = h, t
		}
		if !w.each(rest) {
			return Zero, &CueError{Offset: 8 * uint64(len(b)), Err: ErrCueStopped}
		}
		return n, nil
	}
	return bigDecoder(b).finish(w)
}

// listWatch hands a CueList's elements to its consumer as the decoder
// completes them. The cells on the root's chain of tails are the bottom
// of the decoder's stack while the list is decoded: stack[i] has chain i.
type listWatch struct {
	depth int
	yield func(heads []Noun, elem Noun) bool
	heads []Noun
}

// element hands out r, just decoded as the head of a list cell.
func (w *listWatch) element(stack []frame, r Noun, pos uint64) error {
	w.fill(stack)
	if !w.yield(w.heads, r) {
		return &CueError{Offset: pos, Err: ErrCueStopped}
	}
	return nil
}

// rest hands out the elements of r, the rest of the list decoded in one
// piece (a backref to an equal list decoded earlier, or ~).
func (w *listWatch) rest(stack []frame, r Noun, pos uint64) error {
	w.fill(stack)
	if !w.each(r) {
		return &CueError{Offset: pos, Err: ErrCueStopped}
	}
	return nil
}

// fill reads the heads above the list from the bottom of the stack.
func (w *listWatch) fill(stack []frame) {
	for i := range w.heads {
		w.heads[i] = stack[i].node.head
	}
}

// each yields the elements of the list l; false if yield said stop.
func (w *listWatch) each(l Noun) bool {
	for {
		h, t, ok := l.Uncell()
		if !ok {
			return true
		}
		if !w.yield(w.heads, h) {
			return false
		}
		l = t
	}
}
