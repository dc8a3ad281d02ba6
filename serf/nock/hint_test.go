package nock_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// slogs records what an interpreter's Slog callback receives.
type slogs struct {
	pris  []uint64
	tanks []noun.Noun
}

func (s *slogs) slog(pri uint64, tank noun.Noun) {
	s.pris = append(s.pris, pri)
	s.tanks = append(s.tanks, tank)
}

// crashOf evaluates and requires a crash, returning it.
func crashOf(t *testing.T, it *nock.Interpreter, subject, formula noun.Noun) *nock.Crash {
	t.Helper()
	got, err := it.Nock(context.Background(), subject, formula)
	var c *nock.Crash
	require.True(t, errors.As(err, &c), "want a crash, got %v (product %s)", err, got)
	return c
}

// requireTanks compares a rendered trace with the leaves it should hold.
func requireTanks(t *testing.T, want []string, got []noun.Noun) {
	t.Helper()
	var texts []string
	for _, tank := range got {
		tag, tape, ok := tank.Uncell()
		require.True(t, ok, "tank %s is not a cell", tank)
		require.Equal(t, noun.Cord("leaf"), tag, "tank %s is not a leaf", tank)
		s, err := noun.FromTape(tape)
		require.NoError(t, err)
		texts = append(texts, s)
	}
	require.Equal(t, want, texts)
}

func TestSlogHint(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{Slog: rec.slog})
	got, err := it.Nock(context.Background(), noun.Atom(5), kingtest.MustParse(t, "[11 [%slog [1 3 %leaf 'hi']] [4 0 1]]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(6), got)
	require.Equal(t, []uint64{3}, rec.pris)
	require.True(t, noun.Equal(kingtest.MustParse(t, "[%leaf 'hi']"), rec.tanks[0]))

	// A clue that is not [pri tank], or a big pri, is ignored.
	for _, f := range []string{"[11 [%slog [1 7]] [0 1]]", "[11 [%slog [1 [1 2] 3]] [0 1]]", "[11 [%slog [1 0x1.0000.0000.0000.0000 3]] [0 1]]"} {
		got, err = it.Nock(context.Background(), noun.Atom(5), kingtest.MustParse(t, f))
		require.NoError(t, err)
		require.Equal(t, noun.Atom(5), got)
	}
	require.Len(t, rec.pris, 1)

	// No callback: the hint is still evaluated and ignored.
	got, err = nock.New(nock.Config{}).Nock(context.Background(), noun.Atom(5), kingtest.MustParse(t, "[11 [%slog [1 3 %leaf 'hi']] [4 0 1]]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(6), got)
}

// memoFormula is a %memo-hinted body that slogs every time it really runs.
const memoFormula = "[11 %memo [11 [%slog [1 0 %leaf 'ran']] [[0 1] [1 42]]]]"

func TestMemoHint(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{CacheSize: 10, Slog: rec.slog})
	f := kingtest.MustParse(t, memoFormula)
	for range 3 {
		got, err := it.Nock(context.Background(), kingtest.MustParse(t, "[1 2]"), f)
		require.NoError(t, err)
		require.True(t, noun.Equal(kingtest.MustParse(t, "[[1 2] 42]"), got))
	}
	require.Len(t, rec.pris, 1, "the body runs once, then hits the cache")

	// The key is structural: an equal subject built separately still hits.
	_, err := it.Nock(context.Background(), noun.Cell(noun.Atom(1), noun.Atom(2)), f)
	require.NoError(t, err)
	require.Len(t, rec.pris, 1)

	// A different subject misses.
	_, err = it.Nock(context.Background(), kingtest.MustParse(t, "[1 3]"), f)
	require.NoError(t, err)
	require.Len(t, rec.pris, 2)

	// The dynamic form memoizes too.
	dyn := kingtest.MustParse(t, "[11 [%memo [1 0]] [11 [%slog [1 0 %leaf 'ran']] [4 0 1]]]")
	for range 2 {
		got, err := it.Nock(context.Background(), noun.Atom(7), dyn)
		require.NoError(t, err)
		require.Equal(t, noun.Atom(8), got)
	}
	require.Len(t, rec.pris, 3)
}

func TestMemoDisabled(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{CacheSize: 0, Slog: rec.slog})
	for range 3 {
		_, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, memoFormula))
		require.NoError(t, err)
	}
	require.Len(t, rec.pris, 3)
}

func TestMemoEvictsLeastRecentlyUsed(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{CacheSize: 2, Slog: rec.slog})
	f := kingtest.MustParse(t, memoFormula)
	ran := func(subject uint64) bool {
		before := len(rec.pris)
		_, err := it.Nock(context.Background(), noun.Atom(subject), f)
		require.NoError(t, err)
		return len(rec.pris) > before
	}
	require.True(t, ran(1))
	require.True(t, ran(2))
	require.False(t, ran(1), "1 is cached")
	require.True(t, ran(3), "3 evicts 2, the least recently used")
	require.False(t, ran(1), "1 survived")
	require.True(t, ran(2), "2 was evicted")
}

func TestMemoCrashIsNotCached(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{CacheSize: 4, Slog: rec.slog})
	f := kingtest.MustParse(t, "[11 %memo [11 [%slog [1 0 %leaf 'ran']] [0 2]]]")
	for range 2 {
		_, err := it.Nock(context.Background(), noun.Atom(1), f)
		require.ErrorIs(t, err, nock.ErrExit)
	}
	require.Len(t, rec.pris, 2)
}

