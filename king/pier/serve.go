package pier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// endKind says why serve returned.
type endKind uint8

const (
	// endStopped: Shutdown completed, or ctx ended (err says which).
	endStopped endKind = iota + 1
	// endRestart: RestartSerf stopped the serf cleanly.
	endRestart
	// endDeath: the serf died or failed; it has been reaped.
	endDeath
	// endFatal: a commit failed.
	endFatal
)

// serveEnd is how one serf's service ended.
type serveEnd struct {
	kind endKind
	err  error
	// restart is the RestartSerf request pending, if any.
	restart *restartReq
}

// restartReq is a RestartSerf in progress: the serf's event and mug
// before it, which the new serf must reproduce.
type restartReq struct {
	reply chan error
	eve   uint64
	mug   uint32
	died  bool // the serf died before it could be stopped cleanly
}

// incarnate starts a serf and brings it up to date with the log, once
// everything submitted to the log is durable.
func (r *runner) incarnate() (*king.Serf, error) {
	if err := r.waitCommitted(r.ctx); err != nil {
		return nil, err
	}
	// Shutdown interrupts a start or a replay as well as ctx does: it
	// calls catchUpCancel before it closes stopCh.
	ctx, cancel := context.WithCancel(r.ctx)
	r.mu.Lock()
	r.catchUpCancel = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.catchUpCancel = nil
		r.mu.Unlock()
		cancel()
	}()
	if r.stopping() {
		cancel()
	}
	st := &starter{dir: r.p.dir, log: r.p.log, logger: r.logger, cfg: r.opts.Serf,
		unusableExit: r.opts.SnapshotUnusableExit, batch: r.opts.ReplayBatch,
		progress: r.opts.Progress, notice: r.opts.OnNotice, watch: r.watch}
	began := time.Now()
	s, eve, mug, err := st.startCaughtUp(ctx)
	if err != nil {
		return nil, err
	}
	if !r.ready {
		if err := r.initDate(); err != nil {
			st.stop(s)
			return nil, err
		}
	}
	r.mu.Lock()
	r.serf, r.serfEve, r.serfMug = s, eve, mug
	r.mu.Unlock()
	notify(r.logger, r.opts.OnNotice, Notice{Kind: NoticeSerfStarted, Eve: eve,
		Msg: fmt.Sprintf("serf pid %d ready at event %d, mug %#08x (started and caught up in %v)",
			s.Pid(), eve, mug, time.Since(began).Round(time.Millisecond))})
	return s, nil
}

// initDate sets the date floor from the log's last event, so that dates
// keep increasing across restarts of the king even if the clock went
// back.
func (r *runner) initDate() error {
	last, _ := r.p.log.Last()
	if last <= r.p.log.Identity().Life {
		return nil
	}
	evs, err := r.p.log.Read(last, 1)
	if err != nil || len(evs) != 1 {
		return fmt.Errorf("pier: read the last event: %w", err)
	}
	job, err := noun.Cue(evs[0].Jam)
	if err != nil {
		return fmt.Errorf("pier: last event %d does not cue: %w", last, err)
	}
	if now, _, ok := job.Uncell(); ok && now.IsAtom() {
		r.prevDate = now
	}
	return nil
}

// serve runs one serf: it hands jobs to the serf's Run loop and serves
// snapshots, Shutdown and RestartSerf, until one of them ends it, the
// serf dies, a commit fails or ctx ends. When it returns, the serf's Run
// has returned: no Work callback runs any more.
func (r *runner) serve(s *king.Serf) serveEnd {
	reqs := make(chan king.Request)
	runDone := make(chan error, 1)
	sctx, scancel := context.WithCancel(r.ctx)
	defer scancel()
	go func() {
		runDone <- s.Run(sctx, reqs, king.RunOptions{MaxInFlight: r.opts.MaxInFlight,
			Spinner: r.spin, WaitDurable: r.waitDurable})
	}()
	var tick <-chan time.Time
	if r.opts.SnapshotInterval > 0 {
		t := time.NewTicker(r.opts.SnapshotInterval)
		defer t.Stop()
		tick = t.C
	}
	var restart *restartReq
	stopSeen, closed := false, false
	r.saveErr = nil
	for {
		var send chan<- king.Request
		var next king.Request
		if !closed && len(r.toSend) > 0 {
			if r.toSend[0].close {
				r.popSend()
				close(reqs)
				closed = true
				continue
			}
			send, next = reqs, r.request(r.toSend[0])
		}
		var in <-chan *job
		var ctl <-chan ctlReq
		var stop <-chan struct{}
		var snap <-chan time.Time
		if !stopSeen && restart == nil && !closed {
			stop, ctl, snap = r.stopCh, r.ctl, tick
			if len(r.toSend) < r.opts.MaxInFlight {
				in = r.intake
			}
		}
		select {
		case send <- next:
			if o := r.toSend[0]; o.job != nil {
				r.handed = append(r.handed, o.job)
			}
			r.popSend()
			r.pruneHanded()
		case j := <-in:
			r.prevDate = nextDate(r.prevDate, time.Now())
			j.work = noun.Cell(r.prevDate, j.ovum)
			j.jam = noun.Jam(j.work)
			r.toSend = append(r.toSend, outgoing{job: j})
		case <-snap:
			if !r.saveQueued() {
				r.toSend = append(r.toSend, outgoing{save: true})
			}
		case <-stop:
			stopSeen = true
			r.logger.Info("shutting down: draining events in flight, then snapshot and stop",
				zap.Int("queued", len(r.toSend)), zap.Int64("pending", r.inflight.Load()))
			r.toSend = append(r.toSend, outgoing{save: true}, outgoing{close: true})
		case c := <-ctl:
			restart = &restartReq{reply: c.reply}
			r.logger.Info("restarting the serf on request: draining events in flight, then snapshot")
			r.toSend = append(r.toSend, outgoing{save: true}, outgoing{close: true})
		case <-r.fatalCh:
			scancel()
			<-runDone
			r.stopSerf(s)
			return serveEnd{kind: endFatal, err: r.fatalErr()}
		case err := <-runDone:
			return r.served(s, err, stopSeen, restart)
		}
	}
}

