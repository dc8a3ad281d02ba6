//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/term"
)

// conScreen collects what `king con` draws, read from the pty master.
type conScreen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{}
	done chan struct{}
}

func readConScreen(ptmx *os.File) *conScreen {
	s := &conScreen{more: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			close(s.more)
			s.more = make(chan struct{})
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// await waits for text to appear after offset from and returns the offset
// just past it.
func (s *conScreen) await(t *testing.T, from int, text string) int {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		s.mu.Lock()
		out := s.buf.String()
		more := s.more
		s.mu.Unlock()
		if i := strings.Index(out[from:], text); i >= 0 {
			return from + i + len(text)
		}
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("%q never appeared on the screen; it shows %q", text, out[from:])
		}
	}
}

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
	scr := readConScreen(ptmx)
	cl := dialPierClient(t, d.dir)

	// Attaching sends the size and %hail; the kernel draws its prompt.
	m := scr.await(t, 0, "\r> \x1b[K")
	typeKeys := func(s string) {
		_, err := ptmx.Write([]byte(s))
		require.NoError(t, err)
	}
	typeKeys("hi")
	m = scr.await(t, m, "\r> hi\x1b[K")
	typeKeys("\x7f")
	m = scr.await(t, m, "\r> h\x1b[K")
	typeKeys("ey\r")
	m = scr.await(t, m, "echo: hey")
	m = scr.await(t, m, "\r> \x1b[K")
	typeKeys("ab")
	m = scr.await(t, m, "\r> ab\x1b[K")

	// A resize (SIGWINCH) is an event; so is ^C, which also interrupts.
	before := peekCount(t, cl)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30}))
	require.NoError(t, cmd.Process.Signal(syscall.SIGWINCH))
	typeKeys("\x03c")
	scr.await(t, m, "\r> abc\x1b[K")
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
	scr := readConScreen(ptmx)
	// The crashy kernel draws nothing, so wait until con is subscribed:
	// its %blew and %hail are the events after the start's %born.
	cl := dialPierClient(t, d.dir)
	require.Eventually(t, func() bool { return peekCount(t, cl) >= 3 }, waitLimit, 5*time.Millisecond)
	_, errOut, code := kingRun(t, "", "poke", d.dir, "[[%t ~] %slog ~]")
	require.Equal(t, 0, code, errOut)
	scr.await(t, 0, "\r\x1b[Kcrashy: slog\r\n")
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
	scr := readConScreen(ptmx)
	scr.await(t, 0, "\r> \x1b[K")
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
