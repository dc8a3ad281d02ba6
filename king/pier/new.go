package pier

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// NewOptions configure New. The zero value makes ~zod, not fake, which a
// bare boot list accepts and a %pill refuses (ErrLiveShip).
type NewOptions struct {
	// Who is the ship.
	Who noun.Noun
	// Fake is true for a fake ship.
	Fake bool
	// Entropy and Now, if set, replace the fresh entropy and the current
	// time of the boot sequence (see BootParams); for reproducible tests.
	Entropy noun.Noun
	Now     time.Time
	// Serf says which serf to boot with; its Pier field is set to the new
	// pier.
	Serf king.Config
	// ReplayBatch is the %play batch size for boot events after the boot
	// formulas; 0 means king.DefaultReplayBatch.
	ReplayBatch int
	// Logger receives the pier's log lines; nil means zap.NewNop().
	Logger *zap.Logger
	// NoSync makes the event log skip fsync (tests only).
	NoSync bool
	// Progress receives the boot's progress.
	Progress func(Progress)
}

// NewReport describes a newly booted pier.
type NewReport struct {
	// Who and Fake are the identity logged.
	Who  noun.Noun
	Fake bool
	// Life is the number of boot formulas.
	Life uint64
	// Events is the length of the boot sequence, the pier's last event.
	Events uint64
	// Mug is the kernel's mug after the boot sequence.
	Mug uint32
}

// New makes a pier in dir from a pill: it writes the identity and the
// boot sequence (Pill.Sequence) to a new event log, starts the serf, boots
// it from the log, has it snapshot and stops it.
//
// The boot is played as every replay from an empty serf is: one %play of
// exactly the life boot formulas, then the rest of the sequence in %play
// batches, so that a replay of the log always rebuilds the same state. For
// a bare boot list (life = its length) that is one %play of the whole
// sequence. Every boot event is logged with mug 0 ("unknown"): the log is
// written before the serf computes anything, and a %play reports only the
// mug after its last event; that mug is returned and kept in the snapshot
// note.
//
// dir must not exist or be an empty directory (ErrPierExists otherwise).
// On failure New removes what it made: the whole directory if it created
// it.
func New(ctx context.Context, dir string, pill Pill, opts NewOptions) (rep NewReport, err error) {
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logger.With(zap.String("pier", dir))
	events, life, err := pill.Sequence(BootParams{Who: opts.Who, Fake: opts.Fake, Entropy: opts.Entropy, Now: opts.Now})
	if err != nil {
		return NewReport{}, err
	}
	created, err := makePierDir(dir)
	if err != nil {
		return NewReport{}, err
	}
	lay := Layout{Dir: dir}
	var lock *Lock
	defer func() {
		_ = lock.Release()
		if err == nil {
			return
		}
		if created {
			_ = os.RemoveAll(dir)
		} else {
			_ = os.RemoveAll(lay.Urb())
			_ = os.Remove(lay.Lock())
		}
	}()
	if lock, err = AcquireLock(dir); err != nil {
		return NewReport{}, err
	}
	for _, d := range []string{lay.Urb(), lay.Put(), lay.Get()} {
		if err = os.MkdirAll(d, 0o700); err != nil {
			return NewReport{}, fmt.Errorf("pier: new: %w", err)
		}
	}
	id := eventlog.Identity{Who: opts.Who, Fake: opts.Fake, Life: life}
	lg, err := eventlog.Create(lay.Log(), id, eventlog.Options{Logger: logger, NoSync: opts.NoSync})
	if err != nil {
		return NewReport{}, fmt.Errorf("pier: new: %w", err)
	}
	defer func() {
		if cerr := lg.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	logged := make([]eventlog.Event, len(events))
	for i, ev := range events {
		logged[i] = eventlog.Event{Num: uint64(i + 1), Jam: noun.Jam(ev)}
	}
	if err = lg.Append(ctx, logged); err != nil {
		return NewReport{}, fmt.Errorf("pier: new: log the boot sequence: %w", err)
	}
	logger.Info("boot sequence logged", zap.Int("events", len(events)), zap.Uint64("life", life))

	st := &starter{dir: dir, log: lg, logger: logger, cfg: opts.Serf, unusableExit: -1,
		batch: opts.ReplayBatch, progress: opts.Progress}
	s, eve, mug, err := st.startCaughtUp(ctx)
	if err != nil {
		return NewReport{}, fmt.Errorf("pier: new: boot: %w", err)
	}
	if eve != uint64(len(events)) {
		st.stop(s)
		return NewReport{}, fmt.Errorf("pier: new: after the boot sequence of %d events the serf is at event %d",
			len(events), eve)
	}
	if err = snapshotAndStop(ctx, s, dir, eve, mug); err != nil {
		return NewReport{}, fmt.Errorf("pier: new: %w", err)
	}
	logger.Info("pier booted", zap.Uint64("events", eve), zap.Uint32("mug", mug))
	return NewReport{Who: opts.Who, Fake: opts.Fake, Life: life, Events: eve, Mug: mug}, nil
}

// makePierDir makes dir, or accepts it if it is an empty directory, and
// says whether it created it.
func makePierDir(dir string) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, fmt.Errorf("pier: new: %w", err)
		}
		return true, nil
	case err != nil:
		if _, serr := os.Stat(dir); serr == nil {
			return false, fmt.Errorf("%w: %s exists and is not an empty directory", ErrPierExists, dir)
		}
		return false, fmt.Errorf("pier: new: %w", err)
	case len(entries) > 0:
		if _, serr := os.Stat(Layout{Dir: dir}.Urb()); serr == nil {
			return false, fmt.Errorf("%w: %s", ErrPierExists, dir)
		}
		return false, fmt.Errorf("%w: %s is not empty", ErrPierExists, dir)
	}
	return false, nil
}

// snapshotAndStop has the serf (at event eve, mug mug, which the log holds
// durably) snapshot, records the snapshot note and stops the serf.
func snapshotAndStop(ctx context.Context, s *king.Serf, dir string, eve uint64, mug uint32) error {
	if err := s.Snapshot(ctx); err != nil {
		_ = s.Stop(context.Background())
		return fmt.Errorf("snapshot: %w", err)
	}
	noteErr := writeSnapshotNote(dir, SnapshotNote{Event: eve, Mug: mug, Time: time.Now().UTC()})
	if err := s.Stop(ctx); err != nil {
		return fmt.Errorf("stop serf: %w", err)
	}
	return noteErr
}
