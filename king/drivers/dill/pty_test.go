//go:build unix

package dill

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/term"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

func sendSIGWINCH() error { return syscall.Kill(os.Getpid(), syscall.SIGWINCH) }

func TestWatchResize(t *testing.T) {
	calls := make(chan struct{}, 4)
	stop := WatchResize(func() { calls <- struct{}{} })
	defer stop()
	require.NoError(t, sendSIGWINCH())
	select {
	case <-calls:
	case <-time.After(30 * time.Second):
		t.Fatal("SIGWINCH did not call onResize")
	}
	stop()
	stop()
}

// TestTerminalOnAPtyWithEchoKernel runs the terminal driver on a
// pseudo-terminal, in raw mode, against a real pier running the echo
// kernel: keys typed on the pty become events, and the kernel's blits come
// back on the screen.
func TestTerminalOnAPtyWithEchoKernel(t *testing.T) {
	if kingPath == "" {
		t.Skipf("the king binary could not be built, so the real serf is unavailable: %v", kingErr)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", "echo.pill"))
	require.NoError(t, err)
	pill, err := pier.LoadPill(b)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pier")
	serf := king.Config{SerfPath: kingPath, OnStderr: func(string) {}, OnFlog: func(string) {}}
	_, err = pier.New(context.Background(), dir, pill, pier.NewOptions{Fake: true, Serf: serf})
	require.NoError(t, err)
	p, err := pier.Open(dir, pier.Options{})
	require.NoError(t, err)
	defer p.Close()

	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	defer ptmx.Close()
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}))
	cooked, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	restore, err := MakeRaw(tty)
	require.NoError(t, err)
	scr := kingtest.ReadScreen(ptmx)

	ev := newEvents()
	var interrupts atomic.Int32
	interrupted := make(chan struct{}, 1)
	detached := make(chan struct{})
	tm, err := New(Options{In: tty, Out: tty, Size: SizeOf(tty),
		Inject: func(ctx context.Context, ov noun.Noun) error {
			if err := ev.inject(ctx, ov); err != nil {
				return err
			}
			_, err := p.InjectAsync(ctx, ov)
			return err
		},
		Interrupt: func() {
			interrupts.Add(1)
			_ = p.Interrupt()
			interrupted <- struct{}{}
		},
		Detach: func() { close(detached) },
	})
	require.NoError(t, err)
	router := drivers.NewRouter(drivers.RouterOptions{})
	router.Handle(Vane, tm)

	ready := make(chan struct{})
	runc := make(chan error, 1)
	go func() {
		runc <- p.Run(context.Background(), pier.RunOptions{Serf: serf, Effects: router.Route,
			OnReady: func() { close(ready) }})
	}()
	<-ready
	termc := make(chan error, 1)
	go func() { termc <- tm.Run(context.Background()) }()

	// Attach: the size, then %hail, which the echo kernel answers by
	// drawing the prompt.
	ev.await(t, BlewOvum(80, 24))
	m := scr.Await(t, 0, "\r> \x1b[K", 30*time.Second)
	typeKeys := func(s string) {
		_, err := ptmx.Write([]byte(s))
		require.NoError(t, err)
	}
	typeKeys("hi")
	m = scr.Await(t, m, "\r> hi\x1b[K", 30*time.Second)
	typeKeys("\x7f")
	m = scr.Await(t, m, "\r> h\x1b[K", 30*time.Second)
	typeKeys("ey ☺\r")
	m = scr.Await(t, m, "\r\n\recho: hey ☺\x1b[K\r\n\r> \x1b[K", 30*time.Second)
	require.Equal(t, "> ", tm.Renderer().Line())

	// Keys the echo kernel ignores still reach it as events.
	typeKeys("\x1b[A\x1b[3~\x1bx\x01")
	ev.await(t, BeltOvum(Belt{Kind: BeltCtl, Key: 'a'}))
	for _, b := range []Belt{{Kind: BeltAro, Key: 'u'}, {Kind: BeltDel}, {Kind: BeltMet, Key: 'x'}} {
		ev.await(t, BeltOvum(b))
	}

	// A resize is a %blew with the new size.
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30}))
	require.NoError(t, tm.Resize(context.Background()))
	ev.await(t, BlewOvum(100, 30))

	// Kernel output printed above the prompt keeps the line being typed.
	typeKeys("ab")
	m = scr.Await(t, m, "\r> ab\x1b[K", 30*time.Second)
	tm.PrintAbove("a slog")
	m = scr.Await(t, m, "\r\x1b[Ka slog\r\n> ab", 30*time.Second)

	// ^C: the belt, and the interrupt.
	typeKeys("\x03")
	ev.await(t, BeltOvum(Belt{Kind: BeltCtl, Key: 'c'}))
	// The interrupt comes after the belt's injection, so wait for it.
	select {
	case <-interrupted:
	case <-time.After(30 * time.Second):
		t.Fatal("^C did not interrupt the serf")
	}
	require.Equal(t, int32(1), interrupts.Load())
	// The pier still works after the serf got its SIGINT.
	typeKeys("c")
	scr.Await(t, m, "\r> abc\x1b[K", 30*time.Second)

	// ^D detaches.
	typeKeys("\x04")
	<-detached
	require.NoError(t, <-termc)
	require.NoError(t, restore())
	require.NoError(t, restore(), "restore is idempotent")
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, p.Shutdown(ctx))
	require.NoError(t, <-runc)
	require.NoError(t, tty.Close())
	require.NoError(t, ptmx.Close())
	<-scr.Done()
}
