package pier

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Lock is a held pier lock: an exclusive flock(2) on <pier>/.vere.lock,
// whose content is the holder's pid in decimal.
//
// The flock, not the file's content, is what excludes: it is released by
// the kernel when the holder dies, so a stale pid left by a killed king
// never blocks the next one. flock locks belong to the open file
// description, so two Locks on one pier conflict even within one process.
type Lock struct {
	f    *os.File
	path string
}

// AcquireLock takes the lock of the pier in dir without waiting. If
// another king holds it, it returns a *LockedError naming that king's pid.
func AcquireLock(dir string) (*Lock, error) {
	path := Layout{Dir: dir}.Lock()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pier: open lock file: %w", err)
	}
	if err := flock(f, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &LockedError{Pier: dir, Pid: ReadLockPid(dir)}
		}
		return nil, fmt.Errorf("pier: lock %s: %w", path, err)
	}
	if err := writePid(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("pier: write pid to %s: %w", path, err)
	}
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up. The pid stays in the file (harmless: the
// flock is what counts). Release is idempotent.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	// Closing the only descriptor of the open file description drops the
	// flock.
	if err := f.Close(); err != nil {
		return fmt.Errorf("pier: release lock %s: %w", l.path, err)
	}
	return nil
}

// ReadLockPid returns the pid written in the pier's lock file, or 0 if
// there is none or it cannot be read. It takes no lock, so it never waits
// and never disturbs a king that is starting.
func ReadLockPid(dir string) int {
	f, err := os.Open(Layout{Dir: dir}.Lock())
	if err != nil {
		return 0
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// flock calls flock(2), retrying on EINTR.
func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// writePid replaces the file's content with our pid.
func writePid(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
