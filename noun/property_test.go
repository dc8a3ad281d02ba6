package noun

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// genAtom draws atoms of every size class: tiny, byte, word, cord-like and
// big (up to a few hundred bits).
func genAtom(t *rapid.T) Noun {
	switch rapid.IntRange(0, 5).Draw(t, "atomKind") {
	case 0:
		return Atom(rapid.Uint64Range(0, 3).Draw(t, "tiny"))
	case 1:
		return Atom(rapid.Uint64Range(0, 255).Draw(t, "byte"))
	case 2:
		return Atom(rapid.Uint64().Draw(t, "word"))
	case 3:
		return Cord(rapid.StringMatching(`[a-z\-]{1,12}`).Draw(t, "cord"))
	default:
		ws := rapid.SliceOfN(rapid.Uint64(), 1, 6).Draw(t, "words")
		return AtomWords(ws)
	}
}

// genNoun draws nouns with heavy sharing: each new cell picks its head and
// tail from everything built so far, so subtrees recur (physically shared,
// and sometimes as separately built equal copies) and the logical tree may
// be exponentially larger than the cells.
func genNoun() *rapid.Generator[Noun] {
	return rapid.Custom(func(t *rapid.T) Noun {
		pool := []Noun{genAtom(t)}
		steps := rapid.IntRange(0, 48).Draw(t, "steps")
		pick := func(label string) Noun {
			return pool[rapid.IntRange(0, len(pool)-1).Draw(t, label)]
		}
		for i := 0; i < steps; i++ {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0:
				pool = append(pool, genAtom(t))
			case 1:
				pool = append(pool, rebuild(pick("copy")))
			default:
				pool = append(pool, Cell(pick("head"), pick("tail")))
			}
		}
		if rapid.Bool().Draw(t, "last") {
			return pool[len(pool)-1]
		}
		return pick("result")
	})
}

// rebuild returns a copy of n made of new cells, keeping n's sharing (so
// the copy is no larger than n) but none of its cached mugs.
func rebuild(n Noun) Noun {
	if !n.IsCell() {
		return n
	}
	done := map[unsafe.Pointer]Noun{}
	type frame struct {
		c       *cellNode
		visited bool
	}
	stack := []frame{{c: n.cell()}}
	get := func(x Noun) (Noun, bool) {
		if !x.IsCell() {
			return x, true
		}
		y, ok := done[x.p]
		return y, ok
	}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		if _, ok := done[unsafe.Pointer(f.c)]; ok {
			stack = stack[:len(stack)-1]
			continue
		}
		h, hok := get(f.c.head)
		tl, tok := get(f.c.tail)
		if hok && tok {
			done[unsafe.Pointer(f.c)] = Cell(h, tl)
			stack = stack[:len(stack)-1]
			continue
		}
		stack[len(stack)-1].visited = true
		if !hok {
			stack = append(stack, frame{c: f.c.head.cell()})
		}
		if !tok {
			stack = append(stack, frame{c: f.c.tail.cell()})
		}
	}
	return done[n.p]
}

func TestPropertyCueJam(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		j := Jam(n)
		back, err := Cue(j)
		require.NoError(t, err)
		require.True(t, Equal(n, back), "cue(jam(n)) != n")
		require.Equal(t, j, Jam(back), "jam(cue(jam(n))) != jam(n)")
		require.Equal(t, j, Jam(rebuild(n)), "jam depends on sharing")
		require.Equal(t, Mug(n), Mug(back))
	})
}

// TestPropertyJamCanonicalTrailing checks that bytes after a complete noun
// are ignored and the jam never ends in a zero byte.
func TestPropertyJamCanonicalTrailing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNoun().Draw(t, "n")
		j := Jam(n)
		require.NotEmpty(t, j)
		require.NotZero(t, j[len(j)-1], "jam has a high zero byte")
		junk := rapid.SliceOfN(rapid.Byte(), 0, 16).Draw(t, "junk")
		back, err := Cue(append(bytes.Clone(j), junk...))
		require.NoError(t, err)
		require.True(t, Equal(n, back))
	})
}

func TestPropertyEqual(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genNoun().Draw(t, "a")
		b := genNoun().Draw(t, "b")
		require.True(t, Equal(a, rebuild(a)))
		require.Equal(t, bytes.Equal(Jam(a), Jam(b)), Equal(a, b))
		require.Equal(t, Equal(a, b), Equal(b, a))
		require.Equal(t, Equal(a, b), Compare(a, b) == 0)
	})
}

func TestPropertyDor(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genNoun().Draw(t, "a")
		b := genNoun().Draw(t, "b")
		c := genNoun().Draw(t, "c")
		require.Equal(t, -Compare(b, a), Compare(a, b), "antisymmetric")
		require.Equal(t, 0, Compare(a, rebuild(a)), "reflexive")
		require.True(t, Dor(a, b) || Dor(b, a), "total")
		if Dor(a, b) && Dor(b, c) {
			require.True(t, Dor(a, c), "transitive")
		}
		require.Equal(t, refCompare(a, b), Compare(a, b), "matches the definition")
	})
}

// refCompare is dor written straight from its definition, recursively,
// for the small nouns of the property tests. It tracks proven-equal pairs
// by jam bytes so heavily shared nouns stay cheap.
func refCompare(a, b Noun) int {
	if bytes.Equal(Jam(a), Jam(b)) {
		return 0
	}
	ah, at, acell := a.Uncell()
	bh, bt, bcell := b.Uncell()
	switch {
	case !acell && !bcell:
		return a.BigInt().Cmp(b.BigInt())
	case !acell:
		return -1
	case !bcell:
		return 1
	}
	if c := refCompare(ah, bh); c != 0 {
		return c
	}
	return refCompare(at, bt)
}
