package kernels_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

func TestCrashyCounts(t *testing.T) {
	b := boot(t, kernels.Crashy(), nock.Config{})
	requireNoun(t, "~[[[0 %arvo ~] %hello ~]]", b.poke("[[0 %arvo ~] %hello ~]"))
	requireNoun(t, "~[[[0 %arvo ~] 5]]", b.poke("[[0 %arvo ~] 5]"))
	requireNoun(t, "[0 %noun 2]", b.peek())
}

// crudOf returns the serf's replacement job for a crashed job.
func crudOf(t *testing.T, job noun.Noun, c *nock.Crash) noun.Noun {
	t.Helper()
	crud, err := nock.Crud(job, c.Goof())
	require.NoError(t, err)
	return crud
}

func TestCrashySwap(t *testing.T) {
	b := boot(t, kernels.Crashy(), nock.Config{})
	job := b.job("[[0 %arvo ~] %crash ~]")
	c := b.pokeErr(t.Context(), job)
	require.Equal(t, nock.MoteExit, c.Mote)
	requireGoof(t, "crashy: %crash card", c)

	// The %crud retry succeeds and echoes the %crud ovum.
	crud := crudOf(t, job, c)
	effects, next, err := b.it.Poke(t.Context(), b.kernel, crud)
	require.NoError(t, err)
	want := noun.Cell(crud.Tail(), noun.Zero)
	require.True(t, noun.Equal(want, effects), "effects %s", effects)
	b.kernel = next
	requireNoun(t, "[0 %noun 1]", b.peek())
}

func TestCrashyBail(t *testing.T) {
	b := boot(t, kernels.Crashy(), nock.Config{})
	job := b.job("[[0 %arvo ~] %crash-twice ~]")
	c := b.pokeErr(t.Context(), job)
	require.Equal(t, nock.MoteExit, c.Mote)
	c2 := b.pokeErr(t.Context(), crudOf(t, job, c))
	require.Equal(t, nock.MoteExit, c2.Mote)
	requireGoof(t, "crashy: %crud of %crash-twice", c2)
	requireNoun(t, "[0 %noun 0]", b.peek())
}

func TestCrashyLoopAlarm(t *testing.T) {
	b := boot(t, kernels.Crashy(), nock.Config{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	job := b.job("[[0 %arvo ~] %loop ~]")
	c := b.pokeErr(ctx, job)
	require.Equal(t, nock.MoteAlrm, c.Mote)
	// The %crud retry of a loop succeeds (%swap).
	_, _, err := b.it.Poke(t.Context(), b.kernel, crudOf(t, job, c))
	require.NoError(t, err)
}

func TestCrashyLoopInterrupt(t *testing.T) {
	var flag atomic.Bool
	b := boot(t, kernels.Crashy(), nock.Config{Interrupt: &flag})
	flag.Store(true)
	c := b.pokeErr(t.Context(), b.job("[[0 %arvo ~] %loop ~]"))
	require.Equal(t, nock.MoteIntr, c.Mote)
}

func TestCrashyMeme(t *testing.T) {
	b := boot(t, kernels.Crashy(), nock.Config{MemoryBudget: 4 << 20})
	c := b.pokeErr(t.Context(), b.job("[[0 %arvo ~] %meme ~]"))
	require.Equal(t, nock.MoteMeme, c.Mote)
	// Normal events still work within the budget.
	b.poke("[[0 %arvo ~] %hello ~]")
	requireNoun(t, "[0 %noun 1]", b.peek())
}

func TestCrashySlog(t *testing.T) {
	var tanks []noun.Noun
	b := boot(t, kernels.Crashy(), nock.Config{Slog: func(pri uint64, tank noun.Noun) {
		require.Equal(t, uint64(0), pri)
		tanks = append(tanks, tank)
	}})
	requireNoun(t, "~[[[0 %arvo ~] %slog ~]]", b.poke("[[0 %arvo ~] %slog ~]"))
	require.Len(t, tanks, 1)
	require.True(t, noun.Equal(nock.Leaf("crashy: slog"), tanks[0]), "tank %s", tanks[0])
	requireNoun(t, "[0 %noun 1]", b.peek())
}

// requireGoof checks that a crash's goof is [%exit ~[[%leaf msg]]].
func requireGoof(t *testing.T, msg string, c *nock.Crash) {
	t.Helper()
	want := noun.T(noun.Cord("exit"), nock.Leaf(msg), noun.Zero)
	require.True(t, noun.Equal(want, c.Goof()), "goof %s", c.Goof())
}
