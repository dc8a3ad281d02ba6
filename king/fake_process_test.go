package king

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// Process-level behaviour against fake serfs: the stop sequence and what
// the serf inherits.

// A serf that ignores %exit is SIGKILLed ExitTimeout (2 s by default)
// after Stop sent it, and reaped.
//
// Not parallel: the upper bound on the delay is only fair on a quiet
// machine.
func TestFakeIgnoresExit(t *testing.T) {
	cfg := fakeConfig(t, modeIgnoreExit)
	s, _, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	t0 := time.Now()
	require.NoError(t, s.Stop(context.Background()))
	waited := time.Since(t0)
	require.GreaterOrEqual(t, waited, DefaultExitTimeout, "SIGKILL came before the exit timeout")
	require.Less(t, waited, DefaultExitTimeout+500*time.Millisecond, "SIGKILL came late")
	requireGone(t, s)
	var exit *ExitError
	require.ErrorAs(t, s.ExitErr(), &exit)
	require.Equal(t, syscall.SIGKILL, exit.State.Sys().(syscall.WaitStatus).Signal())
}

// A serf that answers %exit with [%live ~] before exiting, as vere's
// later serfs do, stops at once: the stray reply is no error.
func TestFakeExitReply(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t, modeExitReply)
	cfg.ExitTimeout = time.Minute
	s, _, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	_, err = s.Boot(context.Background(), []noun.Noun{noun.Atom(1)})
	require.NoError(t, err)
	t0 := time.Now()
	require.NoError(t, s.Stop(context.Background()))
	require.Less(t, time.Since(t0), cfg.ExitTimeout, "Stop waited for the exit timeout")
	requireGone(t, s)
	require.NoError(t, s.ExitErr())
}

// Stop of a serf stuck in a flow does not wait for the flow: after
// ExitTimeout it kills the serf, and the flow fails.
func TestFakeStopWhileStuck(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t, modeOK)
	cfg.ExitTimeout = 200 * time.Millisecond
	s, _, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	spinning := make(chan struct{})
	runErr := make(chan error, 1)
	reqs := make(chan Request, 1)
	reqs <- Work{Job: jobHang}
	go func() {
		runErr <- s.Run(context.Background(), reqs, RunOptions{Spinner: func(sp SpinState) {
			if sp.Busy {
				close(spinning)
			}
		}})
	}()
	<-spinning
	t0 := time.Now()
	require.NoError(t, s.Stop(context.Background()))
	require.GreaterOrEqual(t, time.Since(t0), cfg.ExitTimeout)
	require.ErrorIs(t, <-runErr, ErrConnectionClosed)
	requireGone(t, s)
}

// Stop racing a serf that dies on its own, and other Stops.
func TestFakeStopRacesDeath(t *testing.T) {
	t.Parallel()
	s, _, err := Start(context.Background(), fakeConfig(t, modeDiePlay))
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Add(4)
	go func() { defer wg.Done(); errs <- replayThree(s) }()
	for range 3 {
		go func() { defer wg.Done(); errs <- s.Stop(context.Background()) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, ErrConnectionClosed) && !errors.Is(err, ErrSerfNotRunning) {
			t.Fatalf("unexpected error %v", err)
		}
	}
	requireGone(t, s)
}

// The serf inherits stdin, stdout and stderr only, even when the king
// holds a descriptor it inherited without close-on-exec.
func TestFakeInheritsOnlyStdio(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leaky")
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_RDWR, 0o600) // no O_CLOEXEC
	require.NoError(t, err)
	defer syscall.Close(fd)

	cfg := fakeConfig(t, modeFds)
	var log stderrLog
	cfg.OnStderr = log.add
	s, _ := startFake(t, cfg)
	require.NoError(t, s.Stop(context.Background()))
	<-s.Done()
	var fds []string
	for _, l := range log.lines {
		if strings.HasPrefix(l, "fd ") {
			fds = append(fds, l)
		}
	}
	require.NotEmpty(t, fds)
	for _, l := range fds {
		require.NotContains(t, l, path, "leaked descriptor")
	}
}
