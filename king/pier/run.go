package pier

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// Run runs the pier until Shutdown (Run returns nil once the pier has
// stopped cleanly), ctx ends (ctx's error: the serf is killed after at
// most its ExitTimeout, nothing is snapshotted, every event already
// computed is still committed), or a failure it cannot recover from.
//
// Run starts the serf, replays the logged events it has not seen, calls
// OnReady and then takes events from Inject. Each event goes to the serf
// through king.Serf.Run (MaxInFlight in flight); a computed event is
// committed to the log in group commits, and only once it is durable are
// its effects released (RunOptions.Effects, then Inject's result). A bail
// is reported to its Inject caller, logged, and not committed. A commit
// that fails stops intake, releases no effect of any uncommitted event and
// makes Run return the error.
//
// Run supervises the serf: one that dies unexpectedly is restarted after
// an exponential backoff; the new serf loads its snapshot and replays the
// log, and the events that were in flight are sent again, so none is lost
// or computed twice into the log. Past the restart intensity Run returns a
// *RestartLimitError with the serf's last stderr lines. A serf that cannot
// use its snapshot has it moved aside (never deleted) and replays the whole
// log. A damaged tail of the log is cut; damage in the middle makes Run
// return a *LogDamageError.
func (p *Pier) Run(ctx context.Context, opts RunOptions) error {
	r, err := p.startRun(ctx, opts)
	if err != nil {
		return err
	}
	err = r.supervise()
	r.finish(err)
	return err
}

// startRun registers a new runner.
func (p *Pier) startRun(ctx context.Context, opts RunOptions) (*runner, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if p.run != nil {
		return nil, ErrAlreadyRunning
	}
	opts = opts.withDefaults()
	rctx, cancel := context.WithCancel(ctx)
	r := &runner{
		p:       p,
		opts:    opts,
		logger:  p.logger,
		ctx:     rctx,
		cancel:  cancel,
		intake:  make(chan *job),
		ctl:     make(chan ctlReq),
		slots:   make(chan struct{}, opts.MaxPending),
		stopCh:  make(chan struct{}),
		done:    make(chan struct{}),
		fatalCh: make(chan struct{}),
		started: time.Now(),
	}
	r.watch = newSlowWatch(opts.SlowEvent, p.log.Identity().Life, r.slowEvent)
	r.rel = newReleaser(r)
	p.run = r
	return r, nil
}

// runner is the state of one Run call.
//
// Goroutines: the supervisor (Run's caller) owns the fields marked
// "supervisor"; the serf's Run goroutine runs the Work callbacks (see
// commit.go); the releaser releases committed events. Fields shared
// between them are under mu or atomic.
//
// Invariants:
//   - every job accepted from intake is, until settled, in exactly one of:
//     toSend (not yet handed to the serf), handed and not answered, or
//     answered and awaiting its commit in the releaser;
//   - events reach the log in the order the serf numbered them, and the
//     serf's numbering continues the log: a new serf is given work only
//     after it has replayed every event submitted to the log;
//   - effects are released in event order, each only after its commit.
type runner struct {
	p      *Pier
	opts   RunOptions
	logger *zap.Logger
	ctx    context.Context // Run's ctx; cancel is the hard stop
	cancel context.CancelFunc

	intake  chan *job
	ctl     chan ctlReq
	slots   chan struct{} // semaphore of accepted, unsettled jobs
	stopCh  chan struct{} // closed by Shutdown
	stopped sync.Once
	done    chan struct{} // closed when Run has ended
	result  error         // Run's result, set before done closes

	watch *slowWatch
	rel   *releaser

	// supervisor
	toSend   []outgoing
	handed   []*job
	prevDate noun.Noun
	deaths   []time.Time
	ready    bool

	inflight atomic.Int64 // accepted, unsettled jobs

	mu       sync.Mutex
	serf     *king.Serf
	serfEve  uint64
	serfMug  uint32
	restarts int
	lastWait waiter // the commit of the last event submitted
	saveEve  uint64 // the event of the Save in progress
	fatal    error
	fatalCh  chan struct{} // closed when fatal is set
	// saveErr is the outcome of the last Save: written by onSave on the
	// serf's Run goroutine, read by the supervisor after that Run ended.
	saveErr error
	// catchUpCancel interrupts the start and replay in progress, if any.
	catchUpCancel context.CancelFunc
	started       time.Time
}

// outgoing is a request waiting to be handed to the serf's Run: a job's
// work, a Save, or the end of the serf's Run (close).
type outgoing struct {
	job   *job
	save  bool
	close bool
}

