package pier

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
)

// This file holds the operator commands a running pier takes besides
// events: snapshot, compact, deduplicate and interrupt. Like Peek, each is
// a flow of the serf handle that runs between bursts of events (the serf's
// Run releases the handle whenever nothing is in flight), on the pier's
// own context, so that a caller giving up never leaves the serf half-way
// through a request.

// Save has the running pier's serf snapshot now (`king save`), as the
// periodic snapshot does, and returns the snapshot's event (a lower bound:
// events computed while Save waited may be in it too).
//
// The snapshot must never be ahead of the log (PROTOCOL.md §4), so Save
// first waits until every event submitted to the log is durable, then
// snapshots, then waits for the log again. Events the serf computes in
// between are submitted to the log before the serf is free for the
// snapshot, so the only window in which the snapshot is ahead of the log
// is one group commit long; should the king die in it, the next start
// finds the snapshot ahead of the log and moves it aside (see
// SnapshotUnusableError), which costs a full replay but loses nothing.
// The snapshot note is written as for the periodic snapshots.
func (p *Pier) Save(ctx context.Context) (eve uint64, err error) {
	type answer struct {
		eve uint64
		err error
	}
	out := make(chan answer, 1)
	var r *runner
	err = p.withSerf(ctx, func(rctx context.Context, s *king.Serf) {
		eve, err := p.save(rctx, s)
		out <- answer{eve, err}
	})
	if err != nil {
		return 0, fmt.Errorf("pier: save: %w", err)
	}
	r = p.current()
	select {
	case a := <-out:
		if a.err != nil {
			return 0, fmt.Errorf("pier: save: %w", a.err)
		}
		if r != nil {
			notify(r.logger, r.opts.OnNotice, Notice{Kind: NoticeSnapshot, Eve: a.eve,
				Msg: fmt.Sprintf("snapshot at event %d (on request)", a.eve)})
		}
		return a.eve, nil
	case <-ctx.Done():
		return 0, fmt.Errorf("pier: save: gave up waiting (the snapshot goes on): %w", ctx.Err())
	}
}

// save is Save's flow, on its own goroutine.
func (p *Pier) save(rctx context.Context, s *king.Serf) (uint64, error) {
	r := p.current()
	if r == nil {
		return 0, ErrNotRunning
	}
	// LastEvent waits for the serf to be idle: every event it computed so
	// far has been submitted to the log by then.
	eve, mug, err := s.LastEvent()
	if err != nil {
		return 0, err
	}
	if err := r.waitCommitted(rctx); err != nil {
		return 0, fmt.Errorf("wait for the log: %w", err)
	}
	if last, _ := p.log.Last(); last < eve {
		return 0, fmt.Errorf("the log (at event %d) is behind the serf (at %d)", last, eve)
	}
	if err := s.Snapshot(rctx); err != nil {
		return 0, err
	}
	if err := r.waitCommitted(rctx); err != nil {
		return 0, fmt.Errorf("wait for the log after the snapshot: %w", err)
	}
	if werr := writeSnapshotNote(p.dir, SnapshotNote{Event: eve, Mug: mug, Time: time.Now().UTC()}); werr != nil {
		r.logger.Warn("snapshot taken, but its note could not be written", zap.Error(werr))
	}
	return eve, nil
}

// Pack has the running pier's serf compact its state ([%live %pack ~]).
func (p *Pier) Pack(ctx context.Context) error {
	return p.liveCommand(ctx, "pack", (*king.Serf).Compact)
}

// Meld has the running pier's serf deduplicate its state
// ([%live %meld ~]).
func (p *Pier) Meld(ctx context.Context) error {
	return p.liveCommand(ctx, "meld", (*king.Serf).Meld)
}

// liveCommand runs one serf request as a flow and waits for it (or ctx).
func (p *Pier) liveCommand(ctx context.Context, what string, fn func(*king.Serf, context.Context) error) error {
	out := make(chan error, 1)
	err := p.withSerf(ctx, func(rctx context.Context, s *king.Serf) { out <- fn(s, rctx) })
	if err != nil {
		return fmt.Errorf("pier: %s: %w", what, err)
	}
	select {
	case err := <-out:
		if err != nil {
			return fmt.Errorf("pier: %s: %w", what, err)
		}
		if r := p.current(); r != nil {
			r.logger.Info(what + " done")
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("pier: %s: gave up waiting (it goes on): %w", what, ctx.Err())
	}
}

// Interrupt sends SIGINT to the running pier's serf (for ^C): the event it
// is computing, if any, fails with mote %intr and is replaced by a %crud
// (or bails). It does not wait. With no event in flight the serf ignores
// it.
func (p *Pier) Interrupt() error {
	r := p.current()
	if r == nil {
		return fmt.Errorf("pier: interrupt: %w", ErrNotRunning)
	}
	r.mu.Lock()
	s := r.serf
	r.mu.Unlock()
	if s == nil {
		return fmt.Errorf("pier: interrupt: %w", ErrNoSerf)
	}
	if err := s.SendSIGINT(); err != nil {
		return fmt.Errorf("pier: interrupt: %w", err)
	}
	r.logger.Info("sent SIGINT to the serf", zap.Int("serf_pid", s.Pid()))
	return nil
}
