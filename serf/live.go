package serf

import (
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// save answers [%live %save eve]: snapshot the state to disk, then
// [%live ~]. eve must be the serf's last event.
func (s *serf) save(w ipc.LiveSave) error {
	if w.Eve != s.eve {
		return fmt.Errorf("%w: %%save of event %d, but the last event is %d", ErrOutOfOrder, w.Eve, s.eve)
	}
	switch {
	case s.eve == 0:
		if err := s.note("serf: nothing to save before boot"); err != nil {
			return err
		}
	case s.cfg.Flags.Has(DryRun):
		if err := s.note(fmt.Sprintf("serf: dry run: snapshot of event %d not written", s.eve)); err != nil {
			return err
		}
	default:
		if err := s.writeSnapshot(); err != nil {
			return err
		}
	}
	return s.send(ipc.Live{})
}

// writeSnapshot writes the snapshot, checks it back with the CheckCorrupt
// flag, and tells the king.
func (s *serf) writeSnapshot() error {
	if s.cfg.Pier == "" {
		return fmt.Errorf("%w: %%save without a pier", ErrConfig)
	}
	start := time.Now()
	path := snapshotPath(s.cfg.Pier)
	st := state{eve: s.eve, mug: s.currentMug(), kernel: s.kernel}
	if err := writeSnapshot(path, st); err != nil {
		return err
	}
	if s.cfg.Flags.Has(CheckCorrupt) {
		back, ok, err := readSnapshot(path)
		if err != nil {
			return fmt.Errorf("serf: snapshot check: %w", err)
		}
		if !ok || back.eve != st.eve || back.mug != st.mug || !noun.Equal(back.kernel, st.kernel) {
			return fmt.Errorf("serf: snapshot check: %s does not read back as written", path)
		}
	}
	s.log.Info("saved snapshot", zap.String("path", path), zap.Uint64("eve", s.eve),
		zap.Duration("took", time.Since(start)))
	if err := s.note(fmt.Sprintf("serf: saved snapshot of event %d", s.eve)); err != nil {
		return err
	}
	return s.timing(named("snapshot"), start)
}

// cram answers [%live %cram eve]: write the rock of the last event, then,
// as Urbit's serf does, a snapshot (unless DryRun), then [%live ~].
func (s *serf) cram(w ipc.LiveCram) error {
	if s.eve == 0 {
		return fmt.Errorf("%w: %%cram before boot", ErrOutOfOrder)
	}
	if w.Eve != s.eve {
		return fmt.Errorf("%w: %%cram of event %d, but the last event is %d", ErrOutOfOrder, w.Eve, s.eve)
	}
	if s.cfg.Pier == "" {
		return fmt.Errorf("%w: %%cram without a pier", ErrConfig)
	}
	start := time.Now()
	path := rockPath(s.cfg.Pier, s.eve)
	if err := writeRock(path, s.kernel); err != nil {
		return err
	}
	s.log.Info("crammed", zap.String("path", path), zap.Uint64("eve", s.eve))
	if err := s.note(fmt.Sprintf("serf: crammed state of event %d", s.eve)); err != nil {
		return err
	}
	if err := s.timing(named("cram"), start); err != nil {
		return err
	}
	if !s.cfg.Flags.Has(DryRun) {
		if err := s.writeSnapshot(); err != nil {
			return err
		}
	}
	return s.send(ipc.Live{})
}

// meld answers %meld and %pack: deduplicate the kernel, then [%live ~].
// Both do the same here: with a garbage-collected heap there is nothing to
// compact beyond sharing equal subtrees.
func (s *serf) meld(what string) error {
	start := time.Now()
	if s.eve != 0 {
		kernel, st := Meld(s.kernel)
		s.kernel = kernel
		if err := s.note(fmt.Sprintf("serf: %s: %d cells, %d unique; %d big atoms, %d unique",
			what, st.Cells, st.UniqueCells, st.BigAtoms, st.UniqueBigAtoms)); err != nil {
			return err
		}
	}
	if err := s.timing(named(what), start); err != nil {
		return err
	}
	return s.send(ipc.Live{})
}
