package control

import (
	"context"
	"errors"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// Backend is what the server serves requests with: a running pier
// (PierBackend), or a stand-in in tests. Its methods are called
// concurrently, from many connections.
type Backend interface {
	// Peek asks the kernel, with the serf's peek sample [gang each], and
	// returns the (unit (cask)) it answered; a crash in the kernel is an
	// error matching *king.PeekBailError.
	Peek(ctx context.Context, sample noun.Noun) (noun.Noun, error)
	// Inject hands an event to the pier and returns once it is accepted;
	// events accepted from one goroutine are computed in that order.
	Inject(ctx context.Context, ovum noun.Noun) (Pending, error)
	// Save snapshots now and returns the snapshot's event.
	Save(ctx context.Context) (uint64, error)
	// Pack and Meld compact and deduplicate the serf's state.
	Pack(ctx context.Context) error
	Meld(ctx context.Context) error
	// Interrupt sends SIGINT to the serf.
	Interrupt() error
	// Exit starts a graceful shutdown of the pier and returns at once.
	Exit() error
	// Who returns the ship.
	Who() noun.Noun
	// Info returns runtime facts for /info, in a fixed order.
	Info() []Fact
}

// Pending is an accepted event whose outcome may not be known yet.
type Pending interface {
	// Wait waits for the outcome or for ctx. A bail is an Outcome, not an
	// error; an error means the outcome is unknown or the event was not
	// committed.
	Wait(ctx context.Context) (Outcome, error)
}

// OutcomeKind says how an event ended.
type OutcomeKind uint8

// The ways an event ends.
const (
	// Done: committed.
	Done OutcomeKind = iota + 1
	// Swap: it crashed and its %crud replacement was committed.
	Swap
	// Bail: it crashed and so did its replacement; nothing committed.
	Bail
)

// Outcome is the outcome of an injected event.
type Outcome struct {
	Kind OutcomeKind
	// Eve and Mug are the committed event and the kernel's mug after it
	// (for a Bail, zero).
	Eve uint64
	Mug uint32
	// Goofs are a Bail's crashes, the replacement's first.
	Goofs []ipc.Goof
}

// Fact is one runtime fact of /info.
type Fact struct {
	Name  string
	Value uint64
}

// ErrNoExit is PierBackend.Exit's error when it was given no way to shut
// the pier down.
var ErrNoExit = errors.New("control: this king takes no %exit over the socket")

// PierBackend serves a running pier.
type PierBackend struct {
	// Pier is the running pier.
	Pier *pier.Pier
	// OnExit starts the pier's graceful shutdown and returns at once (for
	// `king run`, the same path as SIGTERM). Nil refuses %exit.
	OnExit func()
}

// Peek implements Backend with Pier.Peek.
func (b PierBackend) Peek(ctx context.Context, sample noun.Noun) (noun.Noun, error) {
	return b.Pier.Peek(ctx, 0, sample)
}

// Inject implements Backend with Pier.InjectAsync.
func (b PierBackend) Inject(ctx context.Context, ovum noun.Noun) (Pending, error) {
	t, err := b.Pier.InjectAsync(ctx, ovum)
	if err != nil {
		return nil, err
	}
	return pierPending{t}, nil
}

// Save implements Backend with Pier.Save.
func (b PierBackend) Save(ctx context.Context) (uint64, error) { return b.Pier.Save(ctx) }

// Pack implements Backend with Pier.Pack.
func (b PierBackend) Pack(ctx context.Context) error { return b.Pier.Pack(ctx) }

// Meld implements Backend with Pier.Meld.
func (b PierBackend) Meld(ctx context.Context) error { return b.Pier.Meld(ctx) }

// Interrupt implements Backend with Pier.Interrupt.
func (b PierBackend) Interrupt() error { return b.Pier.Interrupt() }

// Exit implements Backend with OnExit.
func (b PierBackend) Exit() error {
	if b.OnExit == nil {
		return ErrNoExit
	}
	b.OnExit()
	return nil
}

// Who implements Backend with the pier's identity.
func (b PierBackend) Who() noun.Noun { return b.Pier.Identity().Who }

// Info implements Backend with Pier.Status.
func (b PierBackend) Info() []Fact {
	st := b.Pier.Status()
	id := b.Pier.Identity()
	return []Fact{
		{"running", flag(st.Running)},
		{"fake", flag(id.Fake)},
		{"life", id.Life},
		{"serf-pid", uint64(max(st.SerfPid, 0))},
		{"last-event", st.LastEvent},
		{"last-committed", st.LastCommitted},
		{"last-mug", uint64(st.LastMug)},
		{"in-flight", uint64(max(st.InFlight, 0))},
		{"restarts", uint64(max(st.Restarts, 0))},
		{"uptime-seconds", uint64(max(st.Uptime.Seconds(), 0))},
	}
}

// flag is a yes/no fact: 1 for yes.
func flag(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// pierPending is a pier.Ticket as a Pending.
type pierPending struct{ t *pier.Ticket }

func (p pierPending) Wait(ctx context.Context) (Outcome, error) {
	res, err := p.t.Wait(ctx)
	var bail *pier.BailError
	switch {
	case errors.As(err, &bail):
		return Outcome{Kind: Bail, Goofs: bail.Goofs}, nil
	case err != nil:
		return Outcome{}, err
	}
	out := Outcome{Kind: Done, Eve: res.Eve, Mug: res.Mug}
	if res.Kind == king.WorkSwap {
		out.Kind = Swap
	}
	return out, nil
}
