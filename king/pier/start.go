package pier

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// starter starts a serf on a pier and brings it up to date with the
// log, recovering from an unusable snapshot and a damaged log tail. Run,
// the maintenance commands (Pack, Meld, Cram) and New share it.
type starter struct {
	dir    string
	log    *eventlog.Log
	logger *zap.Logger
	cfg    king.Config
	// unusableExit is the serf's exit status for an unusable snapshot.
	unusableExit int
	batch        int
	progress     func(Progress)
	notice       func(Notice)
	watch        *slowWatch
}

// startCaughtUp starts a serf and replays every logged event it lacks.
// It returns the serf and its last event and mug, equal to the log's last
// event. On error no serf is left running.
func (st *starter) startCaughtUp(ctx context.Context) (*king.Serf, uint64, uint32, error) {
	if err := st.checkLastEvent(ctx); err != nil {
		return nil, 0, 0, err
	}
	movedAside := false
	for {
		s, info, err := st.start(ctx, &movedAside)
		if err != nil {
			return nil, 0, 0, err
		}
		eve, mug, err := st.catchUp(ctx, s, info.Eve, info.Mug)
		if err == nil {
			return s, eve, mug, nil
		}
		st.stop(s)
		var unusable *SnapshotUnusableError
		if !errors.As(err, &unusable) || movedAside {
			return nil, 0, 0, err
		}
		if err := st.recover(unusable); err != nil {
			return nil, 0, 0, err
		}
		movedAside = true
	}
}

// start starts a serf whose snapshot is usable: one the serf refuses to
// load (exit status unusableExit), or one ahead of the log, is moved aside
// once and a fresh serf started instead.
func (st *starter) start(ctx context.Context, movedAside *bool) (*king.Serf, king.Info, error) {
	for {
		cfg := st.cfg
		cfg.Pier = st.dir
		if cfg.Logger == nil {
			cfg.Logger = st.logger
		}
		s, info, err := king.Start(ctx, cfg)
		var unusable *SnapshotUnusableError
		switch {
		case err != nil:
			var exit *king.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != st.unusableExit || *movedAside {
				return nil, king.Info{}, fmt.Errorf("pier: start serf: %w", err)
			}
			reason := fmt.Sprintf("the serf exited with status %d", st.unusableExit)
			if n := len(exit.Stderr); n > 0 {
				reason += " (" + exit.Stderr[n-1] + ")"
			}
			unusable = &SnapshotUnusableError{Reason: reason, Err: err}
		default:
			last, _ := st.log.Last()
			if info.Eve <= last {
				st.checkSnapshotMug(info)
				return s, info, nil
			}
			st.stop(s)
			if *movedAside {
				return nil, king.Info{}, fmt.Errorf("pier: a serf without a snapshot reported event %d", info.Eve)
			}
			unusable = &SnapshotUnusableError{Reason: fmt.Sprintf(
				"the snapshot is at event %d, ahead of the event log's last event %d", info.Eve, last)}
		}
		if err := st.recover(unusable); err != nil {
			return nil, king.Info{}, err
		}
		*movedAside = true
	}
}

// recover moves the snapshot aside and says so.
func (st *starter) recover(why *SnapshotUnusableError) error {
	to, err := moveSnapshotAside(Layout{Dir: st.dir})
	if err != nil {
		return fmt.Errorf("%w; moving it aside failed: %w", why, err)
	}
	msg := "the serf's snapshot is unusable (" + why.Reason + ")"
	if to != "" {
		msg += "; moved it to " + to
	}
	msg += "; replaying the whole event log into a fresh serf"
	notify(st.logger, st.notice, Notice{Kind: NoticeSnapshotUnusable, Msg: msg, Err: why})
	return nil
}

// catchUp replays the logged events after eve into s. A damaged tail is
// cut (and replay goes on to the new end); damage in the middle is a
// *LogDamageError; a tail cut below the serf's snapshot makes the snapshot
// unusable (*SnapshotUnusableError).
func (st *starter) catchUp(ctx context.Context, s *king.Serf, eve uint64, mug uint32) (uint64, uint32, error) {
	pl := &play{log: st.log, life: st.log.Identity().Life, batch: st.batch, progress: st.progress,
		mismatch: st.mismatch, watch: st.watch}
	last, _ := st.log.Last()
	repaired := false
	for {
		var err error
		eve, mug, err = pl.run(ctx, s, eve, mug, last)
		if err == nil {
			return eve, mug, nil
		}
		if repaired || !isLogDamage(err) {
			return eve, mug, err
		}
		repaired = true
		cut, rerr := st.repairTail(ctx)
		if rerr != nil {
			return eve, mug, rerr
		}
		if cut.Removed == 0 {
			return eve, mug, err
		}
		if eve, mug, err = s.LastEvent(); err != nil {
			return eve, mug, err
		}
		if cut.Last < eve {
			return eve, mug, &SnapshotUnusableError{Reason: fmt.Sprintf(
				"the snapshot is at event %d, ahead of the repaired event log's last event %d", eve, cut.Last)}
		}
		last = cut.Last
	}
}

