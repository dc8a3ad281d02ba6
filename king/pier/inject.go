package pier

import (
	"context"
	"fmt"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// Result is the outcome of an injected event.
type Result struct {
	// Kind is king.WorkDone, king.WorkSwap (the event crashed and its
	// %crud replacement was committed instead) or king.WorkBail.
	Kind king.ResultKind
	// Eve is the event's number (for a bail, the serf's last event).
	Eve uint64
	// Mug is the mug of the kernel after Eve.
	Mug uint32
	// Job is what was logged, [now ovum] (for a swap, the replacement).
	Job noun.Noun
	// Effects are the event's effects, a (list ovum); ~ for a bail.
	Effects noun.Noun
	// Goofs are a bail's crashes, the replacement's first.
	Goofs []ipc.Goof
}

// Ticket is an injected event whose outcome may not be known yet.
type Ticket struct{ j *job }

// Done returns a channel closed once the outcome is known.
func (t *Ticket) Done() <-chan struct{} { return t.j.done }

// Result returns the outcome once Done is closed (before that, the zero
// Result and ErrNotRunning): see Inject.
func (t *Ticket) Result() (Result, error) {
	select {
	case <-t.j.done:
		return t.j.res, t.j.err
	default:
		return Result{}, fmt.Errorf("pier: outcome not known yet: %w", ErrNotRunning)
	}
}

// Wait waits for the outcome, or for ctx to end: the event then goes on
// and may still be committed.
func (t *Ticket) Wait(ctx context.Context) (Result, error) {
	select {
	case <-t.j.done:
		return t.j.res, t.j.err
	case <-ctx.Done():
		return Result{}, fmt.Errorf("pier: gave up waiting for the event (it may still be committed): %w", ctx.Err())
	}
}

// Inject computes ovum ([wire card]) as a new event and waits for its
// outcome. The event's job is [now ovum], with now strictly increasing
// from event to event.
//
// The outcome: a Result with err nil once the event (or its %crud
// replacement, Kind king.WorkSwap) is committed and its effects released;
// a *BailError (and the Result describing the bail) if it crashed twice
// — nothing was committed; ErrNotCommitted (wrapped) if its commit failed;
// ErrShuttingDown or ErrNotRunning if the pier stopped first. Inject is
// safe for concurrent use; it waits while MaxPending events are pending.
func (p *Pier) Inject(ctx context.Context, ovum noun.Noun) (Result, error) {
	t, err := p.InjectAsync(ctx, ovum)
	if err != nil {
		return Result{}, err
	}
	return t.Wait(ctx)
}

// InjectAsync is Inject without the wait for the outcome: it returns once
// the pier has accepted the event. Events accepted by one goroutine are
// computed in the order it injected them.
func (p *Pier) InjectAsync(ctx context.Context, ovum noun.Noun) (*Ticket, error) {
	if !ovum.IsCell() {
		return nil, ErrBadOvum
	}
	r := p.current()
	if r == nil {
		return nil, ErrNotRunning
	}
	select {
	case r.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-r.stopCh:
		return nil, ErrShuttingDown
	case <-r.fatalCh:
		return nil, fmt.Errorf("%w: %w", ErrNotRunning, r.fatalErr())
	case <-r.done:
		return nil, ErrNotRunning
	}
	j := &job{ovum: ovum, done: make(chan struct{})}
	r.inflight.Add(1)
	var err error
	select {
	case r.intake <- j:
		return &Ticket{j: j}, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-r.stopCh:
		err = ErrShuttingDown
	case <-r.fatalCh:
		err = fmt.Errorf("%w: %w", ErrNotRunning, r.fatalErr())
	case <-r.done:
		err = ErrNotRunning
	}
	r.settle(j, Result{}, err)
	return nil, err
}

// current returns the runner of the Run in progress, if any.
func (p *Pier) current() *runner {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.run
}
