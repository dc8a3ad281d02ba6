package serf

import "golang.org/x/sys/unix"

// dupOnto makes fd newfd a duplicate of oldfd (dup2; Linux on arm64 has
// only dup3).
func dupOnto(oldfd, newfd int) error { return unix.Dup3(oldfd, newfd, 0) }
