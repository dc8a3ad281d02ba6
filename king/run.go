package king

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Run is the running loop: it takes requests from the channel and serves
// them until the channel is closed or a Kill arrives (after the work in
// flight has drained; Run then returns nil), ctx ends (Run returns ctx's
// error), or the serf fails (Run returns why, and the serf has been
// killed).
//
// Up to MaxInFlight Work writs are in flight at once; their replies come
// in order and go to their Done callbacks in that order. Save, Pack and
// Scry wait until the work in flight has drained, then run alone.
//
// Every callback (Work.Done, Save.Done, Pack.Done, Scry.Done, Spinner,
// WaitDurable) runs on the goroutine that called Run, one at a time. They
// must not block for long: while one runs, no reply is taken in. If Run
// returns an error, works it accepted but did not see answered get no
// callback; the error stands for them.
//
// Run holds the state lock while it has work in flight or runs a Save,
// Pack or Scry, and releases it whenever it is idle, so other flows (and
// LastEvent) may run between bursts. When ctx ends with work in flight,
// Run waits up to ExitTimeout for the replies (and delivers them), then
// kills the serf.
func (s *Serf) Run(ctx context.Context, requests <-chan Request, opts RunOptions) error {
	if opts.MaxInFlight < 0 {
		return fmt.Errorf("king: run: negative MaxInFlight %d", opts.MaxInFlight)
	}
	if opts.MaxInFlight == 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	r := &runner{s: s, ctx: ctx, opts: opts}
	defer r.idle()
	return r.loop(requests)
}

// runner is the state of one Run call.
//
// Invariant: st is non-nil (the state lock is held) whenever flight is not
// empty; flight holds the works sent and not yet answered, oldest first.
type runner struct {
	s    *Serf
	ctx  context.Context
	opts RunOptions
	st   *serfState

	flight []Work
	head   int // flight[head:] are in flight
	// sp builds the writs of works that come with their job's jam.
	sp writSplicer
	// spinning is true when the spinner was last told the serf is busy.
	spinning bool
}

// loop is Run's select loop.
func (r *runner) loop(requests <-chan Request) error {
	for {
		var in <-chan Request
		if r.inFlight() < r.opts.MaxInFlight {
			in = requests
		}
		var out <-chan pleaMsg
		var died <-chan struct{}
		if r.inFlight() > 0 {
			out = r.s.pleas
		} else {
			// While work is in flight a death shows as the end of the
			// plea stream; while idle it must be watched for.
			r.idle()
			died = r.s.done
		}
		select {
		case req, ok := <-in:
			if done, err := r.take(requests, req, ok); done || err != nil {
				return err
			}
		case m, ok := <-out:
			if err := r.reply(m, ok); err != nil {
				return err
			}
			if err := r.replies(); err != nil {
				return err
			}
		case <-died:
			// hold notices the death and returns ErrSerfNotRunning.
			if err := r.hold(); err != nil {
				return err
			}
			return ErrSerfNotRunning
		case <-r.ctx.Done():
			return r.cancel()
		}
	}
}

// take serves req and, while they are works that fit in flight, the
// requests already waiting behind it, then writes their writs in one
// go. done reports that Run should return.
func (r *runner) take(requests <-chan Request, req Request, ok bool) (done bool, err error) {
	for {
		if !ok {
			return true, r.drain()
		}
		if done, err := r.serve(req); done || err != nil {
			return done, err
		}
		if _, work := req.(Work); !work || r.inFlight() >= r.opts.MaxInFlight {
			break
		}
		select {
		case req, ok = <-requests:
			continue
		default:
		}
		break
	}
	if r.st == nil {
		return false, nil
	}
	return false, r.s.flush(r.st)
}

// serve handles one request; done reports that Run should return. A Work
// is only staged: take writes it.
func (r *runner) serve(req Request) (done bool, err error) {
	switch req := req.(type) {
	case Work:
		return false, r.work(req)
	case Kill:
		return true, r.drain()
	case Save, Pack, Scry:
		if err := r.drain(); err != nil {
			callDone(req, noun.Zero, err)
			return true, err
		}
		return false, r.alone(req)
	default:
		return true, fmt.Errorf("king: run: unknown request %T", req)
	}
}

// inFlight is the number of works awaiting replies.
func (r *runner) inFlight() int { return len(r.flight) - r.head }

// hold takes the state lock if Run does not hold it yet.
func (r *runner) hold() error {
	if r.st != nil {
		return nil
	}
	st, err := r.s.begin(r.ctx)
	if err != nil {
		return err
	}
	r.st = st
	return nil
}

// idle releases the state lock and tells the spinner, when nothing is in
// flight.
func (r *runner) idle() {
	if r.st != nil {
		r.s.unlock(r.st)
		r.st = nil
	}
	r.flight, r.head = r.flight[:0], 0
	if r.spinning {
		r.spinning = false
		if r.opts.Spinner != nil {
			r.opts.Spinner(SpinState{})
		}
	}
}

// spin tells the spinner about the oldest work in flight, which became
// the serf's current event now.
func (r *runner) spin() {
	r.spinning = true
	if r.opts.Spinner != nil {
		r.opts.Spinner(SpinState{Busy: true, Eve: r.st.eve + 1, Job: r.flight[r.head].Job, Since: time.Now()})
	}
}