// checkLastEvent makes sure the log's last event reads and cues before a
// serf starts. Replay finds damage only where it reads, and a snapshot that
// already covers a damaged last event would otherwise let the pier run on
// (and date new events) from an event it cannot read. A damaged tail is
// cut here; a snapshot left ahead of the cut log is then moved aside by
// start, and the whole log replayed.
func (st *starter) checkLastEvent(ctx context.Context) error {
	last, _ := st.log.Last()
	if last == 0 {
		return nil
	}
	evs, err := st.log.Read(last, 1)
	if err == nil && len(evs) == 1 {
		if _, cerr := noun.Cue(evs[0].Jam); cerr == nil {
			return nil
		}
	} else if err != nil && !isLogDamage(err) {
		return fmt.Errorf("pier: read the last event %d: %w", last, err)
	}
	_, err = st.repairTail(ctx)
	return err
}

// repairTail cuts a damaged tail of the log and says what it cut.
func (st *starter) repairTail(ctx context.Context) (eventlog.TailCut, error) {
	cut, err := st.log.RepairTail(ctx, nil)
	var middle *eventlog.MiddleDamageError
	if errors.As(err, &middle) {
		return cut, &LogDamageError{Eve: damagedEvent(middle.Problem), Err: middle}
	}
	if err != nil {
		return cut, fmt.Errorf("pier: repair the event log's tail: %w", err)
	}
	if cut.Removed > 0 {
		var what string
		if cut.To >= cut.From && cut.To != 0 {
			what = fmt.Sprintf("events %d to %d", cut.From, cut.To)
		} else {
			what = "malformed entries"
		}
		msg := fmt.Sprintf("the event log's tail was damaged: cut %s (%d entries), keeping events 1 to %d",
			what, cut.Removed, cut.Last)
		notify(st.logger, st.notice, Notice{Kind: NoticeTailCut, Msg: msg, Eve: cut.From, Err: cut.Cause})
	}
	return cut, nil
}

// mismatch reports a replayed batch ending on another mug than logged.
func (st *starter) mismatch(m Mismatch) {
	notify(st.logger, st.notice, Notice{Kind: NoticeMugMismatch, Eve: m.Eve, Err: &ReplayMugError{m},
		Msg: fmt.Sprintf("replay: event %d: the log recorded mug %#08x, the serf computed %#08x", m.Eve, m.Want, m.Got)})
}

// checkSnapshotMug compares the mug of the state the serf loaded with the
// mug logged for its event, when the log knows it (not 0, as for boot
// events), and reports a difference as a replay's is reported: the
// snapshot does not match the log's history, and the log is the truth. A
// log that cannot be read there is left for the replay to find.
func (st *starter) checkSnapshotMug(info king.Info) {
	if info.Eve == 0 {
		return
	}
	evs, err := st.log.Read(info.Eve, 1)
	if err != nil || len(evs) == 0 || evs[0].Mug == 0 || evs[0].Mug == info.Mug {
		return
	}
	st.mismatch(Mismatch{Eve: info.Eve, Want: evs[0].Mug, Got: info.Mug})
}

// stop stops a serf, bounded by its ExitTimeout.
func (st *starter) stop(s *king.Serf) {
	if err := s.Stop(context.Background()); err != nil {
		st.logger.Warn("stop serf", zap.Error(err))
	}
}

// isLogDamage reports an error caused by a damaged or missing event.
func isLogDamage(err error) bool {
	var corrupt *eventlog.CorruptEventError
	var gap *eventlog.GapError
	return errors.As(err, &corrupt) || errors.As(err, &gap)
}

// damagedEvent is the first event number a damage report concerns.
func damagedEvent(err error) uint64 {
	var corrupt *eventlog.CorruptEventError
	var gap *eventlog.GapError
	switch {
	case errors.As(err, &corrupt):
		return corrupt.Num
	case errors.As(err, &gap):
		return gap.After + 1
	}
	return 0
}

// moveSnapshotAside renames .urb/chk to .urb/chk.bad-<unix time> (with a
// suffix if that exists), never deleting anything, and returns the new
// name ("" when there was no snapshot directory).
func moveSnapshotAside(lay Layout) (string, error) {
	if _, err := os.Stat(lay.Chk()); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	base := filepath.Join(lay.Urb(), "chk.bad-"+strconv.FormatInt(time.Now().Unix(), 10))
	to := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(to); errors.Is(err, fs.ErrNotExist) {
			break
		}
		to = base + "-" + strconv.Itoa(i)
	}
	if err := os.Rename(lay.Chk(), to); err != nil {
		return "", fmt.Errorf("pier: move snapshot aside: %w", err)
	}
	if err := syncDir(lay.Urb()); err != nil {
		return "", err
	}
	return to, nil
}
