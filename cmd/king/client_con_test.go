//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/term"

	"github.com/kingserf/king/internal/kingtest"
)

// startCon runs `king con` on a new 80x24 pty, and returns the pty's mode
// before the king touched it. The pty is not the king's controlling
// terminal, so resizing it sends no SIGWINCH: the test sends its own.
func startCon(t *testing.T, dir string) (cmd *exec.Cmd, ptmx, tty *os.File, cooked *term.State, stderr *bytes.Buffer) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}))
	cooked, err = term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	cmd = exec.Command(kingBin, "con", dir)
	stderr = &bytes.Buffer{}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, ptmx, tty, cooked, stderr
}

// TestConAttachesToADaemon types into `king con` on a pty, attached to a
// pier running the echo kernel in the background, and reads the echoed
// screen back.
func TestConAttachesToADaemon(t *testing.T) {
	d := startDaemon(t, "echo")
	cmd, ptmx, tty, cooked, stderr := startCon(t, d.dir)
	scr := kingtest.ReadScreen(ptmx)
	cl := dialPierClient(t, d.dir)

	// Attaching sends the size and %hail; the kernel draws its prompt.
	m := scr.Await(t, 0, "\r> \x1b[K", waitLimit)
	typeKeys := func(s string) {
		_, err := ptmx.Write([]byte(s))
		require.NoError(t, err)
	}
	typeKeys("hi")
	m = scr.Await(t, m, "\r> hi\x1b[K", waitLimit)
	typeKeys("\x7f")
	m = scr.Await(t, m, "\r> h\x1b[K", waitLimit)
	typeKeys("ey\r")
	m = scr.Await(t, m, "echo: hey", waitLimit)
	m = scr.Await(t, m, "\r> \x1b[K", waitLimit)
	typeKeys("ab")
	m = scr.Await(t, m, "\r> ab\x1b[K", waitLimit)

	// A resize (SIGWINCH) is an event; so is ^C, which also interrupts.
	before := peekCount(t, cl)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30}))
	require.NoError(t, cmd.Process.Signal(syscall.SIGWINCH))
	typeKeys("\x03c")
	scr.Await(t, m, "\r> abc\x1b[K", waitLimit)
	// The resize comes from a signal handler, so it may land after the
	// keys: wait for all three events to be counted.
	require.Eventually(t, func() bool { return peekCount(t, cl) == before+3 }, waitLimit, 5*time.Millisecond,
		"%%blew, ^C and c reach the kernel")

	// ^D detaches; the pier goes on.
	typeKeys("\x04")
	require.NoError(t, cmd.Wait(), "stderr: %s", stderr)
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")
	out, errOut, code := kingRun(t, "", "peek", d.dir, "/x")
	require.Equal(t, 0, code, errOut)
	require.True(t, strings.HasPrefix(out, "[0 %noun "), out)
	d.stop(t)
}

// TestConShowsSlogs: the kernel's %slog output is printed above the
// prompt line of `king con`.
func TestConShowsSlogs(t *testing.T) {
	d := startDaemon(t, "crashy")
	cmd, ptmx, _, _, stderr := startCon(t, d.dir)
	scr := kingtest.ReadScreen(ptmx)
	// The crashy kernel draws nothing, so wait until con is subscribed:
	// its %blew and %hail are the events after the start's %born.
	cl := dialPierClient(t, d.dir)
	require.Eventually(t, func() bool { return peekCount(t, cl) >= 3 }, waitLimit, 5*time.Millisecond)
	_, errOut, code := kingRun(t, "", "poke", d.dir, "[[%t ~] %slog ~]")
	require.Equal(t, 0, code, errOut)
	scr.Await(t, 0, "\r\x1b[Kcrashy: slog\r\n", waitLimit)
	_, err := ptmx.Write([]byte("\x04"))
	require.NoError(t, err)
	require.NoError(t, cmd.Wait(), "stderr: %s", stderr)
	d.stop(t)
}

// TestConEndsWhenThePierStops: the king going away ends `king con` with a
// clear error, and the terminal is restored.
func TestConEndsWhenThePierStops(t *testing.T) {
	d := startDaemon(t, "echo")
	cmd, ptmx, tty, cooked, stderr := startCon(t, d.dir)
	scr := kingtest.ReadScreen(ptmx)
	scr.Await(t, 0, "\r> \x1b[K", waitLimit)
	d.stop(t)
	err := cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "con exits with an error: %v", err)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, stderr.String(), "the connection to the king closed")
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")
}
