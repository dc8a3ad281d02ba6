package noun_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// diffNouns is how many random nouns the differential test compares;
// diffBig of them are big enough (thousands of cells) for Jam's counting
// pass.
const (
	diffNouns = 10_000
	diffBig   = 40
)

// TestDifferentialNockjs compares Jam and Mug with @urbit/nockjs, an
// independent implementation from npm: each noun goes to node in a neutral
// form (a DAG of decimal atoms), node jams and mugs it and also cues our
// jam. One node process handles the whole batch.
func TestDifferentialNockjs(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: differential test against @urbit/nockjs in -short mode")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIP: node is not installed; the differential test against @urbit/nockjs did not run")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "nockjs"))
	require.NoError(t, err)
	installNockjs(t, dir)

	r := rand.New(rand.NewPCG(2, 0x6e6f756e))
	nouns := make([]noun.Noun, diffNouns)
	var in bytes.Buffer
	for i := range nouns {
		var n noun.Noun
		var dag []byte
		if i < diffBig {
			n, dag = genDiffBig(r)
		} else {
			n, dag = genDiffNoun(r, 1500)
		}
		nouns[i] = n
		in.Write(dag)
		in.WriteByte('\t')
		in.WriteString(hex.EncodeToString(noun.Jam(n)))
		in.WriteByte('\n')
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBin, filepath.Join(dir, "diff.js"))
	cmd.Dir = dir
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node failed: %s", stderr.String())

	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	i := 0
	for ; sc.Scan(); i++ {
		require.Less(t, i, len(nouns), "node printed too many lines")
		f := strings.Fields(sc.Text())
		require.Len(t, f, 3, "line %d: %q", i, sc.Text())
		n := nouns[i]
		require.Equal(t, f[0], hex.EncodeToString(noun.Jam(n)), "jam of noun %d differs from nockjs", i)
		require.Equal(t, f[1], fmt.Sprintf("%08x", noun.Mug(n)), "mug of noun %d differs from nockjs", i)
		require.Equal(t, "ok", f[2], "nockjs on our jam of noun %d", i)
	}
	require.NoError(t, sc.Err())
	require.Equal(t, len(nouns), i, "node answered for fewer nouns than sent")
}

// installNockjs runs npm install in dir when node_modules is missing,
// skipping the test visibly if that is impossible (no npm, no network).
func installNockjs(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@urbit", "nockjs")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("SKIP: npm is not installed; cannot fetch @urbit/nockjs for the differential test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("SKIP: npm install of @urbit/nockjs failed (%v); differential test did not run:\n%s", err, out)
	}
}

// genDiffNoun draws a noun with repeated subtrees and atoms (so jam's
// backref rules are exercised) and a bounded tree size (nockjs recurses and
// the neutral form has no sharing limits). It returns the noun and its
// neutral JSON form: nodes ["a", decimal] and ["c", head, tail].
func genDiffNoun(r *rand.Rand, maxTree int) (noun.Noun, []byte) {
	g := diffGen{r: r}
	g.grow(r.IntN(80), maxTree)
	b, err := json.Marshal(g.nodes)
	if err != nil {
		panic(err)
	}
	return g.ns[len(g.ns)-1], b
}

// genDiffBig draws a noun of a few thousand cells: many small random
// nouns, some repeated, joined into a balanced tree.
func genDiffBig(r *rand.Rand) (noun.Noun, []byte) {
	g := diffGen{r: r}
	var tops []int
	for len(tops) < 600 {
		if len(tops) > 0 && r.IntN(8) == 0 {
			tops = append(tops, tops[r.IntN(len(tops))])
			continue
		}
		g.grow(1+r.IntN(12), 60)
		tops = append(tops, len(g.ns)-1)
	}
	for len(tops) > 1 {
		var next []int
		for i := 0; i+1 < len(tops); i += 2 {
			next = append(next, g.cell(tops[i], tops[i+1]))
		}
		if len(tops)%2 == 1 {
			next = append(next, tops[len(tops)-1])
		}
		tops = next
	}
	b, err := json.Marshal(g.nodes)
	if err != nil {
		panic(err)
	}
	return g.ns[tops[0]], b
}

// diffGen builds a noun and its neutral form side by side.
type diffGen struct {
	r     *rand.Rand
	nodes []any
	ns    []noun.Noun
	sizes []int
}

func (g *diffGen) atom(a noun.Noun) {
	g.nodes = append(g.nodes, []any{"a", a.BigInt().String()})
	g.ns = append(g.ns, a)
	g.sizes = append(g.sizes, 1)
}

// cell adds the cell of nodes h and t, always as a fresh cell: equal
// subtrees are sometimes shared in memory and sometimes only equal.
func (g *diffGen) cell(h, t int) int {
	g.nodes = append(g.nodes, []any{"c", h, t})
	g.ns = append(g.ns, noun.Cell(g.ns[h], g.ns[t]))
	g.sizes = append(g.sizes, g.sizes[h]+g.sizes[t]+1)
	return len(g.ns) - 1
}

// grow adds steps random nodes, none with a tree over maxTree nodes.
func (g *diffGen) grow(steps, maxTree int) {
	r := g.r
	palette := make([]noun.Noun, 1+r.IntN(4))
	for i := range palette {
		palette[i] = diffAtom(r)
	}
	first := len(g.ns)
	g.atom(diffAtom(r))
	for s := 0; s < steps; s++ {
		switch x := r.IntN(10); {
		case x < 2:
			g.atom(diffAtom(r))
		case x < 3:
			g.atom(palette[r.IntN(len(palette))])
		default:
			// Favor recent nodes so nouns grow deep as well as wide.
			pick := func() int {
				if r.IntN(2) == 0 {
					return len(g.ns) - 1 - r.IntN(min(len(g.ns)-first, 4))
				}
				return first + r.IntN(len(g.ns)-first)
			}
			h, tl := pick(), pick()
			if g.sizes[h]+g.sizes[tl]+1 > maxTree {
				continue
			}
			g.cell(h, tl)
		}
	}
}

// diffAtom draws atoms around every boundary mat and the backref rule care
// about: tiny, near powers of two, cords, whole words and big atoms.
func diffAtom(r *rand.Rand) noun.Noun {
	switch r.IntN(7) {
	case 0:
		return noun.Atom(uint64(r.IntN(4)))
	case 1:
		return noun.Atom(uint64(r.IntN(1 << 12)))
	case 2:
		k := uint(1 + r.IntN(63))
		return noun.Atom(uint64(1)<<k - 1 + uint64(r.IntN(3)))
	case 3:
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		return noun.Cord(string(b))
	case 4:
		return noun.Atom(r.Uint64())
	case 5:
		x := new(big.Int).Lsh(big.NewInt(1), uint(64+r.IntN(300)))
		x.Sub(x, big.NewInt(int64(r.IntN(2))))
		a, _ := noun.AtomBig(x)
		return a
	default:
		ws := make([]uint64, 2+r.IntN(8))
		for i := range ws {
			ws[i] = r.Uint64()
		}
		return noun.AtomWords(ws)
	}
}
