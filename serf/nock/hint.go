package nock

import (
	"fmt"
	"time"

	"github.com/kingserf/king/noun"
)

// hintAction tells the evaluation loop what to do after a hint's clue has
// been handled.
type hintAction uint8

const (
	// hintBody: evaluate the hint's body against the subject next (any
	// bookkeeping frame has been pushed already).
	hintBody hintAction = iota
	// hintHit: the body's product is already known (a %memo hit).
	hintHit
	// hintMeme: the memory budget ran out while handling the hint.
	hintMeme
)

// Hint tags as direct atoms: the little-endian bytes of the term.
const (
	tagSlog = uint64('s') | uint64('l')<<8 | uint64('o')<<16 | uint64('g')<<24
	tagMemo = uint64('m') | uint64('e')<<8 | uint64('m')<<16 | uint64('o')<<24
	tagBout = uint64('b') | uint64('o')<<8 | uint64('u')<<16 | uint64('t')<<24
	tagSpot = uint64('s') | uint64('p')<<8 | uint64('o')<<16 | uint64('t')<<24
	tagMean = uint64('m') | uint64('e')<<8 | uint64('a')<<16 | uint64('n')<<24
	tagHunk = uint64('h') | uint64('u')<<8 | uint64('n')<<16 | uint64('k')<<24
	tagLose = uint64('l') | uint64('o')<<8 | uint64('s')<<16 | uint64('e')<<24
)

// staticHint handles [11 tag body]: %memo and %bout act, every other tag is
// ignored.
func (it *Interpreter) staticHint(tag, subj, body noun.Noun) (noun.Noun, hintAction) {
	w, ok := tag.Word()
	if !ok {
		return noun.Zero, hintBody
	}
	switch w {
	case tagMemo:
		return it.memoHint(subj, body)
	case tagBout:
		return it.boutHint(noun.Zero)
	}
	return noun.Zero, hintBody
}

// dynamicHint handles [11 [tag clue] body] once the clue's product is known.
func (it *Interpreter) dynamicHint(tag, clue, subj, body noun.Noun) (noun.Noun, hintAction) {
	w, ok := tag.Word()
	if !ok {
		return noun.Zero, hintBody
	}
	switch w {
	case tagSlog:
		// A clue that is not [pri tank] is ignored rather than crashing:
		// log output must never change what a computation produces.
		if pri, tank, ok := clue.Uncell(); ok && it.cfg.Slog != nil {
			if p, ok := pri.Word(); ok {
				it.cfg.Slog(p, tank)
			}
		}
	case tagSpot, tagMean, tagHunk, tagLose:
		entry, ok := it.cons(tag, clue)
		if !ok || !it.push(kTrace, noun.Zero, noun.Zero, entry) {
			return noun.Zero, hintMeme
		}
	case tagMemo:
		return it.memoHint(subj, body)
	case tagBout:
		label := noun.Zero
		if clue.IsAtom() {
			label = clue
		}
		return it.boutHint(label)
	}
	return noun.Zero, hintBody
}

// memoHint answers a %memo body from the cache, or arranges for its product
// to be stored there.
func (it *Interpreter) memoHint(subj, body noun.Noun) (noun.Noun, hintAction) {
	if it.memo == nil {
		return noun.Zero, hintBody
	}
	if v, ok := it.memo.get(subj, body); ok {
		return v, hintHit
	}
	if !it.push(kMemo, subj, body, noun.Zero) {
		return noun.Zero, hintMeme
	}
	return noun.Zero, hintBody
}

// boutHint starts timing a %bout body.
func (it *Interpreter) boutHint(label noun.Noun) (noun.Noun, hintAction) {
	start := noun.Atom(uint64(time.Now().UnixNano()))
	if !it.push(kBout, label, noun.Zero, start) {
		return noun.Zero, hintMeme
	}
	return noun.Zero, hintBody
}

// bout reports the time a %bout body took through Config.Slog, as the leaf
// "took 1.234ms", or "<label> took 1.234ms" when the clue was a cord.
func (it *Interpreter) bout(label, start noun.Noun) {
	if it.cfg.Slog == nil {
		return
	}
	t0, _ := start.Word()
	us := (time.Now().UnixNano() - int64(t0)) / 1000
	msg := fmt.Sprintf("took %d.%03dms", us/1000, us%1000)
	if !label.IsZero() {
		msg = string(label.Bytes()) + " " + msg
	}
	it.cfg.Slog(0, Leaf(msg))
}
