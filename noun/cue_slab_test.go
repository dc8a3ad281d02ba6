package noun

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// slabNoun builds a noun whose jam is far bigger than the inputs Cue
// decodes into ordinary slabs: records with shared and repeated parts and
// big atoms, so that its cells point across many cueSlabs and to big atoms.
func slabNoun(seed uint64, records int) Noun {
	r := rand.New(rand.NewPCG(seed, 7))
	var parts []Noun
	for i := 0; i < records; i++ {
		var x Noun
		switch r.IntN(5) {
		case 0:
			if len(parts) > 0 {
				x = parts[r.IntN(len(parts))] // a backref
			}
		case 1:
			x = AtomWords([]uint64{r.Uint64(), r.Uint64(), uint64(i)}) // big
		default:
			x = T(Atom(uint64(i)), Atom(r.Uint64()), Cord("slab"))
		}
		parts = append(parts, x)
	}
	return T(parts...)
}

// TestCueUsesSlabs checks that a big input is decoded into cueSlabs and a
// smaller one is not.
func TestCueUsesSlabs(t *testing.T) {
	big := Jam(slabNoun(1, 2000))
	var d decoder
	d.init(big, make([]uint64, d.bufWords(big)))
	require.Equal(t, cueSlabCells, 1<<d.cells.shift)
	small := Jam(slabNoun(1, 100))
	require.Greater(t, len(small), cueSmallBytes)
	d = decoder{}
	d.init(small, make([]uint64, d.bufWords(small)))
	require.Less(t, 1<<d.cells.shift, cueSlabCells)
}

// TestCueSlabsSurviveGC keeps only a subtree deep inside a big decoded
// noun, collects garbage repeatedly, and checks the subtree is intact: the
// cells and big atoms it reaches only through pointers the collector does
// not scan must have been kept by their group. It runs in a child process
// with GODEBUG=clobberfree=1, so that memory freed by mistake is
// overwritten rather than left looking right.
func TestCueSlabsSurviveGC(t *testing.T) {
	if os.Getenv("NOUN_SLAB_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCueSlabsSurviveGC$", "-test.count=1")
		cmd.Env = append(os.Environ(), "NOUN_SLAB_CHILD=1", "GODEBUG=clobberfree=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return
	}
	orig := slabNoun(2, 20000)
	data := Jam(orig)
	n, err := Cue(data)
	require.NoError(t, err)
	// Descend 15000 tails: the rest of the list lives in later slabs, and
	// its backrefs point to earlier ones.
	sub, want := n, orig
	for i := 0; i < 15000; i++ {
		sub, want = sub.Tail(), want.Tail()
	}
	// n is dead from here on (the compiler tracks liveness precisely):
	// only sub holds the decoded cells.
	wantJam := Jam(rebuild(want))
	for i := 0; i < 5; i++ {
		churn := make([]*cellNode, 0, 100000)
		for k := 0; k < cap(churn); k++ {
			churn = append(churn, &cellNode{head: Atom(uint64(k))})
		}
		runtime.GC()
		runtime.KeepAlive(churn)
	}
	require.True(t, Equal(want, sub))
	require.Equal(t, wantJam, Jam(sub))
	runtime.KeepAlive(data)
}

// TestCueDuringGC decodes big inputs while the collector runs
// continuously, so that cells are written (without write barriers) while
// marking is under way, and checks every result.
func TestCueDuringGC(t *testing.T) {
	orig := slabNoun(3, 20000)
	data := Jam(orig)
	wantTail := Jam(orig.Tail())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	var kept []Noun
	for i := 0; i < 20; i++ {
		n, err := Cue(data)
		require.NoError(t, err)
		kept = append(kept, n.Tail())
		if i%4 == 0 {
			kept = kept[:0]
		}
	}
	close(stop)
	wg.Wait()
	for _, k := range kept {
		require.Equal(t, wantTail, Jam(k))
	}
	n, err := Cue(data)
	require.NoError(t, err)
	require.Equal(t, data, Jam(n))
}

// TestCueSlabsHostile decodes corrupted copies of a big jam, which fail
// anywhere in the middle of filling cueSlabs: each must fail with a
// CueError or decode to a noun that survives a collection and round-trips.
func TestCueSlabsHostile(t *testing.T) {
	data := Jam(slabNoun(4, 3000))
	r := rand.New(rand.NewPCG(4, 5))
	for i := 0; i < 200; i++ {
		bad := append([]byte(nil), data...)
		for k := 0; k < 1+r.IntN(4); k++ {
			bad[r.IntN(len(bad))] ^= byte(1 << r.IntN(8))
		}
		if r.IntN(4) == 0 {
			bad = bad[:r.IntN(len(bad))+1]
		}
		n, err := Cue(bad)
		if err != nil {
			var ce *CueError
			require.ErrorAs(t, err, &ce)
			continue
		}
		runtime.GC()
		back, err := Cue(Jam(n))
		require.NoError(t, err)
		require.True(t, Equal(n, back))
	}
}
