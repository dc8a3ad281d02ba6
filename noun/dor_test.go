package noun

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDor(t *testing.T) {
	big := AtomWords([]uint64{0, 1})
	tests := []struct {
		name string
		a, b Noun
		want int
	}{
		{"equal atoms", Atom(3), Atom(3), 0},
		{"smaller atom", Atom(2), Atom(3), -1},
		{"larger atom", Atom(4), Atom(3), 1},
		{"direct below big", Atom(^uint64(0)), big, -1},
		{"big above direct", big, Atom(5), 1},
		{"bigs by value", AtomWords([]uint64{5, 1}), AtomWords([]uint64{4, 2}), -1},
		{"bigs by length", AtomWords([]uint64{5, 1, 1}), AtomWords([]uint64{4, 2}), 1},
		{"atom below cell", Atom(1000), T(Zero, Zero), -1},
		{"cell above atom", T(Zero, Zero), big, 1},
		{"heads decide", T(Atom(1), Atom(9)), T(Atom(2), Atom(0)), -1},
		{"tails when heads equal", T(Atom(1), Atom(9)), T(Atom(1), Atom(8)), 1},
		{"deep heads", T(T(Atom(1), Atom(2)), Zero), T(T(Atom(1), Atom(3)), Zero), -1},
		{"atom head below cell head", T(Atom(9), Zero), T(T(Zero, Zero), Zero), -1},
		{"equal cells", T(Atom(1), Atom(2)), T(Atom(1), Atom(2)), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Compare(tc.a, tc.b))
			require.Equal(t, -tc.want, Compare(tc.b, tc.a))
			require.Equal(t, tc.want <= 0, Dor(tc.a, tc.b))
		})
	}
}

// TestDorSorts sorts a mixed set of nouns and checks the expected order.
func TestDorSorts(t *testing.T) {
	want := []Noun{
		Zero, Atom(1), Atom(255), Cord("zz"), AtomWords([]uint64{0, 1}),
		T(Zero, Zero), T(Zero, Atom(1)), T(Atom(1), Zero),
		T(T(Zero, Zero), Zero),
	}
	got := []Noun{want[5], want[3], want[8], want[0], want[7], want[4], want[1], want[6], want[2]}
	sort.Slice(got, func(i, j int) bool { return Compare(got[i], got[j]) < 0 })
	for i := range want {
		require.True(t, Equal(want[i], got[i]), "position %d", i)
	}
}