func TestTraceHints(t *testing.T) {
	cases := []struct {
		name    string
		formula string
		want    []string
	}{
		{"spot", "[11 [%spot [1 [%sys %hoon ~] [1 2] [3 4]]] [0 2]]", []string{"/sys/hoon:<[1 2].[3 4]>"}},
		{"spot with big numbers", "[11 [%spot [1 [%a ~] [1.372 9] [1.372 37]]] [0 2]]", []string{"/a:<[1.372 9].[1.372 37]>"}},
		{"spot with an empty path", "[11 [%spot [1 ~ [1 2] [3 4]]] [0 2]]", []string{"/:<[1 2].[3 4]>"}},
		{"malformed spot is skipped", "[11 [%spot [1 5]] [0 2]]", nil},
		{"lose", "[11 [%lose [1 'gone']] [0 2]]", []string{"gone"}},
		{"lose of a cell is skipped", "[11 [%lose [1 1 2]] [0 2]]", nil},
		{"hunk", "[11 [%hunk [1 %leaf 104 105 0]] [0 2]]", []string{"hi"}},
		{"hunk of an atom is skipped", "[11 [%hunk [1 5]] [0 2]]", nil},
		{"mean cord", "[11 [%mean [1 'oops']] [0 2]]", []string{"oops"}},
		{"mean tank", "[11 [%mean [1 %leaf 104 105 0]] [0 2]]", []string{"hi"}},
		{"mean trap", "[11 [%mean [1 [1 %leaf 116 0] 0]] [0 2]]", []string{"t"}},
		{"mean trap that crashes is skipped", "[11 [%mean [1 [0 99] 0]] [0 2]]", nil},
		{"mean trap that loops is skipped", "[11 [%mean [1 [9 2 0 1] 0]] [0 2]]", nil},
		{"outermost first", "[11 [%lose [1 'outer']] [11 [%lose [1 'inner']] [0 2]]]", []string{"outer", "inner"}},
		{"finished hints leave the trace", "[[11 [%lose [1 'done']] [1 0]] [11 [%lose [1 'live']] [0 2]]]", []string{"live"}},
		{"unknown hints are not traced", "[11 [%foo [1 'x']] [0 2]]", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := nock.New(nock.Config{})
			c := crashOf(t, it, noun.Atom(5), kingtest.MustParse(t, tc.formula))
			require.Equal(t, nock.MoteExit, c.Mote)
			requireTanks(t, tc.want, c.Trace)
		})
	}
}

func TestTraceIsPoppedAfterTheBody(t *testing.T) {
	// A hint body that succeeds returns its product and leaves no trace.
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), noun.Atom(5), kingtest.MustParse(t, "[11 [%spot [1 [%a ~] [1 2] [3 4]]] [4 0 1]]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(6), got)
}

func TestGoof(t *testing.T) {
	it := nock.New(nock.Config{})
	c := crashOf(t, it, noun.Atom(5), kingtest.MustParse(t, "[11 [%lose [1 'a']] [11 [%lose [1 'b']] [0 2]]]"))
	want := noun.T(noun.Cord("exit"), nock.Leaf("a"), nock.Leaf("b"), noun.Zero)
	require.True(t, noun.Equal(want, c.Goof()), "goof %s", c.Goof())
	require.Len(t, c.Frames, 2)
	require.True(t, noun.Equal(kingtest.MustParse(t, "[%lose 'a']"), c.Frames[0]))
	require.Contains(t, c.Error(), "nock: exit: ")

	// The tang prints with the noun package's tank renderer.
	lines, err := noun.RenderTang(c.Tang(), 80)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, lines)
}

func TestLongTraceIsCut(t *testing.T) {
	const depth = 2000
	list := noun.Zero
	for range depth {
		list = noun.Cell(noun.Zero, list)
	}
	// ?@(sample !! ~_('f' +($(sample +.sample))))
	battery := kingtest.MustParse(t, "[6 [3 0 3] [11 [%lose [1 'f']] [4 9 2 [0 2] [0 7]]] [0 0]]")
	it := nock.New(nock.Config{})
	c := crashOf(t, it, noun.Cell(battery, list), kingtest.MustParse(t, "[9 2 0 1]"))
	require.Len(t, c.Frames, depth)
	require.Len(t, c.Trace, 1025)
	requireTanks(t, []string{"[skipped 976 frames]"}, c.Trace[512:513])
}

func TestBoutHint(t *testing.T) {
	var rec slogs
	it := nock.New(nock.Config{Slog: rec.slog})
	for _, f := range []string{"[11 %bout [4 0 1]]", "[11 [%bout [1 'label']] [4 0 1]]"} {
		got, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, f))
		require.NoError(t, err)
		require.Equal(t, noun.Atom(2), got)
	}
	require.Len(t, rec.tanks, 2)
	for i, prefix := range []string{"took ", "label took "} {
		s, err := noun.FromTape(rec.tanks[i].Tail())
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(s, prefix), "%q", s)
		require.True(t, strings.HasSuffix(s, "ms"), "%q", s)
	}
}

func TestFastHint(t *testing.T) {
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), noun.Atom(1), kingtest.MustParse(t, "[11 [%fast [1 %dec 0x1 ~]] [4 0 1]]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(2), got)
}