// served decides what the end of the serf's Run means.
func (r *runner) served(s *king.Serf, err error, stopSeen bool, restart *restartReq) serveEnd {
	if ferr := r.fatalErr(); ferr != nil {
		r.stopSerf(s)
		return serveEnd{kind: endFatal, err: ferr}
	}
	if cerr := r.ctx.Err(); cerr != nil {
		r.stopSerf(s)
		return serveEnd{kind: endStopped, err: cerr}
	}
	if err == nil && (stopSeen || restart != nil) {
		// The serf drained its work and took its snapshot (or failed to:
		// saveErr); now it may go.
		saveErr := r.saveErr
		if serr := r.stopSerf(s); serr != nil && saveErr == nil {
			saveErr = fmt.Errorf("pier: stop serf: %w", serr)
		}
		if stopSeen {
			return serveEnd{kind: endStopped, err: saveErr}
		}
		// Every callback has run: this is the state the next serf must
		// reproduce.
		restart.eve, restart.mug = r.serfState()
		return serveEnd{kind: endRestart, restart: restart}
	}
	if err == nil {
		err = errors.New("pier: the serf's run loop ended unasked")
	}
	// The serf died (or failed and was killed). Its answered events are
	// submitted; the others go again, first, to the next serf. Snapshot
	// and stop requests are dropped: a later serve redoes them.
	r.stopSerf(s)
	var again []outgoing
	for _, j := range r.handed {
		if !j.answered.Load() {
			again = append(again, outgoing{job: j})
		}
	}
	for _, o := range r.toSend {
		if o.job != nil {
			again = append(again, o)
		}
	}
	r.handed, r.toSend = nil, again
	if restart != nil {
		restart.died = true
	}
	return serveEnd{kind: endDeath, err: err, restart: restart}
}

// request is the serf request for an outgoing entry.
func (r *runner) request(o outgoing) king.Request {
	if o.save {
		return king.Save{Done: r.onSave}
	}
	j := o.job
	return king.Work{Job: j.work, JobJam: j.jam, Mil: r.opts.workMil(),
		Done: func(res king.WorkResult) { r.onWork(j, res) }}
}

// onSave records a confirmed snapshot in the snapshot note. It runs on
// the serf's Run goroutine.
func (r *runner) onSave(err error) {
	r.saveErr = err
	if err != nil {
		r.logger.Warn("snapshot failed", zap.Error(err))
		return
	}
	r.mu.Lock()
	eve, mug := r.saveEve, r.serfMug
	if r.serfEve != eve {
		mug = 0
	}
	r.mu.Unlock()
	if werr := writeSnapshotNote(r.p.dir, SnapshotNote{Event: eve, Mug: mug, Time: time.Now().UTC()}); werr != nil {
		r.logger.Warn("snapshot taken, but its note could not be written", zap.Error(werr))
	}
	notify(r.logger, r.opts.OnNotice, Notice{Kind: NoticeSnapshot, Eve: eve,
		Msg: fmt.Sprintf("snapshot at event %d", eve)})
}

// saveQueued reports whether a Save is waiting to be sent.
func (r *runner) saveQueued() bool {
	for _, o := range r.toSend {
		if o.save {
			return true
		}
	}
	return false
}

// popSend drops the first outgoing entry, clearing its slot so the
// backing array does not keep a settled job (and its effects) alive.
func (r *runner) popSend() {
	r.toSend[0] = outgoing{}
	r.toSend = r.toSend[1:]
}

// pruneHanded forgets answered jobs at the front of handed.
func (r *runner) pruneHanded() {
	i := 0
	for i < len(r.handed) && r.handed[i].answered.Load() {
		r.handed[i] = nil
		i++
	}
	r.handed = r.handed[i:]
}

// serfState returns the serf's last event and mug as the pier knows them.
func (r *runner) serfState() (uint64, uint32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serfEve, r.serfMug
}

// stopSerf stops a serf that is no longer wanted, bounded by its
// ExitTimeout (Stop SIGKILLs a serf that does not exit in time).
func (r *runner) stopSerf(s *king.Serf) error {
	err := s.Stop(context.Background())
	if err != nil {
		r.logger.Warn("stop serf", zap.Error(err))
	}
	r.mu.Lock()
	if r.serf == s {
		r.serf = nil
	}
	r.mu.Unlock()
	return err
}

// spin is the serf's Spinner: it watches the event being computed.
func (r *runner) spin(st king.SpinState) {
	if !st.Busy {
		r.watch.stop()
		return
	}
	r.watch.start(st.Eve, st.Eve, st.Job, true, false, st.Since)
}

// slowEvent reports an event or replay batch that computes for long.
func (r *runner) slowEvent(ev SlowEvent) {
	fields := []zap.Field{zap.Uint64("eve", ev.Eve), zap.String("wire", ev.Wire), zap.String("card", ev.Card),
		zap.Duration("elapsed", ev.Elapsed.Round(time.Millisecond))}
	if ev.Last != ev.Eve {
		fields = append(fields, zap.Uint64("batch_last", ev.Last))
	}
	if ev.Replay {
		r.logger.Warn("replay batch is taking long", fields...)
	} else {
		r.logger.Warn("event is taking long", fields...)
	}
	if r.opts.OnSlowEvent != nil {
		r.opts.OnSlowEvent(ev)
	}
}
