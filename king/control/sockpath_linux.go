package control

import (
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// shortPath calls fn with /proc/self/fd/<dirfd>/<name>, a short name for
// path through a descriptor of its directory, valid while fn runs: how a
// pier deep in the file system still gets its socket (vere does a chdir
// instead, which a multi-threaded Go program cannot).
func shortPath(path string, fn func(name string) error) error {
	dirfd, err := unix.Open(filepath.Dir(path), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("control: open the socket's directory: %w", err)
	}
	defer unix.Close(dirfd)
	return fn(fmt.Sprintf("/proc/self/fd/%d/%s", dirfd, filepath.Base(path)))
}
