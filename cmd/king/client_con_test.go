//go:build unix

package main

import (
	"bytes"
	"context"
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

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
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

// echoCount peeks the echo kernel's event count.
func echoCount(t *testing.T, cp *ctlPier) uint64 {
	t.Helper()
	got, err := cp.p.Scry(context.Background(), ipc.LocalGang(), noun.Path("x"))
	require.NoError(t, err)
	n, ok := got.Slot(14) // [~ %noun [count line]]
	require.True(t, ok, "peek %s", got)
	v, _ := n.Word()
	return v
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

// TestConAttachesToARunningPier types into `king con` on a pty, attached
// to a pier running the echo kernel, and reads the echoed screen back.
func TestConAttachesToARunningPier(t *testing.T) {
	cp := startCtlPier(t, "echo")
	cmd, ptmx, tty, cooked, stderr := startCon(t, cp.dir)
	scr := readConScreen(ptmx)

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

	// Kernel output is printed above the prompt.
	typeKeys("ab")
	m = scr.await(t, m, "\r> ab\x1b[K")
	cp.srv.Slog(0, noun.T(noun.Cord("leaf"), noun.Tape("from the kernel")))
	m = scr.await(t, m, "\r\x1b[Kfrom the kernel\r\n> ab")

	// A resize (SIGWINCH) is an event; so is ^C, which also interrupts.
	before := echoCount(t, cp)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30}))
	require.NoError(t, cmd.Process.Signal(syscall.SIGWINCH))
	typeKeys("\x03c")
	scr.await(t, m, "\r> abc\x1b[K")
	// The resize comes from a signal handler, so it may land after the
	// keys: wait for all three events to be counted.
	require.Eventually(t, func() bool { return echoCount(t, cp) == before+3 }, waitLimit, 5*time.Millisecond,
		"%%blew, ^C and c reach the kernel")

	// ^D detaches; the pier goes on.
	typeKeys("\x04")
	require.NoError(t, cmd.Wait(), "stderr: %s", stderr)
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")
	out, errOut, code := kingRun(t, "", "peek", cp.dir, "/x")
	require.Equal(t, 0, code, errOut)
	require.True(t, strings.HasPrefix(out, "[0 %noun "), out)
}

// TestConEndsWhenThePierStops: the king going away ends `king con` with a
// clear error, and the terminal is restored.
func TestConEndsWhenThePierStops(t *testing.T) {
	cp := startCtlPier(t, "echo")
	cmd, ptmx, tty, cooked, stderr := startCon(t, cp.dir)
	scr := readConScreen(ptmx)
	scr.await(t, 0, "\r> \x1b[K")
	require.NoError(t, cp.srv.Close())
	err := cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "con exits with an error: %v", err)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, stderr.String(), "the connection to the king closed")
	now, err := term.GetState(int(tty.Fd()))
	require.NoError(t, err)
	require.Equal(t, *cooked, *now, "the terminal mode is restored")
}
