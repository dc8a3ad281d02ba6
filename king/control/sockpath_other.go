//go:build !linux

package control

import "fmt"

// shortPath refuses a socket path too long for a sockaddr_un: only Linux
// offers /proc/self/fd.
func shortPath(path string, fn func(name string) error) error {
	return fmt.Errorf("control: socket path %s is longer than %d bytes; use a pier path closer to /", path, maxDirectPath)
}
