package pier

import (
	"context"
	"errors"
	"fmt"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// ErrNoSerf is returned by Scry, Peek, Save, Pack, Meld and Interrupt
// while the pier runs but has no serf: one is starting, replaying or being
// restarted. Trying again later may succeed.
var ErrNoSerf = errors.New("pier: no serf is ready (it is starting or restarting)")

// Scry reads path from the running pier's kernel, as king.Serf.Scry does:
// the sample is [gang %& path] (gang is usually ipc.LocalGang()) and the
// answer a (unit (cask)), ~ for no value. A peek that crashes in the
// kernel is a *king.PeekBailError; the serf keeps running.
//
// See Peek for how it shares the serf with the events being computed.
func (p *Pier) Scry(ctx context.Context, gang, path noun.Noun) (noun.Noun, error) {
	return p.Peek(ctx, 0, noun.T(gang, noun.Zero, path))
}

// Peek sends [%peek mil sample] to the running pier's serf and returns the
// kernel's answer, as king.Serf.Peek does; mil is the serf's timeout in
// milliseconds, 0 for none.
//
// A peek is a flow of the serf handle: it waits until the serf has no
// event in flight and then runs alone, so it sees the state after the last
// event the serf computed, whose commit may still be under way (as in
// Urbit's runtime, peeks are not held back until the commit).
// It runs on the pier's own context, not ctx: when ctx ends, Peek returns
// at once and the peek goes on, its answer dropped. That way a caller that
// gives up (a control client that disconnects) never makes the serf look
// stuck, which would get it killed.
func (p *Pier) Peek(ctx context.Context, mil uint64, sample noun.Noun) (noun.Noun, error) {
	type answer struct {
		n   noun.Noun
		err error
	}
	out := make(chan answer, 1)
	err := p.withSerf(ctx, func(rctx context.Context, s *king.Serf) {
		n, err := s.Peek(rctx, mil, sample)
		out <- answer{n, err}
	})
	if err != nil {
		return noun.Zero, err
	}
	select {
	case a := <-out:
		if a.err != nil {
			return noun.Zero, fmt.Errorf("pier: peek: %w", a.err)
		}
		return a.n, nil
	case <-ctx.Done():
		return noun.Zero, fmt.Errorf("pier: peek: gave up waiting (the peek goes on): %w", ctx.Err())
	}
}

// withSerf starts fn on its own goroutine with the current serf and the
// run's context. fn must end when the serf answers, dies, or the run's
// context ends, which every flow of king.Serf does; so no goroutine
// outlives the run for long.
func (p *Pier) withSerf(ctx context.Context, fn func(rctx context.Context, s *king.Serf)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r, s, err := p.currentSerf()
	if err != nil {
		return err
	}
	go fn(r.ctx, s)
	return nil
}

// currentSerf returns the running pier's runner and its serf.
func (p *Pier) currentSerf() (*runner, *king.Serf, error) {
	r := p.current()
	if r == nil {
		return nil, nil, ErrNotRunning
	}
	if r.stopping() {
		return nil, nil, ErrShuttingDown
	}
	r.mu.Lock()
	s := r.serf
	r.mu.Unlock()
	if s == nil {
		return nil, nil, ErrNoSerf
	}
	return r, s, nil
}
