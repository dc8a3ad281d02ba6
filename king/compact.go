package king

import (
	"context"

	"github.com/kingserf/king/ipc"
)

// Compact asks the serf to compact its state ([%live %pack ~]) and waits
// for it to finish.
func (s *Serf) Compact(ctx context.Context) error {
	_, err := s.liveFlow(ctx, func(*serfState) ipc.Writ { return ipc.LivePack{} })
	return err
}

// Meld asks the serf to deduplicate its state ([%live %meld ~]) and waits
// for it to finish.
func (s *Serf) Meld(ctx context.Context) error {
	_, err := s.liveFlow(ctx, func(*serfState) ipc.Writ { return ipc.LiveMeld{} })
	return err
}
