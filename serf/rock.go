package serf

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/kingserf/king/noun"
)

// A rock is the portable state %cram writes (PROTOCOL.md §3.4):
// <pier>/.urb/roc/<eve>.jam, the jam of [%arvo kernel 'hashboard' jets],
// with jets ~ as this serf has no jet state.

// rockPath is where the rock of event eve of pier lives.
func rockPath(pier string, eve uint64) string {
	return filepath.Join(pier, ".urb", "roc", strconv.FormatUint(eve, 10)+".jam")
}

// rockNoun is the noun a rock holds for kernel.
func rockNoun(kernel noun.Noun) noun.Noun {
	return noun.T(noun.Cord("arvo"), kernel, noun.Cord("hashboard"), noun.Zero)
}

// writeRock writes the rock of kernel to path atomically.
func writeRock(path string, kernel noun.Noun) error {
	return writeAtomic(path, func(w *bufio.Writer) error {
		return noun.JamTo(w, rockNoun(kernel))
	})
}

// readRock loads the kernel from the rock at path, as the state after
// event eve. A missing file is an error; every problem with the content is
// a *StateError. The jets part of the rock is not used.
func readRock(path string, eve uint64) (state, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, fmt.Errorf("serf: no rock for event %d: %w", eve, err)
	}
	if err != nil {
		return state{}, fmt.Errorf("serf: read rock: %w", err)
	}
	rock, err := noun.Cue(b)
	if err != nil {
		return state{}, &StateError{Path: path, Problem: "does not cue: " + err.Error()}
	}
	tag, rest, ok := rock.Uncell()
	if !ok || !noun.Equal(tag, noun.Cord("arvo")) {
		return state{}, &StateError{Path: path, Problem: "not [%arvo kernel hashboard jets]"}
	}
	kernel, rest, ok := rest.Uncell()
	if !ok {
		return state{}, &StateError{Path: path, Problem: "not [%arvo kernel hashboard jets]: no hashboard"}
	}
	if board, _, ok := rest.Uncell(); !ok || !noun.Equal(board, noun.Cord("hashboard")) {
		return state{}, &StateError{Path: path, Problem: "not [%arvo kernel 'hashboard' jets]"}
	}
	return state{eve: eve, mug: noun.Mug(kernel), kernel: kernel}, nil
}
