package pier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
)

// ReplayOptions configure Replay. The zero value replays the whole log
// into a fresh serf in a scratch directory.
type ReplayOptions struct {
	// FromSnapshot starts from a copy of the pier's snapshot instead of
	// an empty serf.
	FromSnapshot bool
	// To is the last event to replay; 0 means the log's last event.
	To uint64
	// BatchSize is the %play batch size; 0 means king.DefaultReplayBatch.
	// Each batch's final mug is compared with the log's, so 1 compares
	// every event.
	BatchSize int
	// InPlace replays into the pier itself (taking its lock), leaving the
	// resulting snapshot there. Without FromSnapshot the pier's snapshot
	// is first moved aside to .urb/chk.old-<unix time>, never deleted.
	InPlace bool
	// Serf says which serf to replay with; its Pier field is set.
	Serf king.Config
	// ScratchDir is where the scratch pier is made; "" means
	// os.TempDir(). The scratch pier is removed afterwards.
	ScratchDir string
	// Logger receives log lines; nil means zap.NewNop().
	Logger *zap.Logger
	// Progress receives the replay's progress after each batch.
	Progress func(Progress)
	// SlowEvent and OnSlowEvent name batches computing for long (see
	// RunOptions).
	SlowEvent   time.Duration
	OnSlowEvent func(SlowEvent)
}

// ReplayReport is the outcome of Replay.
type ReplayReport struct {
	// First is the first event replayed (the snapshot's event plus one).
	First uint64
	// Last is the serf's last event at the end.
	Last uint64
	// Events is how many events were replayed.
	Events uint64
	// Elapsed is the time the replay took, serf start included.
	Elapsed time.Duration
	// FinalMug is the serf's mug after Last.
	FinalMug uint32
	// Mismatches lists every batch whose final mug differed from the mug
	// the log recorded for its last event (events logged with mug 0, such
	// as the boot sequence, are not compared).
	Mismatches []Mismatch
}

// EventsPerSecond is the replay's rate.
func (r ReplayReport) EventsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Events) / r.Elapsed.Seconds()
}

// Replay replays a pier's log into a fresh serf and compares mugs, for
// checking a log (`king replay`). It never modifies the pier unless
// InPlace: it opens the log read-only, without the pier lock, and replays
// into a scratch directory (with a copy of the snapshot if FromSnapshot).
// A pier that a king is running gives a *LockedError at once.
//
// Every mismatch is reported, the replay goes on; a mismatch is not an
// error. A damaged log stops the replay with an error naming the event.
func Replay(ctx context.Context, dir string, opts ReplayOptions) (rep ReplayReport, err error) {
	began := time.Now()
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logger.With(zap.String("pier", dir))
	if opts.InPlace {
		if err := checkPier(dir); err != nil {
			return ReplayReport{}, err
		}
		lock, err := AcquireLock(dir)
		if err != nil {
			return ReplayReport{}, err
		}
		defer lock.Release()
	}
	lg, err := openLogReadOnly(dir, logger)
	if err != nil {
		return ReplayReport{}, err
	}
	defer lg.Close()
	last, _ := lg.Last()
	to := opts.To
	if to == 0 {
		to = last
	}
	if to > last {
		return ReplayReport{}, fmt.Errorf("pier: replay to event %d: the log ends at event %d", to, last)
	}

	serfDir, cleanup, err := replayDir(dir, opts)
	if err != nil {
		return ReplayReport{}, err
	}
	defer cleanup()

	cfg := opts.Serf
	cfg.Pier = serfDir
	if cfg.Logger == nil {
		cfg.Logger = logger
	}
	s, info, err := king.Start(ctx, cfg)
	if err != nil {
		return ReplayReport{}, fmt.Errorf("pier: replay: start serf: %w", err)
	}
	defer func() {
		if serr := s.Stop(context.Background()); serr != nil && err == nil {
			err = fmt.Errorf("pier: replay: stop serf: %w", serr)
		}
	}()
	if info.Eve > to {
		return ReplayReport{}, fmt.Errorf("pier: replay to event %d: the snapshot is already at event %d", to, info.Eve)
	}
	rep = ReplayReport{First: info.Eve + 1, Last: info.Eve, FinalMug: info.Mug}
	pl := &play{log: lg, life: lg.Identity().Life, batch: opts.BatchSize, progress: opts.Progress,
		mismatch: func(m Mismatch) {
			logger.Warn("replay: mug mismatch", zap.Uint64("eve", m.Eve), zap.Uint32("logged", m.Want),
				zap.Uint32("computed", m.Got))
			rep.Mismatches = append(rep.Mismatches, m)
		},
		watch: newSlowWatch(opts.SlowEvent, lg.Identity().Life, opts.OnSlowEvent)}
	eve, mug, err := pl.run(ctx, s, info.Eve, info.Mug, to)
	rep.Last, rep.FinalMug, rep.Events = eve, mug, eve-info.Eve
	rep.Elapsed = time.Since(began)
	if err != nil {
		if isLogDamage(err) {
			return rep, &LogDamageError{Eve: damagedEvent(err), Err: err}
		}
		return rep, err
	}
	if opts.InPlace {
		if err := s.Snapshot(ctx); err != nil {
			return rep, fmt.Errorf("pier: replay: snapshot: %w", err)
		}
		if err := writeSnapshotNote(dir, SnapshotNote{Event: eve, Mug: mug, Time: time.Now().UTC()}); err != nil {
			return rep, err
		}
	}
	logger.Info("replay done", zap.Uint64("events", rep.Events), zap.Uint64("last", eve),
		zap.Uint32("mug", mug), zap.Int("mismatches", len(rep.Mismatches)),
		zap.Duration("elapsed", rep.Elapsed))
	return rep, nil
}

// replayDir prepares the directory the replay's serf runs in and returns
// a cleanup.
func replayDir(dir string, opts ReplayOptions) (string, func(), error) {
	lay := Layout{Dir: dir}
	if opts.InPlace {
		if !opts.FromSnapshot {
			if _, err := os.Stat(lay.Chk()); err == nil {
				to := filepath.Join(lay.Urb(), "chk.old-"+strconv.FormatInt(time.Now().Unix(), 10))
				if _, err := os.Lstat(to); err == nil {
					return "", nil, fmt.Errorf("pier: replay: %s already exists", to)
				}
				if err := os.Rename(lay.Chk(), to); err != nil {
					return "", nil, fmt.Errorf("pier: replay: move the snapshot aside: %w", err)
				}
			}
		}
		return dir, func() {}, nil
	}
	scratch, err := os.MkdirTemp(opts.ScratchDir, "king-replay-")
	if err != nil {
		return "", nil, fmt.Errorf("pier: replay: scratch directory: %w", err)
	}
	cleanup := func() { _ = os.RemoveAll(scratch) }
	slay := Layout{Dir: scratch}
	for _, d := range []string{slay.Put(), slay.Get()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("pier: replay: %w", err)
		}
	}
	if opts.FromSnapshot {
		if err := copyTree(lay.Chk(), slay.Chk()); err != nil {
			cleanup()
			return "", nil, fmt.Errorf("pier: replay: copy the snapshot: %w", err)
		}
	}
	return scratch, cleanup, nil
}

// copyTree copies the regular files and directories under src to dst. A
// missing src copies nothing.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == src {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
}

// copyFile copies one regular file.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
