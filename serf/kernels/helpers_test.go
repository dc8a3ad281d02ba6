package kernels_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// booted is a kernel booted in an interpreter, poked through its helpers.
type booted struct {
	t      *testing.T
	it     *nock.Interpreter
	kernel noun.Noun
	now    uint64
}

// boot boots k from its pill (so the pill round-trips) in an interpreter
// configured by cfg.
func boot(t *testing.T, k kernels.Kernel, cfg nock.Config) *booted {
	t.Helper()
	lit, err := noun.Cue(k.Pill())
	require.NoError(t, err)
	it := nock.New(cfg)
	kernel, err := it.Boot(context.Background(), lit)
	require.NoError(t, err)
	require.True(t, noun.Equal(k.Core(), kernel), "booted kernel differs from Core()")
	return &booted{t: t, it: it, kernel: kernel, now: 1000}
}

// job returns [now [wire card]] for an ovum in text, advancing now.
func (b *booted) job(ovum string) noun.Noun {
	b.now++
	return noun.Cell(noun.Atom(b.now), kingtest.MustParse(b.t, ovum))
}

// poke pokes and requires success, keeping the new kernel; it returns the
// effects.
func (b *booted) poke(ovum string) noun.Noun {
	b.t.Helper()
	effects, next, err := b.it.Poke(context.Background(), b.kernel, b.job(ovum))
	require.NoError(b.t, err, "poke %s", ovum)
	b.kernel = next
	return effects
}

// pokeErr pokes with ctx and requires a crash; the kernel is unchanged.
func (b *booted) pokeErr(ctx context.Context, job noun.Noun) *nock.Crash {
	b.t.Helper()
	_, _, err := b.it.Poke(ctx, b.kernel, job)
	require.Error(b.t, err)
	c, ok := err.(*nock.Crash)
	require.True(b.t, ok, "not a crash: %v", err)
	return c
}

// peek peeks with an arbitrary sample and returns the product.
func (b *booted) peek() noun.Noun {
	b.t.Helper()
	got, err := b.it.Peek(context.Background(), b.kernel, kingtest.MustParse(b.t, "[[0 0] [1 %x %cz ~]]"))
	require.NoError(b.t, err)
	return got
}

// requireNoun compares nouns, printing both on failure.
func requireNoun(t *testing.T, want string, got noun.Noun) {
	t.Helper()
	w := kingtest.MustParse(t, want)
	require.True(t, noun.Equal(w, got), "want %s\n got %s", w, got)
}
