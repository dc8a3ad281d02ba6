package king

import (
	"context"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
)

// serfBinary is the king binary built from ../cmd/king for tests and
// examples against the real serf ("" if the build failed; serfBinaryErr
// says why).
var (
	serfBinary    string
	serfBinaryErr error
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeSerfEnv); mode != "" {
		os.Exit(runFakeSerf(mode, os.Args[1:]))
	}
	if os.Getenv(fakeKingEnv) != "" {
		os.Exit(runFakeKing())
	}
	kingtest.Main(m, "king", &serfBinary, &serfBinaryErr)
}

// fakeConfig is a Config running the test binary as a fake serf in mode.
func fakeConfig(t testing.TB, mode string) Config {
	return Config{
		SerfPath: os.Args[0],
		Pier:     t.TempDir(),
		Env:      append(os.Environ(), fakeSerfEnv+"="+mode),
		OnStderr: func(string) {},
	}
}

// startFake starts a fake serf and arranges for it to be stopped and
// checked for zombies at the end of the test.
func startFake(t testing.TB, cfg Config) (*Serf, Info) {
	t.Helper()
	s, info, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		require.NoError(t, s.Stop(context.Background()))
		requireGone(t, s)
	})
	return s, info
}

// requireGone checks that the serf has been reaped and that its pid no
// longer names a process (no zombie).
func requireGone(t testing.TB, s *Serf) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("serf %d not reaped", s.Pid())
	}
	requirePidGone(t, s.Pid())
}

// requirePidGone checks that pid names no process, not even a zombie.
func requirePidGone(t testing.TB, pid int) {
	t.Helper()
	require.Positive(t, pid)
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "pid %d still exists", pid)
}

// pidCatcher collects stderr lines and the fake's pid from its first line.
type pidCatcher struct {
	mu    sync.Mutex
	pid   int
	lines []string
}

func (p *pidCatcher) line(l string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pid, ok := parsePidLine(l); ok && p.pid == 0 {
		p.pid = pid
	}
	p.lines = append(p.lines, l)
}

func (p *pidCatcher) get() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pid
}

// deathWatch returns an OnDeath callback and a channel that receives its
// argument; it fails the test if called twice.
func deathWatch(t testing.TB) (func(error), <-chan error) {
	ch := make(chan error, 2)
	return func(err error) { ch <- err }, ch
}

// awaitDeath waits for the OnDeath callback.
func awaitDeath(t testing.TB, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("OnDeath not called")
		return nil
	}
}
