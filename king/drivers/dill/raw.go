package dill

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// MakeRaw puts the terminal f in raw mode (no echo, no line editing, no
// signals from ^C or ^Z, no output processing: the Renderer writes \r\n)
// and returns the function that restores the mode it had.
//
// restore is safe to call any number of times, from any goroutine: only
// the first call restores, later ones return its result. A command using
// it should restore on every way out:
//
//	restore, err := dill.MakeRaw(os.Stdin)
//	if err != nil { ... }
//	defer restore()                 // normal return, and a panic in this goroutine
//	// SIGTERM, SIGHUP: handle them (signal.Notify) and return through the defer;
//	// never os.Exit with the terminal raw: call restore() first.
//
// With ISIG off, ^C arrives as a byte (the Terminal turns it into a %ctl
// belt and an interrupt), not as SIGINT.
func MakeRaw(f *os.File) (restore func() error, err error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("dill: raw mode: %w", err)
	}
	var once sync.Once
	var rerr error
	return func() error {
		once.Do(func() {
			if err := term.Restore(fd, old); err != nil {
				rerr = fmt.Errorf("dill: restore terminal mode: %w", err)
			}
		})
		return rerr
	}, nil
}

// SizeOf returns a function reporting the size of the terminal f in
// columns and rows, for Options.Size.
func SizeOf(f *os.File) func() (cols, rows int, err error) {
	return func() (int, int, error) {
		w, h, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0, 0, fmt.Errorf("dill: terminal size: %w", err)
		}
		return w, h, nil
	}
}
