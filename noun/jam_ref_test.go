package noun

import (
	"math/bits"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// refJam is jam written straight from the definition (PROTOCOL.md §1.2),
// with none of Jam's machinery: a recursive pre-order walk that remembers
// every noun at the offset of its tag in a plain list and finds earlier
// copies by a linear search with Equal. Quadratic, so for small nouns only.
func refJam(n Noun) []byte {
	type seen struct {
		n   Noun
		off uint64
	}
	var (
		out  []bool
		list []seen
	)
	put := func(v uint64, nbits int) {
		for i := 0; i < nbits; i++ {
			out = append(out, v>>uint(i)&1 == 1)
		}
	}
	mat := func(a Noun) {
		if a.IsZero() {
			put(1, 1)
			return
		}
		b := a.BitLen()
		c := bits.Len(uint(b))
		put(0, c)
		put(1, 1)
		put(uint64(b), c-1)
		for i := 0; i < b; i++ {
			if a.Bit(i) {
				put(1, 1)
			} else {
				put(0, 1)
			}
		}
	}
	var walk func(Noun)
	walk = func(x Noun) {
		pos := uint64(len(out))
		for _, s := range list {
			if Equal(s.n, x) {
				if x.IsCell() || x.BitLen() > bits.Len64(s.off) {
					put(3, 2)
					mat(Atom(s.off))
					return
				}
				break
			}
		}
		found := false
		for _, s := range list {
			if Equal(s.n, x) {
				found = true
				break
			}
		}
		if !found {
			list = append(list, seen{x, pos})
		}
		if h, t, ok := x.Uncell(); ok {
			put(1, 2)
			walk(h)
			walk(t)
			return
		}
		put(0, 1)
		mat(x)
	}
	walk(n)
	b := make([]byte, (len(out)+7)/8)
	for i, bit := range out {
		if bit {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return b
}

// TestJamMatchesReference checks Jam, its reference writer order (every
// mug first) and its counting pass against refJam on random nouns with
// heavy sharing, fresh, rebuilt and decoded.
func TestJamMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		want := refJam(rebuild(n))
		require.Equal(t, want, Jam(rebuild(n)))
		require.Equal(t, want, jamWith(rebuild(n), jamCounted))
		require.Equal(t, want, jamWith(n, jamTables))
		require.Equal(t, want, jamWith(rebuild(n), jamSide))
		require.Equal(t, want, jamWith(n, jamSide))
		require.Equal(t, want, jamTight(rebuild(n)))
		back, err := Cue(want)
		require.NoError(t, err)
		require.Equal(t, want, Jam(back))
		require.Equal(t, want, jamWith(back, jamSide))
	})
}

// growNoun builds a noun of about size cells for the table tests: a list
// of records, some repeated as the same pointer, some rebuilt equal, with
// atoms of every width (so every table and the short-atom split is used)
// and a few big atoms.
func growNoun(r *rand.Rand, size int) Noun {
	var parts []Noun
	for len(parts) < size {
		var x Noun
		switch r.IntN(8) {
		case 0:
			if len(parts) > 0 {
				x = parts[r.IntN(len(parts))]
			}
		case 1:
			if len(parts) > 0 {
				x = rebuild(parts[r.IntN(len(parts))])
			}
		case 2:
			x = AtomWords([]uint64{uint64(r.IntN(4)), 1})
		case 3:
			x = Atom(1<<uint(r.IntN(64)) | uint64(r.IntN(3)))
		default:
			x = T(Atom(uint64(r.IntN(size))), Atom(r.Uint64()>>uint(r.IntN(64))))
		}
		parts = append(parts, x)
	}
	return T(parts...)
}

// TestJamGrowth crosses every buffer and table size Jam grows through
// (inline buffers, pending queues, filter and table doublings) and checks
// the output against refJam, which shares none of that code.
func TestJamGrowth(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 5, 15, 19, 20, 21, 33, 64, 100, 300, 700, 1500} {
		n := growNoun(r, size)
		want := refJam(rebuild(n))
		require.Equal(t, want, Jam(rebuild(n)), "size %d fresh", size)
		require.Equal(t, want, Jam(n), "size %d", size)
		require.Equal(t, want, Jam(n), "size %d cached", size)
		require.Equal(t, want, jamWith(rebuild(n), jamCounted), "size %d counted", size)
		require.Equal(t, want, jamWith(rebuild(n), jamSide), "size %d side", size)
		require.Equal(t, want, jamWith(n, jamSide), "size %d side, mugs cached", size)
		require.Equal(t, want, jamTight(rebuild(n)), "size %d side overflowing", size)
	}
}

