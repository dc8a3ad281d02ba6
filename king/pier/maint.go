package pier

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
)

// MaintOptions configure Pack, Meld and Cram.
type MaintOptions struct {
	// Serf says which serf to use; its Pier field is set.
	Serf king.Config
	// Logger receives log lines; nil means zap.NewNop().
	Logger *zap.Logger
	// ReplayBatch, Progress and OnNotice are as in RunOptions, for the
	// replay that brings the serf up to date first.
	ReplayBatch int
	Progress    func(Progress)
	OnNotice    func(Notice)
	// SnapshotUnusableExit is as in RunOptions; 0 means
	// DefaultSnapshotUnusableExit.
	SnapshotUnusableExit int
}

// Pack compacts the state of the pier in dir (`king pack`): it takes the
// pier, starts the serf, replays what the snapshot lacks, sends
// [%live %pack ~], snapshots the result and stops.
func Pack(ctx context.Context, dir string, opts MaintOptions) error {
	return withSerf(ctx, dir, opts, "pack", func(s *king.Serf) error { return s.Compact(ctx) })
}

// Meld deduplicates the state of the pier in dir (`king meld`), as Pack
// does with [%live %meld ~].
func Meld(ctx context.Context, dir string, opts MaintOptions) error {
	return withSerf(ctx, dir, opts, "meld", func(s *king.Serf) error { return s.Meld(ctx) })
}

// Cram has the serf of the pier in dir write its portable state file for
// its last event (`king cram`) and returns that event and the file's path,
// <pier>/.urb/roc/<eve>.jam.
func Cram(ctx context.Context, dir string, opts MaintOptions) (eve uint64, path string, err error) {
	err = withSerf(ctx, dir, opts, "cram", func(s *king.Serf) error {
		var cerr error
		eve, cerr = s.Cram(ctx)
		return cerr
	})
	if err != nil {
		return 0, "", err
	}
	return eve, filepath.Join(Layout{Dir: dir}.Roc(), strconv.FormatUint(eve, 10)+".jam"), nil
}

// withSerf opens the pier, starts a caught-up serf, runs fn, snapshots,
// stops the serf and closes the pier.
func withSerf(ctx context.Context, dir string, opts MaintOptions, what string, fn func(*king.Serf) error) (err error) {
	p, err := Open(dir, Options{Logger: opts.Logger})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := p.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	st := &starter{dir: dir, log: p.log, logger: p.logger, cfg: opts.Serf,
		unusableExit: cmp.Or(opts.SnapshotUnusableExit, DefaultSnapshotUnusableExit), batch: opts.ReplayBatch, progress: opts.Progress,
		notice: opts.OnNotice}
	s, eve, mug, err := st.startCaughtUp(ctx)
	if err != nil {
		return fmt.Errorf("pier: %s: %w", what, err)
	}
	if err := fn(s); err != nil {
		st.stop(s)
		return fmt.Errorf("pier: %s: %w", what, err)
	}
	if err := snapshotAndStop(ctx, s, dir, eve, mug); err != nil {
		return fmt.Errorf("pier: %s: %w", what, err)
	}
	p.logger.Info(what+" done", zap.Uint64("eve", eve))
	return nil
}
