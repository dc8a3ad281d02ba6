package hub

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/king/drivers/behn"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// kingRun is a pier run with a hub, as `king run` does it.
type kingRun struct {
	t     *testing.T
	p     *pier.Pier
	h     *Hub
	dir   string
	stops chan string
	runc  chan error
}

// startKing boots a pier from the named kernel and runs it with a hub
// built from opts (Pier, OnStop filled in).
func startKing(t *testing.T, kernel string, opts Options) *kingRun {
	t.Helper()
	if kingPath == "" {
		t.Skipf("the king binary could not be built, so the real serf is unavailable: %v", kingErr)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", kernel+".pill"))
	require.NoError(t, err)
	pill, err := pier.LoadPill(b)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pier")
	serf := king.Config{SerfPath: kingPath, OnStderr: func(string) {}, OnFlog: func(string) {}}
	_, err = pier.New(context.Background(), dir, pill, pier.NewOptions{Fake: true, Serf: serf})
	require.NoError(t, err)
	p, err := pier.Open(dir, pier.Options{})
	require.NoError(t, err)
	k := &kingRun{t: t, p: p, dir: dir, stops: make(chan string, 4), runc: make(chan error, 1)}
	opts.Pier = p
	opts.OnStop = func(why string) { k.stops <- why }
	k.h, err = New(opts)
	require.NoError(t, err)
	serf.OnSlog = k.h.Slog
	ready := make(chan struct{})
	go func() {
		k.runc <- p.Run(context.Background(), pier.RunOptions{Serf: serf, Effects: k.h.Effects,
			OnReady: func() { close(ready) }})
	}()
	<-ready
	require.NoError(t, k.h.Start(context.Background()))
	t.Cleanup(k.stop)
	return k
}

// stop shuts the pier down, then closes the hub and the pier.
func (k *kingRun) stop() {
	if k.p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = k.p.Shutdown(ctx)
	require.NoError(k.t, <-k.runc)
	require.NoError(k.t, k.h.Close())
	require.NoError(k.t, k.h.Close(), "Close is idempotent")
	require.NoError(k.t, k.p.Close())
	k.p = nil
}

func (k *kingRun) awaitStop(want string) {
	k.t.Helper()
	select {
	case why := <-k.stops:
		require.Contains(k.t, why, want)
	case <-time.After(30 * time.Second):
		k.t.Fatalf("no stop request (%s)", want)
	}
}

func TestDaemonHubServesTheSocket(t *testing.T) {
	k := startKing(t, "echo", Options{Version: "hub-test"})
	ctx := context.Background()
	c, err := control.Dial(ctx, k.dir)
	require.NoError(t, err)
	defer c.Close()
	msgs, err := c.Dill(ctx)
	require.NoError(t, err)
	_, err = c.Poke(ctx, noun.T(noun.T(noun.Cord("d"), noun.Cord("term"), noun.Cord("1"), noun.Zero),
		noun.Cord("belt"), noun.Cord("txt"), noun.List(noun.Atom('h'), noun.Atom('i'))))
	require.NoError(t, err)
	m := <-msgs
	require.Equal(t, "blit", m.Tag)
	require.Contains(t, m.Blits.String(), "%lin")
	v, _, err := c.Peel(ctx, "v")
	require.NoError(t, err)
	require.Equal(t, "hub-test", string(v.Bytes()))
	require.NoError(t, c.Exit(ctx))
	k.awaitStop("control client")
}

func TestKernelExitEffectAsksToStop(t *testing.T) {
	k := startKing(t, "counter", Options{})
	// The counter kernel echoes its event as its effect.
	_, err := k.p.Inject(context.Background(), noun.T(noun.T(noun.Zero, noun.Cord("exit"), noun.Zero), noun.Cord("exit"), noun.Zero))
	require.NoError(t, err)
	k.awaitStop("%exit")
}

// TestDaemonHubWritesKernelFiles: with no terminal, the files of %sag and
// %sav blits are still written, by the king.
func TestDaemonHubWritesKernelFiles(t *testing.T) {
	k := startKing(t, "counter", Options{})
	// The counter kernel echoes its event as its effect.
	blit := noun.List(noun.T(noun.Cord("sav"), noun.Path("foo", "txt"), noun.Cord("hi")))
	_, err := k.p.Inject(context.Background(), noun.T(noun.T(noun.Zero, noun.Cord("term"), noun.Cord("1"), noun.Zero),
		noun.Cord("blit"), blit))
	require.NoError(t, err)
	file := filepath.Join(pier.Layout{Dir: k.dir}.Put(), "foo.txt")
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(file)
		return err == nil && string(b) == "hi"
	}, 30*time.Second, 5*time.Millisecond, "%s not written", file)
}

