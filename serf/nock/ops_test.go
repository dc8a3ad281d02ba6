package nock_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// opCase is one evaluation: subject and formula in Hoon-style text, and
// either the product or the mote of the expected crash.
type opCase struct {
	name    string
	subject string
	formula string
	want    string // product, when mote is ""
	mote    string // expected crash mote
}

func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it := nock.New(nock.Config{})
			got, err := it.Nock(context.Background(), kingtest.MustParse(t, tc.subject), kingtest.MustParse(t, tc.formula))
			if tc.mote != "" {
				var c *nock.Crash
				require.True(t, errors.As(err, &c), "want a %%%s crash, got %v (product %s)", tc.mote, err, got)
				require.Equal(t, tc.mote, c.Mote, "crash: %v", err)
				require.NotEmpty(t, c.Reason)
				return
			}
			require.NoError(t, err)
			want := kingtest.MustParse(t, tc.want)
			require.True(t, noun.Equal(want, got), "want %s, got %s", want, got)
		})
	}
}

func TestOperators(t *testing.T) {
	const tree = "[[4 5] [6 14 15]]"
	runCases(t, []opCase{
		// 0: slot
		{"slot 1", tree, "[0 1]", tree, ""},
		{"slot 2", tree, "[0 2]", "[4 5]", ""},
		{"slot 3", tree, "[0 3]", "[6 14 15]", ""},
		{"slot 5", tree, "[0 5]", "5", ""},
		{"slot 7", tree, "[0 7]", "[14 15]", ""},
		{"slot 15", tree, "[0 15]", "15", ""},
		{"slot 0 crashes", tree, "[0 0]", "", "exit"},
		{"slot into an atom crashes", tree, "[0 8]", "", "exit"},
		{"slot of an atom subject crashes", "42", "[0 2]", "", "exit"},
		{"slot with a cell axis crashes", tree, "[0 [1 2]]", "", "exit"},
		{"slot with a huge axis crashes", tree, "[0 0x1.0000.0000.0000.0000]", "", "exit"},
		// 1: constant
		{"constant atom", tree, "[1 42]", "42", ""},
		{"constant cell", tree, "[1 [0 1] 2]", "[[0 1] 2]", ""},
		// 2: eval
		{"eval", "[1 2]", "[2 [0 1] [1 0 2]]", "1", ""},
		{"eval computed formula", "[[0 3] 77]", "[2 [0 1] [0 2]]", "77", ""},
		{"eval malformed crashes", tree, "[2 5]", "", "exit"},
		{"eval of a crashing subject", tree, "[2 [0 8] [1 0 1]]", "", "exit"},
		// 3: cell test
		{"deep of cell is yes", tree, "[3 0 2]", "0", ""},
		{"deep of atom is no", tree, "[3 0 5]", "1", ""},
		{"deep of computed cell", tree, "[3 [0 2] [0 3] [0 3]]", "0", ""},
		// 4: increment
		{"inc", "41", "[4 0 1]", "42", ""},
		{"inc past 64 bits", "0xffff.ffff.ffff.ffff", "[4 0 1]", "0x1.0000.0000.0000.0000", ""},
		{"inc big", "0x1.0000.0000.0000.0000", "[4 0 1]", "0x1.0000.0000.0000.0001", ""},
		{"inc of inc", "1", "[4 4 4 0 1]", "4", ""},
		{"inc of a cell crashes", tree, "[4 0 2]", "", "exit"},
		{"inc of a computed cell crashes", tree, "[4 [0 5] [0 5]]", "", "exit"},
		// 5: equality
		{"same atoms", tree, "[5 [0 5] [1 5]]", "0", ""},
		{"different atoms", tree, "[5 [0 5] [1 4]]", "1", ""},
		{"same cells", tree, "[5 [0 2] [1 4 5]]", "0", ""},
		{"different cells", tree, "[5 [0 2] [1 4 6]]", "1", ""},
		{"cell vs atom", tree, "[5 [0 2] [1 4]]", "1", ""},
		{"same big atoms", "0x1.0000.0000.0000.0000", "[5 [0 1] [1 0x1.0000.0000.0000.0000]]", "0", ""},
		{"equality of computed operands", "5", "[5 [4 0 1] [4 4 4 4 4 4 [1 0]]]", "0", ""},
		{"equality malformed crashes", tree, "[5 0 1]", "", "exit"},
		// 6: if
		{"if yes", tree, "[6 [1 0] [1 11] [1 22]]", "11", ""},
		{"if no", tree, "[6 [1 1] [1 11] [1 22]]", "22", ""},
		{"if computed", "5", "[6 [5 [0 1] [1 5]] [1 11] [1 22]]", "11", ""},
		{"if computed slowly", "5", "[6 [6 [1 0] [1 1] [1 0]] [1 11] [1 22]]", "22", ""},
		{"if non-loobean crashes", tree, "[6 [1 2] [1 11] [1 22]]", "", "exit"},
		{"if computed non-loobean crashes", tree, "[6 [6 [1 0] [1 2] [1 0]] [1 11] [1 22]]", "", "exit"},
		{"if cell test crashes", tree, "[6 [0 2] [1 11] [1 22]]", "", "exit"},
		{"if big test crashes", tree, "[6 [1 0x1.0000.0000.0000.0000] [1 11] [1 22]]", "", "exit"},
		{"if only evaluates the taken branch", tree, "[6 [1 0] [1 11] [0 8]]", "11", ""},
		{"if malformed crashes", tree, "[6 [1 0] 5]", "", "exit"},
		// 7: compose
		{"compose", tree, "[7 [0 3] [0 2]]", "6", ""},
		{"compose computed", tree, "[7 [[0 5] [0 5]] [4 0 2]]", "6", ""},
		// 8: push
		{"push", tree, "[8 [1 9] [0 2]]", "9", ""},
		{"push keeps the subject", tree, "[8 [1 9] [0 3]]", tree, ""},
		{"push computed", "5", "[8 [4 4 0 1] [5 [0 2] [1 7]]]", "0", ""},
		{"push slow", "5", "[8 [6 [1 0] [1 7] [1 8]] [0 2]]", "7", ""},
		// 9: invoke
		{"invoke", "[[4 0 3] 41]", "[9 2 0 1]", "42", ""},
		{"invoke computed core", "5", "[9 2 [1 [4 0 3]] [0 1]]", "6", ""},
		{"invoke missing arm crashes", "[[4 0 3] 41]", "[9 6 0 1]", "", "exit"},
		{"invoke with a cell axis crashes", "[[4 0 3] 41]", "[9 [2 2] 0 1]", "", "exit"},
		// 10: edit
		{"edit head", tree, "[10 [2 [1 7]] [0 1]]", "[7 6 14 15]", ""},
		{"edit deep", tree, "[10 [14 [1 7]] [0 1]]", "[[4 5] [6 7 15]]", ""},
		{"edit axis 1", tree, "[10 [1 [1 7]] [0 1]]", "7", ""},
		{"edit computed", "[1 2]", "[10 [3 [4 0 3]] [0 1]]", "[1 3]", ""},
		{"edit into an atom crashes", tree, "[10 [8 [1 7]] [0 1]]", "", "exit"},
		{"edit axis 0 crashes", tree, "[10 [0 [1 7]] [0 1]]", "", "exit"},
		{"edit cell axis crashes", tree, "[10 [[1 1] [1 7]] [0 1]]", "", "exit"},
		{"edit malformed crashes", tree, "[10 5 [0 1]]", "", "exit"},
		// 11: hints
		{"static hint is ignored", tree, "[11 %foo [0 5]]", "5", ""},
		{"dynamic hint evaluates the body", tree, "[11 [%foo [1 0]] [0 5]]", "5", ""},
		{"dynamic hint with a crashing clue crashes", tree, "[11 [%foo [0 8]] [0 5]]", "", "exit"},
		{"hint malformed crashes", tree, "[11 5]", "", "exit"},
		// autocons
		{"autocons", tree, "[[0 5] [1 3]]", "[5 3]", ""},
		{"autocons nested", tree, "[[[0 4] [0 5]] [0 6] [4 0 15]]", "[[4 5] 6 16]", ""},
		{"autocons of slow heads", tree, "[[6 [1 0] [0 4] [0 5]] [6 [1 1] [0 4] [0 5]]]", "[4 5]", ""},
		{"autocons crash in the tail", tree, "[[0 5] [0 8]]", "", "exit"},
		// bad formulas
		{"atom formula crashes", tree, "5", "", "exit"},
		{"unknown opcode crashes", tree, "[12 0 1]", "", "exit"},
		{"big opcode crashes", tree, "[0x1.0000.0000.0000.0000 0 1]", "", "exit"},
	})
}