// ctlReq is a RestartSerf request to the supervisor; reply (buffered)
// receives its outcome.
type ctlReq struct {
	reply chan error
}

// supervise is the supervisor: it runs serf incarnations until the pier
// stops.
func (r *runner) supervise() error {
	var restart *restartReq
	for {
		s, err := r.incarnate()
		if restart != nil {
			restart.reply <- r.restarted(restart, err)
			restart = nil
		}
		if err != nil {
			if r.stopping() || r.ctx.Err() != nil {
				return r.stopResult(err)
			}
			if ferr := r.fatalErr(); ferr != nil {
				return ferr
			}
			if !r.ready || isPermanent(err) {
				return err
			}
			if err := r.died(nil, err); err != nil {
				return err
			}
			continue
		}
		if !r.ready {
			r.ready = true
			if r.opts.OnReady != nil {
				r.opts.OnReady()
			}
		}
		out := r.serve(s)
		restart = out.restart
		switch out.kind {
		case endFatal, endStopped:
			if restart != nil {
				restart.reply <- fmt.Errorf("pier: restart interrupted: %w", orErr(out.err, ErrNotRunning))
			}
			return out.err
		case endDeath:
			if err := r.died(s, out.err); err != nil {
				if restart != nil {
					restart.reply <- err
				}
				return err
			}
		}
	}
}

// restarted is RestartSerf's answer once the new serf is up (or not).
func (r *runner) restarted(req *restartReq, err error) error {
	if err != nil {
		return fmt.Errorf("pier: restart serf: %w", err)
	}
	if req.died {
		return fmt.Errorf("pier: restart serf: the serf died before it could be stopped; the supervisor restarted it")
	}
	eve, mug := r.serfState()
	if eve != req.eve || mug != req.mug {
		return fmt.Errorf("%w: restart serf: before, event %d mug %#08x; after, event %d mug %#08x",
			ErrMugMismatch, req.eve, req.mug, eve, mug)
	}
	r.logger.Info("serf restarted", zap.Uint64("eve", eve), zap.Uint32("mug", mug))
	return nil
}

// orErr returns err, or def if err is nil.
func orErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// stopResult is Run's result when it stops during a start or a restart:
// nil for a Shutdown, ctx's error for a hard stop.
func (r *runner) stopResult(err error) error {
	if cerr := r.ctx.Err(); cerr != nil {
		return cerr
	}
	if r.stopping() {
		r.logger.Info("pier stopped before the serf was ready", zap.NamedError("interrupted", err))
		return nil
	}
	return err
}

// beginStop is Shutdown's first step: it interrupts a start or replay in
// progress, then closes stopCh. It is idempotent.
func (r *runner) beginStop() {
	r.stopped.Do(func() {
		r.mu.Lock()
		if r.catchUpCancel != nil {
			r.catchUpCancel()
		}
		r.mu.Unlock()
		close(r.stopCh)
	})
}

// stopping reports whether Shutdown has begun.
func (r *runner) stopping() bool {
	select {
	case <-r.stopCh:
		return true
	default:
		return false
	}
}

// finish ends Run: settles every job still pending with err (or
// ErrNotRunning), lets the releaser release what commits, and unregisters.
func (r *runner) finish(err error) {
	cause := err
	if cause == nil {
		cause = ErrNotRunning
	}
	for _, o := range r.toSend {
		if o.job != nil {
			r.settle(o.job, Result{}, fmt.Errorf("pier: event not computed: %w", cause))
		}
	}
	r.toSend = nil
	for _, j := range r.handed {
		if !j.answered.Load() {
			r.settle(j, Result{}, fmt.Errorf("pier: event not computed: %w", cause))
		}
	}
	r.handed = nil
	r.rel.close()
	r.watch.stop()
	r.cancel()
	r.result = err
	r.p.mu.Lock()
	r.p.run = nil
	r.p.mu.Unlock()
	close(r.done)
	if err != nil {
		r.logger.Error("pier stopped", zap.Error(err))
	} else {
		r.logger.Info("pier stopped")
	}
}

// setFatal records the first unrecoverable error (a failed commit).
func (r *runner) setFatal(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fatal != nil {
		return
	}
	r.fatal = err
	close(r.fatalCh)
	r.logger.Error("pier: intake stopped", zap.Error(err))
}

// fatalErr returns the fatal error, if any.
func (r *runner) fatalErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal
}

// isPermanent reports errors a restart cannot cure.
func isPermanent(err error) bool {
	var damage *LogDamageError
	var bail *king.PlayBailError
	return errors.As(err, &damage) || errors.As(err, &bail) || errors.Is(err, ErrNotCommitted)
}
