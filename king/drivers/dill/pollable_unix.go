//go:build unix

package dill

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Pollable returns f, or a duplicate of it that supports read deadlines,
// so that Terminal.Run can be stopped by its context: the process's
// standard input (os.Stdin) is not in Go's poller, and a read on it can be
// interrupted by nothing but a keystroke.
//
// The duplicate is made non-blocking, a flag its terminal's other users
// (the shell) share: restore puts the flag back and closes the duplicate.
// Call restore once Run has returned; it is safe to call more than once,
// from any goroutine.
//
// f is returned as it is only if it is both in the poller and
// non-blocking: a File whose Fd method was called still accepts deadlines
// but was made blocking, so a deadline could not end a read in progress.
func Pollable(f *os.File) (in *os.File, restore func() error, err error) {
	if f.SetReadDeadline(time.Time{}) == nil && nonblocking(f) {
		return f, func() error { return nil }, nil
	}
	var fd int
	err = withFd(f, func(ffd int) error {
		var err error
		fd, err = unix.Dup(ffd)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dill: duplicate %s: %w", f.Name(), err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return nil, nil, fmt.Errorf("dill: make %s non-blocking: %w", f.Name(), err)
	}
	dup := os.NewFile(uintptr(fd), f.Name())
	var once sync.Once
	var rerr error
	return dup, func() error {
		once.Do(func() {
			err := unix.SetNonblock(fd, false)
			if cerr := dup.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				rerr = fmt.Errorf("dill: restore %s: %w", f.Name(), err)
			}
		})
		return rerr
	}, nil
}

// nonblocking reports whether f's descriptor is in non-blocking mode.
func nonblocking(f *os.File) bool {
	nb := false
	_ = withFd(f, func(fd int) error {
		fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		nb = err == nil && fl&unix.O_NONBLOCK != 0
		return err
	})
	return nb
}
