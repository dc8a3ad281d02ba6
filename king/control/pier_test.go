package control

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// livePier is a pier running in the test with a control server on it,
// as `king run` wires them.
type livePier struct {
	p     *pier.Pier
	srv   *Server
	dir   string
	exits atomic.Int32
}

// runPierWithSocket boots a pier from the named test kernel in dir (made
// if "") and runs it with a control server.
func runPierWithSocket(t *testing.T, kernel, dir string) *livePier {
	t.Helper()
	if kingPath == "" {
		t.Skipf("the king binary could not be built, so the real serf is unavailable: %v", kingErr)
	}
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "pier")
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", kernel+".pill"))
	require.NoError(t, err)
	pill, err := pier.LoadPill(b)
	require.NoError(t, err)
	serf := king.Config{SerfPath: kingPath, OnStderr: func(string) {}, OnSlog: func(uint64, noun.Noun) {},
		OnFlog: func(string) {}}
	_, err = pier.New(context.Background(), dir, pill, pier.NewOptions{Fake: true, Who: noun.Atom(5), Serf: serf})
	require.NoError(t, err)
	p, err := pier.Open(dir, pier.Options{})
	require.NoError(t, err)
	lp := &livePier{p: p, dir: dir}
	ready := make(chan struct{})
	runc := make(chan error, 1)
	go func() {
		runc <- p.Run(context.Background(), pier.RunOptions{Serf: serf, OnReady: func() { close(ready) }})
	}()
	<-ready
	lp.srv, err = Listen(dir, Options{Backend: PierBackend{Pier: p, OnExit: func() { lp.exits.Add(1) }},
		Version: "test"})
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- lp.srv.Serve(context.Background()) }()
	t.Cleanup(func() {
		// The order of `king run`: stop the socket, then the pier.
		require.NoError(t, lp.srv.Close())
		require.NoError(t, <-served)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = p.Shutdown(ctx)
		require.NoError(t, <-runc)
		require.NoError(t, p.Close())
	})
	return lp
}

func TestRealPierEveryRequest(t *testing.T) {
	lp := runPierWithSocket(t, "counter", "")
	c := dial(t, lp.dir)
	ctx := context.Background()

	got, err := c.Peek(ctx, noun.Path("x", "count"))
	require.NoError(t, err)
	requireNoun(t, "[0 %noun 0]", got)

	ov := parse(t, "[/test/1 %poke 7]")
	res, err := c.Poke(ctx, ov)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Eve)
	eve, mug := lp.p.LastCommitted()
	require.Equal(t, eve, res.Eve, "answered after the commit")
	require.Equal(t, mug, res.Mug)
	res, err = c.Poke(ctx, parse(t, "[%b /x %poke 8]"))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Eve)

	got, err = c.Peek(ctx, noun.Path("x"))
	require.NoError(t, err)
	requireNoun(t, "[0 %noun 2]", got)

	saved, err := c.Save(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), saved)
	note, ok, err := pier.ReadSnapshotNote(lp.dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, uint64(3), note.Event)
	require.NoError(t, c.Pack(ctx))
	require.NoError(t, c.Meld(ctx))
	require.NoError(t, c.Interrupt(ctx))

	v, ok, err := c.Peel(ctx, "who")
	require.NoError(t, err)
	require.True(t, ok)
	requireNoun(t, "5", v)
	facts, err := c.Info(ctx)
	require.NoError(t, err)
	byName := map[string]uint64{}
	for _, f := range facts {
		byName[f.Name] = f.Value
	}
	require.Equal(t, uint64(1), byName["running"])
	require.Equal(t, uint64(3), byName["last-committed"])
	require.Positive(t, byName["serf-pid"])

	require.NoError(t, c.Exit(ctx))
	require.Equal(t, int32(1), lp.exits.Load())
}

func TestRealPierCrashingEvents(t *testing.T) {
	lp := runPierWithSocket(t, "crashy", "")
	c := dial(t, lp.dir)
	ctx := context.Background()
	res, err := c.Poke(ctx, parse(t, "[/t %crash ~]"))
	require.NoError(t, err)
	require.True(t, res.Swapped)
	_, err = c.Poke(ctx, parse(t, "[/t %crash-twice ~]"))
	var crash *CrashError
	require.ErrorAs(t, err, &crash)
	require.Len(t, crash.Goofs, 2)
	require.Equal(t, "exit", crash.Goofs[0].Mote)
}

// TestRealPierManyClients: 100 clients at once, each peeking and
// injecting, multiplexed onto the one serf; every event is committed
// exactly once, with its own number.
func TestRealPierManyClients(t *testing.T) {
	lp := runPierWithSocket(t, "counter", "")
	const n = 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	var eves []uint64
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, err := Dial(ctx, lp.dir)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			if _, err := c.Peek(ctx, noun.Path("x")); err != nil {
				errs <- err
				return
			}
			res, err := c.Poke(ctx, noun.T(noun.Path("c"), noun.Cord("n"), noun.Atom(uint64(i))))
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			eves = append(eves, res.Eve)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	sort.Slice(eves, func(i, j int) bool { return eves[i] < eves[j] })
	for i, e := range eves {
		require.Equal(t, uint64(i+2), e, "events numbered 2..%d without gaps or repeats", n+1)
	}
	c := dial(t, lp.dir)
	got, err := c.Peek(context.Background(), noun.Path("x"))
	require.NoError(t, err)
	requireNoun(t, "[0 %noun 100]", got)
}
