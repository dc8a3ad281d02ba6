package pier

import (
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/eventlog"
)

// Options configure Open. The zero value is usable.
type Options struct {
	// Logger receives the pier's log lines; nil means zap.NewNop().
	Logger *zap.Logger
	// NoSync makes the event log skip fsync. Appends are then not durable
	// across a machine crash: for tests and throwaway piers only.
	NoSync bool
}

// Pier is an open pier: the pier lock held, the event log open. Run runs
// it; Close releases it.
//
// Invariant: while a Pier is open this process holds <pier>/.vere.lock
// and the log's exclusive lock, so no other king (or writer) touches the
// log or the snapshot.
type Pier struct {
	dir    string
	lay    Layout
	logger *zap.Logger
	lock   *Lock
	log    *eventlog.Log

	mu     sync.Mutex
	closed bool
	run    *runner // non-nil while Run runs

	// commitFault, if not nil, is asked before each commit and may fail
	// it: a test seam standing for a disk that stops taking writes.
	commitFault func(eve uint64) error
}

// Open takes the lock of the pier in dir and opens its event log. A pier
// another king runs is a *LockedError (errors.Is(err, ErrLocked)) naming
// that king's pid; Open never waits for it. A directory without a pier is
// ErrNoPier.
func Open(dir string, opts Options) (*Pier, error) {
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	if err := checkPier(dir); err != nil {
		return nil, err
	}
	lock, err := AcquireLock(dir)
	if err != nil {
		return nil, err
	}
	lay := Layout{Dir: dir}
	lg, err := eventlog.Open(lay.Log(), eventlog.Options{Logger: logger, NoSync: opts.NoSync})
	if err != nil {
		_ = lock.Release()
		if errors.Is(err, eventlog.ErrLocked) {
			return nil, fmt.Errorf("pier: the event log of %s is open in another program (a read-only tool such as king info or king replay?): %w",
				dir, err)
		}
		return nil, fmt.Errorf("pier: open %s: %w", dir, err)
	}
	logger = logger.With(zap.String("pier", dir))
	last, _ := lg.Last()
	id := lg.Identity()
	logger.Info("pier opened", zap.Uint64("events", last), zap.Uint64("life", id.Life), zap.Bool("fake", id.Fake))
	return &Pier{dir: dir, lay: lay, logger: logger, lock: lock, log: lg}, nil
}

// Dir returns the pier directory.
func (p *Pier) Dir() string { return p.dir }

// Identity returns the identity recorded in the event log.
func (p *Pier) Identity() eventlog.Identity { return p.log.Identity() }

// LastCommitted returns the last event durably in the log and its logged
// mug.
func (p *Pier) LastCommitted() (eve uint64, mug uint32) { return p.log.Last() }

// Close closes the event log and releases the pier lock. It fails with
// ErrAlreadyRunning while Run runs (Shutdown first). Later calls return
// ErrClosed.
func (p *Pier) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	if p.run != nil {
		p.mu.Unlock()
		return fmt.Errorf("pier: close: %w", ErrAlreadyRunning)
	}
	p.closed = true
	p.mu.Unlock()
	err := p.log.Close()
	if lerr := p.lock.Release(); err == nil {
		err = lerr
	}
	p.logger.Info("pier closed")
	return err
}
