package pier

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// job is one injected event, from Inject to its outcome.
type job struct {
	ovum noun.Noun
	// work is [now ovum], set by the supervisor when it accepts the job;
	// jam is noun.Jam(work), made once, there: the %work writ is spliced
	// from it (king.Work.JobJam) and it is what the log stores when the
	// event is done. Neither changes once set, so a job sent again to a
	// restarted serf is the same event.
	work noun.Noun
	jam  []byte
	// answered is set when the serf has answered the job's %work.
	answered atomic.Bool
	settled  atomic.Bool
	done     chan struct{} // closed once res and err are set
	res      Result
	err      error
}

// waiter is a commit in progress: *eventlog.Pending, or a failed one.
type waiter interface {
	Done() <-chan struct{}
	Err() error
}

// failedWaiter is a commit that failed before it started.
type failedWaiter struct{ err error }

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (f failedWaiter) Done() <-chan struct{} { return closedChan }
func (f failedWaiter) Err() error            { return f.err }

// onWork receives a job's result, on the serf's Run goroutine. It must
// not block: a computed event is submitted to the log's group commit and
// handed to the releaser, which releases it once durable.
func (r *runner) onWork(j *job, res king.WorkResult) {
	j.answered.Store(true)
	if res.Kind == king.WorkBail {
		r.logger.Warn("event bailed, nothing committed", zap.Stringer("ovum", jobSummary{j.work}),
			zap.Stringers("goofs", goofStringers(res)))
		r.settle(j, resultOf(res), &BailError{Goofs: res.Goofs})
		return
	}
	r.mu.Lock()
	r.serfEve, r.serfMug = res.Eve, res.Mug
	r.mu.Unlock()
	if err := r.fatalErr(); err != nil {
		// The log is broken: nothing more is committed or released.
		r.settle(j, Result{}, fmt.Errorf("%w: event %d: %w", ErrNotCommitted, res.Eve, err))
		return
	}
	if res.Kind == king.WorkSwap {
		r.logger.Warn("event crashed and was replaced by a %crud", zap.Uint64("eve", res.Eve),
			zap.Stringer("ovum", jobSummary{j.work}))
	}
	// A done event is logged as sent: its jam was made at intake. A swap
	// logs the serf's replacement, which has to be jammed here.
	jam := j.jam
	if res.Kind == king.WorkSwap || jam == nil {
		jam = noun.Jam(res.Job)
	}
	w := r.submit(eventlog.Event{Num: res.Eve, Mug: res.Mug, Jam: jam})
	r.mu.Lock()
	r.lastWait = w
	r.mu.Unlock()
	r.rel.push(relEntry{w: w, j: j, res: resultOf(res)})
}

// submit queues one event for the next group commit. A submission that
// fails at once (a broken log, an event out of order) is a failed commit.
func (r *runner) submit(ev eventlog.Event) waiter {
	var err error
	if fault := r.p.commitFault; fault != nil {
		err = fault(ev.Num)
	}
	var w waiter
	if err == nil {
		var pend *eventlog.Pending
		// The commit must happen even if Run is being stopped: the serf
		// has the event, and the log must follow the serf.
		if pend, err = r.p.log.Submit(context.Background(), []eventlog.Event{ev}); err == nil {
			w = pend
		}
	}
	if err != nil {
		err = fmt.Errorf("pier: commit event %d: %w", ev.Num, err)
		r.setFatal(err)
		return failedWaiter{err}
	}
	return w
}