// TestSlotBigAxis checks opcodes 0, 9 and 10 with axes wider than 64 bits.
func TestSlotBigAxis(t *testing.T) {
	// 70 nested heads: axis 2^70 reaches the innermost atom.
	deep := noun.Atom(77)
	for range 70 {
		deep = noun.Cell(deep, noun.Zero)
	}
	ax := noun.AtomWords([]uint64{0, 1 << 6})
	require.False(t, ax.IsDirect(), "the axis must be wider than 64 bits")
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), deep, noun.Cell(noun.Zero, ax))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(77), got)

	edited, err := it.Nock(context.Background(), deep, noun.T(noun.Atom(10), noun.Cell(ax, noun.T(noun.One, noun.Atom(5))), noun.Cell(noun.Zero, noun.One)))
	require.NoError(t, err)
	v, ok := edited.SlotAtom(ax)
	require.True(t, ok)
	require.Equal(t, noun.Atom(5), v)

	// One level deeper than the noun goes: a crash, not a panic.
	ax2 := noun.AtomWords([]uint64{0, 1 << 7})
	_, err = it.Nock(context.Background(), deep, noun.Cell(noun.Zero, ax2))
	require.ErrorIs(t, err, nock.ErrExit)
}

func TestDecrement(t *testing.T) {
	// 10^6 as in the benchmark; smaller under -short and -race, where it
	// would take tens of seconds.
	n := uint64(1_000_000)
	if testing.Short() || raceEnabled {
		n = 50_000
	}
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), noun.Atom(n), kingtest.MustParse(t, decFormula))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(n-1), got)
	// 12 steps per iteration of the loop, as counted by the interpreter.
	require.Equal(t, 12*n, it.Steps())
}

// TestDeepRecursion runs a non-tail recursion 10^6 frames deep: the length
// of a 10^6-element list, computed as +(len tail).
func TestDeepRecursion(t *testing.T) {
	const n = 1_000_000
	list := noun.Zero
	for i := range n {
		list = noun.Cell(noun.Atom(uint64(i)), list)
	}
	// Gate [battery sample]: ?@(sample 0 +($(sample +.sample))).
	battery := kingtest.MustParse(t, "[6 [3 0 3] [4 9 2 [0 2] [0 7]] [1 0]]")
	it := nock.New(nock.Config{})
	got, err := it.Nock(context.Background(), noun.Cell(battery, list), kingtest.MustParse(t, "[9 2 0 1]"))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(n), got)
}
