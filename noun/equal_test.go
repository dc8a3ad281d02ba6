package noun

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEqual(t *testing.T) {
	big := AtomWords([]uint64{1, 2})
	shared := T(Atom(1), Atom(2))
	tests := []struct {
		name string
		a, b Noun
		want bool
	}{
		{"zero", Zero, Atom(0), true},
		{"atoms", Atom(7), Atom(7), true},
		{"different atoms", Atom(7), Atom(8), false},
		{"big atoms built apart", big, AtomBytes([]byte{1, 0, 0, 0, 0, 0, 0, 0, 2}), true},
		{"big vs direct", big, Atom(1), false},
		{"different big", big, AtomWords([]uint64{1, 3}), false},
		{"atom vs cell", Atom(0), T(Zero, Zero), false},
		{"cell vs atom", T(Zero, Zero), Atom(0), false},
		{"cells built apart", T(Atom(1), Atom(2)), T(Atom(1), Atom(2)), true},
		{"same pointer", shared, shared, true},
		{"differ in tail", T(Atom(1), Atom(2)), T(Atom(1), Atom(3)), false},
		{"differ deep", T(shared, shared, Atom(9)), T(shared, shared, Atom(8)), false},
		{"shape", T(T(Zero, Zero), Zero), T(Zero, Zero, Zero), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Equal(tc.a, tc.b))
			require.Equal(t, tc.want, Equal(tc.b, tc.a))
		})
	}
}

// doubling returns x_k = [x_{k-1} x_{k-1}] over leaf: 2^k leaves in k
// cells.
func doubling(k int, leaf Noun) Noun {
	n := leaf
	for i := 0; i < k; i++ {
		n = Cell(n, n)
	}
	return n
}

// TestEqualSharedDAG compares two separately built copies of a noun whose
// tree has 2^200 leaves: only linear work is possible.
func TestEqualSharedDAG(t *testing.T) {
	a := doubling(200, Atom(5))
	b := doubling(200, Atom(5))
	require.True(t, Equal(a, b))
	require.Equal(t, 0, Compare(a, b))
	c := doubling(200, Atom(6))
	require.False(t, Equal(a, c))
	require.Equal(t, -1, Compare(a, c))
	require.Equal(t, 1, Compare(c, a))
	// With mugs cached, unequal mugs answer at once.
	Mug(a)
	Mug(c)
	require.False(t, Equal(a, c))
}

func TestEqualMemoPath(t *testing.T) {
	// Over the budget with no sharing: the memo path must agree.
	a := rightDeep(3 * equalBudget)
	b := rightDeep(3 * equalBudget)
	require.True(t, Equal(a, b))
	c := rightDeep(3*equalBudget + 1)
	require.False(t, Equal(a, c))
	require.True(t, equalMemo(a.cell(), b.cell()))
	require.False(t, equalMemo(a.cell(), c.cell()))
}

func TestPairSet(t *testing.T) {
	var s pairSet
	cells := make([]*cellNode, 300)
	for i := range cells {
		cells[i] = T(Atom(uint64(i)), Zero).cell()
	}
	for i := 0; i < len(cells); i += 2 {
		s.add(cells[i], cells[i+1])
		s.add(cells[i], cells[i+1])
	}
	require.Equal(t, len(cells)/2, s.n)
	for i := 0; i < len(cells); i += 2 {
		require.True(t, s.has(cells[i], cells[i+1]))
		require.False(t, s.has(cells[i+1], cells[i]))
	}
}
