package dill

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/term"
)

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool {
	is := false
	_ = withFd(f, func(fd int) error {
		is = term.IsTerminal(fd)
		return nil
	})
	return is
}

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
//
// f's blocking mode is left as it is (see withFd), and f must stay open
// until restore has been called.
func MakeRaw(f *os.File) (restore func() error, err error) {
	var old *term.State
	err = withFd(f, func(fd int) error {
		var err error
		old, err = term.MakeRaw(fd)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dill: raw mode: %w", err)
	}
	var once sync.Once
	var rerr error
	return func() error {
		once.Do(func() {
			err := withFd(f, func(fd int) error { return term.Restore(fd, old) })
			if err != nil {
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
		var w, h int
		err := withFd(f, func(fd int) error {
			var err error
			w, h, err = term.GetSize(fd)
			return err
		})
		if err != nil {
			return 0, 0, fmt.Errorf("dill: terminal size: %w", err)
		}
		return w, h, nil
	}
}

// withFd calls fn with f's descriptor without changing f's blocking mode:
// f.Fd would put it in blocking mode, and that flag belongs to the open
// terminal, shared by every descriptor of it, so it would also take the
// read deadlines away from a Pollable duplicate of the terminal's input.
func withFd(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
