package king

import (
	"context"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Scry reads path from the kernel with no timeout: the sample is
// [gang %& path], the whole-path form of PROTOCOL.md §3.1. gang is usually
// ipc.LocalGang(); path is a path noun such as noun.Path("x", "base").
// It returns the kernel's answer, a (unit (cask)): ~ for no value, or
// [~ mark noun]. A crashing peek is a *PeekBailError, and the serf keeps
// running.
func (s *Serf) Scry(ctx context.Context, gang, path noun.Noun) (noun.Noun, error) {
	return s.Peek(ctx, 0, noun.T(gang, noun.Zero, path))
}

// Peek sends [%peek mil sample] as is and returns the unit the kernel
// answered. mil is a timeout in milliseconds, 0 for none (above
// ipc.MaxMil, MaxMil); ipc.PeekOnce and
// ipc.PeekPath build samples. A crashing peek is a *PeekBailError.
func (s *Serf) Peek(ctx context.Context, mil uint64, sample noun.Noun) (noun.Noun, error) {
	st, err := s.begin(ctx)
	if err != nil {
		return noun.Zero, err
	}
	defer s.unlock(st)
	return s.peek(ctx, st, mil, sample)
}

// peek runs one peek with the state lock held.
func (s *Serf) peek(ctx context.Context, st *serfState, mil uint64, sample noun.Noun) (noun.Noun, error) {
	if err := s.send(st, ipc.Peek{Mil: wireMil(mil), Sample: sample}); err != nil {
		return noun.Zero, err
	}
	p, err := s.recv(ctx, st)
	if err != nil {
		return noun.Zero, err
	}
	switch p := p.(type) {
	case ipc.PeekDone:
		return p.Result, nil
	case ipc.PeekBail:
		return noun.Zero, &PeekBailError{Goof: p.Goof}
	default:
		return noun.Zero, s.unexpected(st, p, "%peek reply")
	}
}

// wireMil is a timeout as a writ carries it: at most ipc.MaxMil, which
// Urbit's serf (reading a 32-bit word) accepts.
func wireMil(mil uint64) uint64 { return min(mil, ipc.MaxMil) }