// waitDurable is the serf's RunOptions.WaitDurable: it returns once the
// log holds eve durably, so a snapshot is never ahead of the log. It runs
// on the serf's Run goroutine, with no work in flight.
func (r *runner) waitDurable(ctx context.Context, eve uint64) error {
	r.mu.Lock()
	r.saveEve = eve
	w := r.lastWait
	r.mu.Unlock()
	if last, _ := r.p.log.Last(); last >= eve {
		return nil
	}
	if w == nil {
		last, _ := r.p.log.Last()
		return fmt.Errorf("pier: the log (at event %d) is behind the serf (at %d) with nothing to commit", last, eve)
	}
	select {
	case <-w.Done():
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := w.Err(); err != nil {
		return err
	}
	if last, _ := r.p.log.Last(); last < eve {
		return fmt.Errorf("pier: the log (at event %d) is behind the serf (at %d)", last, eve)
	}
	return nil
}

// waitCommitted waits until every event submitted so far is durable, or
// returns why not.
func (r *runner) waitCommitted(ctx context.Context) error {
	r.mu.Lock()
	w := r.lastWait
	r.mu.Unlock()
	if w != nil {
		select {
		case <-w.Done():
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := w.Err(); err != nil {
			return err
		}
	}
	return r.fatalErr()
}

// settle delivers a job's outcome, once.
func (r *runner) settle(j *job, res Result, err error) {
	if !j.settled.CompareAndSwap(false, true) {
		return
	}
	j.res, j.err = res, err
	// Free the slot and the count before waking the waiter, so a caller
	// whose Inject has returned sees the event no longer pending.
	<-r.slots
	r.inflight.Add(-1)
	close(j.done)
}

// relEntry is a computed event awaiting its commit.
type relEntry struct {
	w   waiter
	j   *job
	res Result
}

// releaser releases computed events once durable, in event order, on its
// own goroutine: it calls RunOptions.Effects and settles the job. An event
// whose commit failed is never released.
type releaser struct {
	r  *runner
	mu sync.Mutex
	// q[head:] are the queued entries. The backing array (up to
	// MaxPending entries of ~100 B) is dropped whenever the queue runs
	// dry, so an idle pier holds none of it, and slides down when its
	// dead prefix fills half of it, so a queue that never runs dry does
	// not grow.
	q      []relEntry
	head   int
	closed bool
	wake   chan struct{} // capacity 1: "the queue changed"
	done   chan struct{}
}

func newReleaser(r *runner) *releaser {
	rel := &releaser{r: r, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go rel.loop()
	return rel
}

// push queues an entry.
func (rel *releaser) push(e relEntry) {
	rel.mu.Lock()
	if rel.head > 0 && rel.head >= cap(rel.q)/2 {
		// Slide the queue down rather than let a queue that never runs
		// dry grow.
		n := copy(rel.q, rel.q[rel.head:])
		clear(rel.q[n:])
		rel.q, rel.head = rel.q[:n], 0
	}
	rel.q = append(rel.q, e)
	rel.mu.Unlock()
	rel.poke()
}

// close lets the releaser finish what is queued and waits for it.
func (rel *releaser) close() {
	rel.mu.Lock()
	rel.closed = true
	rel.mu.Unlock()
	rel.poke()
	<-rel.done
}

func (rel *releaser) poke() {
	select {
	case rel.wake <- struct{}{}:
	default:
	}
}

// pop waits for the next entry; ok is false once closed and empty.
func (rel *releaser) pop() (relEntry, bool) {
	for {
		rel.mu.Lock()
		if rel.head < len(rel.q) {
			e := rel.q[rel.head]
			rel.q[rel.head] = relEntry{}
			if rel.head++; rel.head == len(rel.q) {
				rel.q, rel.head = nil, 0
			}
			rel.mu.Unlock()
			return e, true
		}
		closed := rel.closed
		rel.mu.Unlock()
		if closed {
			return relEntry{}, false
		}
		<-rel.wake
	}
}

func (rel *releaser) loop() {
	defer close(rel.done)
	r := rel.r
	for {
		e, ok := rel.pop()
		if !ok {
			return
		}
		// Commits always end (Log.Close commits what was submitted), so
		// this wait is bounded.
		<-e.w.Done()
		if err := e.w.Err(); err != nil {
			r.setFatal(err)
			r.settle(e.j, Result{}, fmt.Errorf("%w: event %d: %w", ErrNotCommitted, e.res.Eve, err))
			continue
		}
		if r.opts.Effects != nil {
			r.opts.Effects(e.res.Eve, e.res.Effects)
		}
		r.settle(e.j, e.res, nil)
	}
}

// resultOf converts the serf's result.
func resultOf(res king.WorkResult) Result {
	return Result{Kind: res.Kind, Eve: res.Eve, Mug: res.Mug, Job: res.Job, Effects: res.Effects, Goofs: res.Goofs}
}

// jobSummary renders a job's wire and card tag for the log, lazily.
type jobSummary struct{ job noun.Noun }

func (s jobSummary) String() string {
	wire, card := describeJob(^uint64(0), 0, s.job)
	return wire + " " + card
}

// goofStringers renders a bail's goofs for the log.
func goofStringers(res king.WorkResult) []fmt.Stringer {
	out := make([]fmt.Stringer, len(res.Goofs))
	for i, g := range res.Goofs {
		out[i] = g
	}
	return out
}
