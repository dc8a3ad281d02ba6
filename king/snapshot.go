package king

import (
	"context"

	"github.com/kingserf/king/ipc"
)

// Snapshot asks the serf to save its state to disk ([%live %save eve]
// with its last event) and waits for the reply. The caller must make sure
// its event log has reached that event first (PROTOCOL.md §4): a snapshot
// ahead of the log would outlive events a crash could lose.
func (s *Serf) Snapshot(ctx context.Context) error {
	_, err := s.liveFlow(ctx, func(st *serfState) ipc.Writ { return ipc.LiveSave{Eve: st.eve} })
	return err
}

// Cram asks the serf to write its portable state file for its last event
// ([%live %cram eve], <pier>/.urb/roc/<eve>.jam) and returns that event.
// Urbit's serf, and ours, save a snapshot along with it, so the rule of
// Snapshot applies: the caller's log must have reached that event.
func (s *Serf) Cram(ctx context.Context) (eve uint64, err error) {
	return s.liveFlow(ctx, func(st *serfState) ipc.Writ { return ipc.LiveCram{Eve: st.eve} })
}

// liveFlow runs one %live writ built from the state and waits for
// [%live ~]. It returns the serf's last event as of the writ.
func (s *Serf) liveFlow(ctx context.Context, writ func(*serfState) ipc.Writ) (uint64, error) {
	st, err := s.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer s.unlock(st)
	if err := s.live(ctx, st, writ(st)); err != nil {
		return 0, err
	}
	return st.eve, nil
}

// live sends one %live writ with the state lock held and waits for
// [%live ~].
func (s *Serf) live(ctx context.Context, st *serfState, w ipc.Writ) error {
	if err := s.send(st, w); err != nil {
		return err
	}
	p, err := s.recv(ctx, st)
	if err != nil {
		return err
	}
	if _, ok := p.(ipc.Live); !ok {
		return s.unexpected(st, p, "%live in reply to "+w.String())
	}
	return nil
}
