package noun

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestSideTableEntries checks that neighbouring cells get distinct entries,
// that a cell gets the same entry every time, and that references find
// entries again.
func TestSideTableEntries(t *testing.T) {
	var s sideTable
	s.init(sideFreeBytes, sideBytesPerCell)
	slab := make([]cellNode, 3000) // spans several pages
	seen := map[*uint32]int{}
	for i := range slab {
		e, ref := s.entry(unsafe.Pointer(&slab[i]))
		_, dup := seen[e]
		require.False(t, dup, "cell %d shares an entry", i)
		seen[e] = i
		require.Same(t, e, s.at(ref))
		*e = uint32(i + 1)
	}
	for i := range slab {
		e, _ := s.entry(unsafe.Pointer(&slab[i]))
		require.Equal(t, uint32(i+1), *e)
	}
	require.False(t, s.over)
	require.LessOrEqual(t, len(s.pages), 3000*int(unsafe.Sizeof(cellNode{}))>>sidePageShift+2)
}

// TestSideTableOverflow checks that pages beyond the budget are reported.
func TestSideTableOverflow(t *testing.T) {
	var s sideTable
	s.init(2*sidePageBytes, 0)
	var keep [][]cellNode
	for i := 0; i < 3; i++ {
		// One cell in each of three blocks a page apart or more.
		slab := make([]cellNode, 2<<sidePageShift/int(unsafe.Sizeof(cellNode{})))
		keep = append(keep, slab)
		s.entry(unsafe.Pointer(&slab[0]))
		s.entry(unsafe.Pointer(&slab[len(slab)-1]))
	}
	require.True(t, s.over)
	require.Len(t, keep, 3)
}

// scatteredNoun builds a list of n records whose cells each sit on a page
// of their own, among other cells, as a noun built slowly amid other
// allocations would. It returns the other cells too, to keep them.
func scatteredNoun(r *rand.Rand, n int) (Noun, [][]Noun) {
	perPage := 1<<sidePageShift/48 + 1 // a cellNode takes 48 bytes alone
	var junk [][]Noun
	l := Zero
	for i := 0; i < n; i++ {
		other := make([]Noun, perPage)
		for k := range other {
			other[k] = Cell(Zero, Zero)
		}
		junk = append(junk, other)
		rec := Cell(Atom(uint64(r.IntN(50))), Atom(r.Uint64()>>uint(r.IntN(64))))
		if i%7 == 0 {
			rec = Cell(rec, rec) // a repeat
		}
		l = Cell(rec, l)
	}
	return l, junk
}

// TestJamSideGivesUp checks that the side path gives up, leaving nothing
// written, on a noun whose cells are too scattered for the side table and
// on one whose jam may be longer than its offsets reach, and that Jam
// then writes the same bytes by the mug path.
func TestJamSideGivesUp(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n, junk := scatteredNoun(r, 2500)
	want := jamWith(rebuild(n), jamTables)
	var j jammer
	j.setup()
	j.setupTables()
	require.False(t, j.runSide(n), "scattered cells overflow the side table")
	require.Zero(t, j.w.pos)
	require.Equal(t, want, Jam(n))
	require.Equal(t, want, jamWith(n, jamSide))

	dense := growNoun(r, 2000)
	want = jamWith(rebuild(dense), jamTables)
	j = jammer{sideMaxBits: 64}
	j.setup()
	j.setupTables()
	require.False(t, j.runSide(dense), "a jam longer than the offsets allowed")
	j = jammer{sideMaxBits: 64}
	j.run(dense, jamSide)
	require.Equal(t, want, j.w.bytes())
	require.Len(t, junk, 2500)
}