// TestJamBigAgrees runs nouns big enough to keep their tables as spares
// through Jam several times, in both orders of size, with and without the
// counting pass: reused tables must behave like fresh ones.
func TestJamBigAgrees(t *testing.T) {
	if testing.Short() {
		t.Skip("big nouns take a few seconds")
	}
	r := rand.New(rand.NewPCG(3, 4))
	big := growNoun(r, 40_000)
	small := growNoun(r, 300)
	wantBig := jamWith(rebuild(big), jamTables)
	wantSmall := refJam(small)
	back, err := Cue(wantBig)
	require.NoError(t, err)
	require.True(t, Equal(big, back))
	for i := 0; i < 3; i++ {
		require.Equal(t, wantBig, Jam(rebuild(big)))
		require.Equal(t, wantSmall, Jam(rebuild(small)))
		require.Equal(t, wantBig, Jam(big))
		require.Equal(t, wantBig, jamWith(rebuild(big), jamCounted))
		require.Equal(t, wantBig, jamWith(rebuild(big), jamSide))
		require.Equal(t, wantBig, jamTight(rebuild(big)))
	}
}

// TestJamConcurrent jams shared nouns from several goroutines at once:
// pooled state must never leak between calls.
func TestJamConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var nouns []Noun
	var want [][]byte
	for _, size := range []int{3, 40, 400, 3000} {
		n := growNoun(r, size)
		nouns = append(nouns, n)
		want = append(want, jamWith(rebuild(n), jamTables))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				k := (g + i) % len(nouns)
				n := nouns[k]
				if i%2 == 1 {
					n = rebuild(n)
				}
				if got := Jam(n); string(got) != string(want[k]) {
					errs <- "mismatch"
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestJamTableAgainstMap drives jamTable and jamAtomTable through growth
// and their pending queues and compares every answer with a map.
func TestJamTableAgainstMap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var cells jamTable
		cells.init(make([]jamSlot, 1<<jamTableMinLg), make([]uint64, jamMinBloomWords))
		var atoms jamAtomTable
		atoms.init(make([]jamAtomSlot, 1<<jamTableMinLg), make([]uint64, jamMinBloomWords))
		var made []Noun
		cellOff := map[*cellNode]uint64{}
		atomOff := map[uint64]uint64{}
		ops := rapid.IntRange(1, 3000).Draw(t, "ops")
		for i := 0; i < ops; i++ {
			pos := uint64(i) * 7
			if rapid.Bool().Draw(t, "atom") {
				// Few distinct values, so repeats are common.
				v := rapid.Uint64Range(0, 500).Draw(t, "v") * 0x9e3779b97f4a7c15
				add := rapid.IntRange(0, 3).Draw(t, "add") > 0
				off, found := atoms.findOrAdd(v, add, pos)
				want, ok := atomOff[v]
				require.Equal(t, ok, found)
				if ok {
					require.Equal(t, want, off)
				} else if add {
					atomOff[v] = pos
				}
				continue
			}
			var n Noun
			if len(made) > 0 && rapid.IntRange(0, 2).Draw(t, "repeat") == 0 {
				n = made[rapid.IntRange(0, len(made)-1).Draw(t, "which")]
			} else {
				n = Cell(Atom(uint64(i)), Atom(uint64(i)>>3))
				made = append(made, n)
			}
			off, found := cells.findOrAdd(n.p, false, Mug(n), pos)
			want, ok := cellOff[n.cell()]
			require.Equal(t, ok, found)
			if ok {
				require.Equal(t, want, off)
			} else {
				cellOff[n.cell()] = pos
			}
		}
	})
}

// TestJamTableStructural checks that a table finds a cell by structure
// when the pointer differs, from the queue and from the slots.
func TestJamTableStructural(t *testing.T) {
	var tab jamTable
	tab.init(make([]jamSlot, 1<<jamTableMinLg), make([]uint64, jamMinBloomWords))
	var first []Noun
	for i := 0; i < 500; i++ {
		n := T(Atom(uint64(i)), Cord("x"), Atom(uint64(i%7)))
		first = append(first, n)
		_, found := tab.findOrAdd(n.p, false, Mug(n), uint64(i))
		require.False(t, found)
	}
	for i := len(first) - 1; i >= 0; i-- {
		copy := rebuild(first[i])
		off, found := tab.findOrAdd(copy.p, false, Mug(copy), 9999)
		require.True(t, found, "copy %d", i)
		require.Equal(t, uint64(i), off)
	}
}