// work sends one %work writ.
func (r *runner) work(w Work) error {
	if err := r.hold(); err != nil {
		return err
	}
	var frame []byte
	mil := wireMil(w.Mil)
	if w.JobJam != nil {
		frame, _ = r.sp.work(mil, w.JobJam) // nil if it does not cue
	}
	var err error
	if frame != nil {
		err = r.s.stageFrame(r.st, frame)
	} else {
		err = r.s.stageWrit(r.st, ipc.Work{Mil: mil, Job: w.Job})
	}
	if err != nil {
		return err
	}
	if r.head > 0 && r.head >= cap(r.flight)/2 {
		// Slide the queue down rather than let it grow under steady load.
		n := copy(r.flight, r.flight[r.head:])
		clear(r.flight[n:])
		r.flight, r.head = r.flight[:n], 0
	}
	r.flight = append(r.flight, w)
	if r.inFlight() == 1 {
		r.spin()
	}
	return nil
}

// reply matches one plea to the oldest work in flight.
func (r *runner) reply(m pleaMsg, ok bool) error {
	p, err := r.s.received(r.st, m, ok)
	if err != nil {
		return err
	}
	w := r.flight[r.head]
	r.flight[r.head] = Work{}
	r.head++
	var res WorkResult
	switch p := p.(type) {
	case ipc.WorkDone:
		if p.Eve != r.st.eve+1 {
			return r.s.unexpected(r.st, p, fmt.Sprintf("%%work reply for event %d", r.st.eve+1))
		}
		r.st.eve, r.st.mug = p.Eve, p.Mug
		res = WorkResult{Kind: WorkDone, Eve: p.Eve, Mug: p.Mug, Job: w.Job, Effects: p.Effects}
	case ipc.WorkSwap:
		if p.Eve != r.st.eve+1 {
			return r.s.unexpected(r.st, p, fmt.Sprintf("%%work reply for event %d", r.st.eve+1))
		}
		r.st.eve, r.st.mug = p.Eve, p.Mug
		res = WorkResult{Kind: WorkSwap, Eve: p.Eve, Mug: p.Mug, Job: p.Job, Effects: p.Effects}
	case ipc.WorkBail:
		res = WorkResult{Kind: WorkBail, Eve: r.st.eve, Mug: r.st.mug, Job: w.Job, Goofs: p.Goofs}
	default:
		return r.s.unexpected(r.st, p, "%work reply")
	}
	if r.inFlight() > 0 {
		r.spin()
	}
	if w.Done != nil {
		w.Done(res)
	}
	return nil
}

// replies takes in, without waiting, every reply already delivered, so
// that the slots they free are refilled together and their writs leave
// in one write.
func (r *runner) replies() error {
	for r.inFlight() > 0 {
		select {
		case m, ok := <-r.s.pleas:
			if err := r.reply(m, ok); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

// drain waits until no work is in flight.
func (r *runner) drain() error {
	if r.st != nil {
		if err := r.s.flush(r.st); err != nil {
			return err
		}
	}
	for r.inFlight() > 0 {
		select {
		case m, ok := <-r.s.pleas:
			if err := r.reply(m, ok); err != nil {
				return err
			}
		case <-r.ctx.Done():
			return r.cancel()
		}
	}
	return nil
}

// cancel ends Run after ctx ended: replies still owed are awaited (and
// delivered) for up to ExitTimeout, then the serf is killed.
func (r *runner) cancel() error {
	cause := r.ctx.Err()
	if r.inFlight() == 0 {
		return cause
	}
	if err := r.s.flush(r.st); err != nil {
		return err
	}
	grace := time.NewTimer(r.s.cfg.ExitTimeout)
	defer grace.Stop()
	for r.inFlight() > 0 {
		select {
		case m, ok := <-r.s.pleas:
			if err := r.reply(m, ok); err != nil {
				return err
			}
		case <-grace.C:
			return r.s.fail(r.st, fmt.Errorf("king: run: serf still busy %v after the context ended: %w",
				r.s.cfg.ExitTimeout, cause))
		}
	}
	return cause
}

// alone runs a Save, Pack or Scry with nothing in flight. Its outcome
// goes to its callback; Run goes on unless the serf failed.
func (r *runner) alone(req Request) error {
	if err := r.hold(); err != nil {
		callDone(req, noun.Zero, err)
		return err
	}
	var result noun.Noun
	var err error
	switch req := req.(type) {
	case Save:
		if r.opts.WaitDurable != nil {
			if err = r.opts.WaitDurable(r.ctx, r.st.eve); err != nil {
				err = fmt.Errorf("king: run: save: wait for the log: %w", err)
				break
			}
		}
		err = r.s.live(r.ctx, r.st, ipc.LiveSave{Eve: r.st.eve})
	case Pack:
		err = r.s.live(r.ctx, r.st, ipc.LivePack{})
	case Scry:
		result, err = r.s.peek(r.ctx, r.st, 0, noun.T(req.Gang, noun.Zero, req.Path))
	}
	callDone(req, result, err)
	if r.st.dead != nil {
		return err
	}
	var bail *PeekBailError
	if err != nil && !errors.As(err, &bail) && r.ctx.Err() != nil {
		// WaitDurable gave up because ctx ended: so does Run.
		return r.ctx.Err()
	}
	return nil
}

// callDone calls the Done callback of a Save, Pack or Scry, if any.
func callDone(req Request, result noun.Noun, err error) {
	switch req := req.(type) {
	case Save:
		if req.Done != nil {
			req.Done(err)
		}
	case Pack:
		if req.Done != nil {
			req.Done(err)
		}
	case Scry:
		if req.Done != nil {
			req.Done(result, err)
		}
	}
}