func TestTimerThroughTheHub(t *testing.T) {
	clock := behn.NewManualClock(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	k := startKing(t, "timer", Options{Clock: clock, Born: true})
	wait := func(at time.Time) {
		_, err := k.p.Inject(context.Background(), noun.T(noun.T(noun.Cord("b"), noun.Cord("behn"), noun.Zero),
			noun.Cord("wait"), noun.Da(at)))
		require.NoError(t, err)
	}
	armed := clock.Armed()
	wait(clock.Now().Add(time.Hour))
	<-armed
	clock.Advance(time.Hour)
	require.Eventually(t, func() bool {
		got, err := k.p.Scry(context.Background(), ipc.LocalGang(), noun.Path("x"))
		return err == nil && noun.Equal(got, noun.T(noun.Zero, noun.Cord("noun"), noun.Atom(1), noun.Zero))
	}, 30*time.Second, 5*time.Millisecond, "the wake reached the kernel")
}

// TestTerminalHub attaches the hub to a pty: keys in, screen out, ^D asks
// to stop, and Close restores the terminal.
func TestTerminalHub(t *testing.T) {
	ptmx, tty := openPty(t)
	cooked, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	var mu sync.Mutex
	var screen strings.Builder
	more := make(chan struct{}, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			mu.Lock()
			screen.Write(b[:n])
			mu.Unlock()
			select {
			case more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	await := func(text string) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			mu.Lock()
			ok := strings.Contains(screen.String(), text)
			mu.Unlock()
			if ok {
				return
			}
			select {
			case <-more:
			case <-deadline:
				t.Fatalf("%q never appeared", text)
			}
		}
	}

	k := startKing(t, "echo", Options{In: tty, Out: tty})
	await("\r> \x1b[K")
	_, err = ptmx.Write([]byte("hi\r"))
	require.NoError(t, err)
	await("echo: hi")
	k.h.Slog(0, noun.T(noun.Cord("leaf"), noun.Tape("kernel line")))
	await("kernel line\r\n")
	_, err = ptmx.Write([]byte("\x04"))
	require.NoError(t, err)
	k.awaitStop("^D")
	k.stop()
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")
	require.NoError(t, tty.Close())
	require.NoError(t, ptmx.Close())
	<-readDone
}

// TestRestoreTerminal: RestoreTerminal, the panic path, puts the
// terminal back at once while the drivers run; the terminal's shared
// non-blocking flag (set for the pollable input and output) is cleared
// again by Close.
func TestRestoreTerminal(t *testing.T) {
	ptmx, tty := openPty(t)
	_ = tty.Fd() // blocking, as a terminal handed to a process is
	cooked, nonblock := ttyMode(t, tty)
	require.False(t, nonblock)
	go func() { _, _ = io.Copy(io.Discard, ptmx) }()

	k := startKing(t, "echo", Options{In: tty, Out: tty})
	raw, nonblock := ttyMode(t, tty)
	require.NotEqual(t, cooked, raw, "Start made the terminal raw")
	require.True(t, nonblock, "the pollable duplicates share the flag")
	require.NoError(t, k.h.RestoreTerminal())
	now, _ := ttyMode(t, tty)
	require.Equal(t, cooked, now, "RestoreTerminal restores the mode at once")
	k.stop()
	now, nonblock = ttyMode(t, tty)
	require.Equal(t, cooked, now)
	require.False(t, nonblock, "Close restores the blocking flag")
}

// ttyMode reads a terminal's mode and O_NONBLOCK flag without changing
// them (os.File.Fd would make it blocking).
func ttyMode(t *testing.T, f *os.File) (term.State, bool) {
	t.Helper()
	rc, err := f.SyscallConn()
	require.NoError(t, err)
	var st term.State
	var nonblock bool
	var merr error
	require.NoError(t, rc.Control(func(fd uintptr) {
		s, err := term.GetState(int(fd))
		if err != nil {
			merr = err
			return
		}
		st = *s
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		merr = err
		nonblock = fl&unix.O_NONBLOCK != 0
	}))
	require.NoError(t, merr)
	return st, nonblock
}

func TestNewNeedsAPier(t *testing.T) {
	_, err := New(Options{})
	require.Error(t, err)
}

// openPty opens an 80×24 pty whose ends are closed when the test ends:
// after the pier of a later startKing has stopped, since cleanups run in
// reverse order.
func openPty(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = ptmx.Close()
		_ = tty.Close()
	})
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}))
	return ptmx, tty
}
