package control

import (
	"errors"
	"fmt"
)

// ErrForeignPeer is what a refused connection's error matches: its peer
// runs as another user than the king.
var ErrForeignPeer = errors.New("control: connection from another user refused")

// ErrNoPeerCred is returned by PeerUID where the system offers no way to
// learn a Unix socket peer's credentials.
var ErrNoPeerCred = errors.New("control: peer credentials are not available on this system")

// CheckPeer is the server's admission rule: a peer is served only if it
// runs as the allowed uid (the king's own).
func CheckPeer(peerUID, allowedUID uint32) error {
	if peerUID != allowedUID {
		return fmt.Errorf("%w: peer uid %d, king uid %d", ErrForeignPeer, peerUID, allowedUID)
	}
	return nil
}
