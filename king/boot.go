package king

import (
	"context"
	"errors"
	"fmt"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// ErrEmptyBoot is a boot sequence with no events.
var ErrEmptyBoot = errors.New("king: empty boot sequence")

// Boot sends the whole boot sequence to an empty serf in one
// [%play 1 events] (the lifecycle formula needs the whole list) and returns
// the mug of the kernel it produced. The serf's last event becomes
// len(events). A serf that already has events is an *EventNumberError; a
// failing lifecycle is a *PlayBailError, after which the serf is still
// empty.
func (s *Serf) Boot(ctx context.Context, events []noun.Noun) (mug uint32, err error) {
	if len(events) == 0 {
		return 0, ErrEmptyBoot
	}
	st, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer s.unlock(st)
	if st.eve != 0 {
		return 0, &EventNumberError{Want: st.eve + 1, Got: 1}
	}
	if err := s.send(st, ipc.Play{Eve: 1, Events: events}); err != nil {
		return 0, err
	}
	if err := s.playReply(ctx, st, 1, uint64(len(events))); err != nil {
		return 0, err
	}
	return st.mug, nil
}

// playReply waits for the reply to a %play of events first..last and
// brings the state up to date. A %play %bail is a *PlayBailError; the
// serf keeps the state it names, after the last event that succeeded (for
// a boot, which is all or nothing, none).
func (s *Serf) playReply(ctx context.Context, st *serfState, first, last uint64) error {
	p, err := s.recv(ctx, st)
	if err != nil {
		return err
	}
	switch p := p.(type) {
	case ipc.PlayDone:
		st.eve, st.mug = last, p.Mug
		return nil
	case ipc.PlayBail:
		switch {
		case first == 1:
			st.eve, st.mug = 0, 0
		case p.Eve >= first-1 && p.Eve < last:
			st.eve, st.mug = p.Eve, p.Mug
		default:
			return s.unexpected(st, p, fmt.Sprintf("%%play bail within events %d to %d", first, last))
		}
		return &PlayBailError{Eve: p.Eve, Mug: p.Mug, Goof: p.Goof}
	default:
		return s.unexpected(st, p, "%play reply")
	}
}
