//go:build unix

package serf

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// TakeStdio prepares a serf process's standard streams (PROTOCOL.md §3.3):
// it returns private, close-on-exec duplicates of fds 0 and 1 for the
// protocol, then points fd 1 at stderr, so that anything else printed to
// stdout (by this program or by a library) goes to stderr and can never
// corrupt the stream of pleas. Call it once, before anything else writes.
func TakeStdio() (in, out *os.File, err error) {
	inFd, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, nil, fmt.Errorf("serf: dup stdin: %w", err)
	}
	outFd, err := unix.FcntlInt(1, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		_ = unix.Close(inFd)
		return nil, nil, fmt.Errorf("serf: dup stdout: %w", err)
	}
	if err := dupOnto(2, 1); err != nil {
		_ = unix.Close(inFd)
		_ = unix.Close(outFd)
		return nil, nil, fmt.Errorf("serf: point stdout at stderr: %w", err)
	}
	return os.NewFile(uintptr(inFd), "serf-in"), os.NewFile(uintptr(outFd), "serf-out"), nil
}
