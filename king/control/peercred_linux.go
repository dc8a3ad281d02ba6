package control

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// PeerUID returns the uid and pid of the process at the other end of c,
// as the kernel recorded them when it connected (SO_PEERCRED).
func PeerUID(c *net.UnixConn) (uid uint32, pid int32, err error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, 0, fmt.Errorf("control: peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return 0, 0, fmt.Errorf("control: peer credentials: %w", err)
	}
	if cerr != nil {
		return 0, 0, fmt.Errorf("control: peer credentials: %w", cerr)
	}
	return cred.Uid, cred.Pid, nil
}
