//go:build unix && !linux

package serf

import "golang.org/x/sys/unix"

// dupOnto makes fd newfd a duplicate of oldfd (dup2).
func dupOnto(oldfd, newfd int) error { return unix.Dup2(oldfd, newfd) }
