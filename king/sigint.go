package king

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// SendSIGINT interrupts the event the serf is computing: that event fails
// with mote %intr (a %work then ends in %swap or %bail, a %play in %bail).
// It does not take the state lock, so it can interrupt a flow in progress.
// It returns ErrSerfNotRunning if the process has ended.
func (s *Serf) SendSIGINT() error {
	select {
	case <-s.reaped:
		return ErrSerfNotRunning
	default:
	}
	if err := s.proc.Signal(syscall.SIGINT); err != nil {
		if errors.Is(err, os.ErrProcessDone) {
			return ErrSerfNotRunning
		}
		return fmt.Errorf("king: send SIGINT to serf: %w", err)
	}
	return nil
}
