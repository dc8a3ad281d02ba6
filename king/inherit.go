package king

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// closeRangeCloexec is CLOSE_RANGE_CLOEXEC from <linux/close_range.h>:
// close_range marks the descriptors close-on-exec instead of closing them.
const closeRangeCloexec = 1 << 2

// markInheritedCloseOnExec sets close-on-exec on every descriptor above 2
// of this process, so that the serf inherits stdin, stdout and stderr and
// nothing else.
//
// Go opens every descriptor close-on-exec, and os.StartProcess passes
// exactly the files it is given; but a descriptor this process inherited
// without the flag (a test runner's or a fuzz worker's pipes, a socket from
// a service manager) would otherwise leak into the serf and could, for
// example, keep a pipe open that its owner waits to see closed. Marking is
// harmless to this process, which keeps using the descriptors, and to
// os/exec's ExtraFiles, which are dup'ed into place in the child. It is
// idempotent, so it is done before every spawn (another part of the
// program may have inherited nothing since, but it costs one system call).
func markInheritedCloseOnExec() {
	if err := unix.CloseRange(3, ^uint(0), closeRangeCloexec); err == nil {
		return
	}
	// Kernels before 5.11 lack the flag: walk /proc/self/fd instead.
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		fd, err := strconv.Atoi(name)
		if err != nil || fd <= 2 {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil || flags&unix.FD_CLOEXEC != 0 {
			continue
		}
		_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags|unix.FD_CLOEXEC)
	}
}