// TestJamSideFlags checks the counting pass's verdicts on a noun with
// structural twins built apart and repeated wide atoms: every twin and
// every repeated wide atom is flagged, a unique one need not be.
func TestJamSideFlags(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	var parts []Noun
	twin := T(Atom(1), Cord("twin"), Atom(3))
	for i := 0; i < 4000; i++ {
		parts = append(parts, T(Atom(uint64(i)), Atom(r.Uint64())))
	}
	parts = append(parts, twin, rebuild(twin), Atom(1<<40), Atom(1<<40))
	n := T(parts...)
	var j jammer
	j.setup()
	j.setupTables()
	j.side.init(sideFreeBytes, sideBytesPerCell)
	require.True(t, j.hashWalk(n.cell()))
	cells, atoms := j.countSide()
	e1, _ := j.side.entry(parts[4000].p)
	e2, _ := j.side.entry(parts[4001].p)
	require.NotZero(t, *e1&sideMany, "a twin is flagged")
	require.NotZero(t, *e2&sideMany, "its twin is flagged")
	require.GreaterOrEqual(t, cells, 4) // both twins, and their tails
	require.GreaterOrEqual(t, atoms, 4) // the %twin cords and 2^40 twice
	require.Less(t, cells, 500, "few innocent cells are flagged")
	j.dropSide()
}

// TestJamSideMatchesMugPath checks the side path against the mug path on
// random nouns of every shape, fresh and with mugs cached.
func TestJamSideMatchesMugPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		want := jamWith(rebuild(n), jamTables)
		require.Equal(t, want, jamWith(n, jamSide))
		Mug(n)
		require.Equal(t, want, jamWith(n, jamSide))
	})
}

// TestMugWalkLimit checks that a limited walk stops, reports so, and
// leaves right mugs behind.
func TestMugWalkLimit(t *testing.T) {
	n := growNoun(rand.New(rand.NewPCG(15, 16)), 500)
	want := Mug(rebuild(n))
	m, hashed, _, done := mugWalk(n.cell(), 100)
	require.False(t, done)
	require.Zero(t, m)
	require.LessOrEqual(t, hashed, 100) // or 100 deep: n is a list
	require.Equal(t, want, Mug(n))
	deep := rightDeep(10_000)
	_, _, _, done = mugWalk(deep.cell(), 100)
	require.False(t, done, "a deep chain stops at the limit before any cell is hashed")
	m, _, _, done = mugWalk(deep.cell(), math.MaxInt)
	require.True(t, done)
	require.Equal(t, Mug(rightDeep(10_000)), m)
}

// TestAtLeastCells counts a shared cell at each of its places.
func TestAtLeastCells(t *testing.T) {
	x := T(Atom(1), Atom(2), Atom(3)) // 2 cells
	n := T(x, x, x)                   // 2 + 3*2 = 8 cells counted
	require.True(t, atLeastCells(n, 8))
	require.False(t, atLeastCells(n, 9))
	require.False(t, atLeastCells(Atom(5), 1))
	require.True(t, atLeastCells(rightDeep(5000), jamSmallCells))
}

// TestJamSideBound checks that hashWalk's bound holds the jam, also where
// cells built apart are written as backrefs to far offsets, and that the
// output buffer is no longer than it must be.
func TestJamSideBound(t *testing.T) {
	check := func(t require.TestingT, n Noun) {
		var j jammer
		j.setup()
		j.setupTables()
		if !n.IsCell() || !j.runSide(n) {
			return
		}
		require.LessOrEqual(t, j.w.pos, j.sideBound)
		if j.w.heap != nil { // else the jammer's inline buffer
			require.LessOrEqual(t, uint64(cap(j.w.heap)), (j.w.pos/64+2)*5/4)
		}
		require.Equal(t, jamWith(rebuild(n), jamTables), j.w.bytes())
	}
	rapid.Check(t, func(t *rapid.T) { check(t, genNoun().Draw(t, "n")) })
	r := rand.New(rand.NewPCG(17, 18))
	var parts []Noun
	for i := 0; i < 20000; i++ {
		parts = append(parts, T(Atom(r.Uint64()), Atom(uint64(i))))
	}
	for i := 0; i < 2000; i++ {
		parts = append(parts, T(Zero, Zero), T(T(Zero, Zero), Zero)) // built apart
	}
	check(t, T(parts...))
	// Offsets of 24 bits, and almost nothing but small cells built apart,
	// each written as a backref longer than the cell.
	wide := make([]uint64, 1<<17)
	wide[len(wide)-1] = 1
	parts = []Noun{AtomWords(wide)}
	for i := 0; i < 5000; i++ {
		parts = append(parts, T(Zero, Zero))
	}
	check(t, T(parts...))
}
