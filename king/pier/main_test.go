package pier

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// kingPath is the king binary built from ../../cmd/king, whose `king
// serf` is the real serf the tests run ("" if the build failed; kingErr
// says why).
var (
	kingPath string
	kingErr  error
)

func TestMain(m *testing.M) { kingtest.Main(m, "pier", &kingPath, &kingErr) }

// repoRoot is the module root.
func repoRoot() string { return kingtest.RepoRoot() }

// serfConfig is the real serf's config, its stderr kept by the returned
// recorder.
func serfConfig(t testing.TB) king.Config {
	t.Helper()
	if kingPath == "" {
		t.Skipf("the king binary could not be built, so the real serf is unavailable: %v", kingErr)
	}
	return king.Config{SerfPath: kingPath, OnStderr: func(string) {}, OnSlog: func(uint64, noun.Noun) {},
		OnFlog: func(string) {}}
}

// loadPill reads testdata/kernels/<name>.pill.
func loadPill(t testing.TB, name string) Pill {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", name+".pill"))
	require.NoError(t, err)
	p, err := LoadPill(b)
	require.NoError(t, err)
	return p
}

// newPier boots a pier from testdata/kernels/<pill>.pill in a temporary
// directory and returns it.
func newPier(t testing.TB, pill string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pier")
	_, err := New(context.Background(), dir, loadPill(t, pill), NewOptions{Fake: true, Serf: serfConfig(t)})
	require.NoError(t, err)
	return dir
}

// running is a pier whose Run runs in a goroutine.
type running struct {
	t    testing.TB
	p    *Pier
	errc chan error
	once sync.Once
	err  error
}

// runPier opens dir and runs it with opts (the serf config filled in if
// empty), returning once it is ready. The test's cleanup shuts it down
// and closes it.
func runPier(t testing.TB, dir string, opts RunOptions) *running {
	t.Helper()
	if opts.Serf.SerfPath == "" {
		opts.Serf = serfConfig(t)
	}
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	ready := make(chan struct{})
	userReady := opts.OnReady
	opts.OnReady = func() {
		if userReady != nil {
			userReady()
		}
		close(ready)
	}
	rp := &running{t: t, p: p, errc: make(chan error, 1)}
	go func() { rp.errc <- p.Run(context.Background(), opts) }()
	select {
	case <-ready:
	case err := <-rp.errc:
		rp.once.Do(func() { rp.err = err })
		_ = p.Close()
		t.Fatalf("Run ended before it was ready: %v", err)
	}
	t.Cleanup(func() { rp.stop() })
	return rp
}

// stop shuts the pier down (if it still runs), closes it and returns
// Run's result.
func (rp *running) stop() error {
	rp.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = rp.p.Shutdown(ctx)
		rp.err = <-rp.errc
		_ = rp.p.Close()
	})
	return rp.err
}

// wait waits for Run to end by itself and returns its result.
func (rp *running) wait() error {
	rp.once.Do(func() {
		select {
		case rp.err = <-rp.errc:
		case <-time.After(60 * time.Second):
			rp.t.Fatal("Run did not end")
		}
		_ = rp.p.Close()
	})
	return rp.err
}

// ovum returns a distinct ovum [/test/<i> [%ping i]] for the counter
// kernel.
func ovum(i int) noun.Noun {
	return noun.T(noun.Path("test", fmt.Sprint(i)), noun.Cord("ping"), noun.Atom(uint64(i)))
}

// card returns an ovum with the given card tag.
func card(tag string) noun.Noun {
	return noun.T(noun.Path("test"), noun.Cord(tag), noun.Zero)
}
