package kernels_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	k "github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

func TestConstructors(t *testing.T) {
	a := noun.Atom
	f := k.Slot(7)
	g := k.Const(a(5))
	cases := []struct {
		name string
		got  noun.Noun
		want string
	}{
		{"Slot", k.Slot(6), "[0 6]"},
		{"Const", k.Const(kingtest.MustParse(t, "[1 2]")), "[1 1 2]"},
		{"Eval", k.Eval(f, g), "[2 [0 7] 1 5]"},
		{"Deep", k.Deep(f), "[3 0 7]"},
		{"Inc", k.Inc(f), "[4 0 7]"},
		{"Same", k.Same(f, g), "[5 [0 7] 1 5]"},
		{"If", k.If(f, g, f), "[6 [0 7] [1 5] 0 7]"},
		{"Compose", k.Compose(f, g), "[7 [0 7] 1 5]"},
		{"Push", k.Push(f, g), "[8 [0 7] 1 5]"},
		{"Kick", k.Kick(2, f), "[9 2 0 7]"},
		{"Edit", k.Edit(6, g, f), "[10 [6 1 5] 0 7]"},
		{"Hint", k.Hint("memo", f), "[11 %memo 0 7]"},
		{"HintClue", k.HintClue("spot", g, f), "[11 [%spot 1 5] 0 7]"},
		{"Cons", k.Cons(f, g), "[[0 7] 1 5]"},
		{"Tuple", k.Tuple(f, g, f), "[[0 7] [1 5] 0 7]"},
		{"List", k.List(f, g), "[[0 7] [1 5] 1 0]"},
		{"Crash", k.Crash(), "[0 0]"},
		{"Is", k.Is(6, a(9)), "[5 [0 6] 1 9]"},
		{"Gate", k.Gate(f), "[[0 7] 0 0]"},
		{"GateArm", k.GateArm(f), "[[1 0 7] [1 0] 0 1]"},
		{"Call", k.Call(kingtest.MustParse(t, "[[4 0 6] 0 0]"), g), "[9 2 10 [6 1 5] 1 [4 0 6] 0 0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { requireNoun(t, tc.want, tc.got) })
	}
}

func TestPeg(t *testing.T) {
	cases := []struct{ a, b, want uint64 }{
		{1, 1, 1}, {1, 6, 6}, {6, 1, 6}, {6, 2, 12}, {6, 3, 13}, {7, 8, 56}, {3, 14, 30}, {55, 3, 111},
	}
	for _, c := range cases {
		require.Equal(t, c.want, k.Peg(c.a, c.b), "peg(%d, %d)", c.a, c.b)
	}
	require.Equal(t, uint64(30), k.Under(14))
}

// TestPegAgreesWithSlot checks Peg against slotting twice.
func TestPegAgreesWithSlot(t *testing.T) {
	// A full tree of depth 5 whose leaves are their own axes.
	var build func(axis uint64, depth int) noun.Noun
	build = func(axis uint64, depth int) noun.Noun {
		if depth == 0 {
			return noun.Atom(axis)
		}
		return noun.Cell(build(2*axis, depth-1), build(2*axis+1, depth-1))
	}
	tree := build(1, 5)
	for a := uint64(1); a < 8; a++ {
		for b := uint64(1); b < 4; b++ {
			inner, ok := tree.Slot(a)
			require.True(t, ok)
			want, ok := inner.Slot(b)
			require.True(t, ok)
			got, ok := tree.Slot(k.Peg(a, b))
			require.True(t, ok)
			require.True(t, noun.Equal(want, got), "peg(%d, %d)", a, b)
		}
	}
}

// TestCallRecursiveGate runs a builder-made recursive gate: the length of
// a list, +($(l t.l)) until ~.
func TestCallRecursiveGate(t *testing.T) {
	length := k.Gate(k.If(k.Deep(k.Slot(6)), k.Inc(k.Kick(2, k.Edit(6, k.Slot(13), k.Slot(1)))), k.Const(noun.Zero)))
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), noun.Zero, k.Call(length, k.Const(kingtest.MustParse(t, "[1 2 3 4 ~]"))))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(4), got)
}
