//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// Helpers for the process tests of the drivers and the control socket
// (issue 6): piers run by `king run --daemon`, `king run` on a
// pseudo-terminal, and in-process control clients.

// daemonPier is a pier run in the background by `king run --daemon`.
type daemonPier struct {
	dir string
	pid int
	log string // <pier>/.urb/king.log
}

// startDaemon boots a pier from the named test kernel and runs it with
// `king run --daemon`. Cleanup stops it (SIGTERM, then SIGKILL if it
// does not let go of the pier in time).
func startDaemon(t *testing.T, kernel string) *daemonPier {
	t.Helper()
	return startDaemonAt(t, newTestPier(t, kernel))
}

// startDaemonAt runs the pier in dir with `king run --daemon`.
func startDaemonAt(t *testing.T, dir string) *daemonPier {
	t.Helper()
	out, stderr, code := kingRun(t, "", "run", dir, "--daemon")
	require.Equal(t, 0, code, "king run --daemon: %s", stderr)
	d := &daemonPier{dir: dir, log: dir + "/.urb/king.log"}
	_, err := fmt.Sscanf(out, "king pid %d is running pier", &d.pid)
	require.NoError(t, err, out)
	t.Cleanup(func() {
		// The daemon is not our child: whatever happened, it must not
		// outlive the test.
		if d.pid > 0 && syscall.Kill(d.pid, syscall.SIGTERM) == nil {
			// After a failure the pier may be stuck (a looping event
			// holds a graceful shutdown): do not wait long for it.
			limit := waitLimit
			if t.Failed() {
				limit = 5 * time.Second
			}
			if !pierFreeWithin(dir, limit) {
				_ = syscall.Kill(d.pid, syscall.SIGKILL)
			}
		}
	})
	return d
}

// stop shuts the daemon down with SIGTERM, waits until it has let go of
// the pier, and checks it stopped cleanly.
func (d *daemonPier) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, syscall.Kill(d.pid, syscall.SIGTERM))
	d.waitStopped(t)
}

// waitStopped waits until the daemon has let go of the pier and checks
// its log ends with a clean stop.
func (d *daemonPier) waitStopped(t *testing.T) {
	t.Helper()
	require.True(t, pierFreeWithin(d.dir, waitLimit), "the daemon never let go of the pier; log:\n%s", d.logText(t))
	d.pid = 0
	log := d.logText(t)
	require.Contains(t, log, `"msg":"pier stopped"`)
	require.Contains(t, log, `"msg":"pier closed"`)
	require.NotContains(t, log, "panic")
	require.NotContains(t, log, `"level":"error"`)
}

// logText is the daemon's log so far.
func (d *daemonPier) logText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(d.log)
	require.NoError(t, err)
	return string(b)
}

// pierFreeWithin polls (with a deadline, not as a synchronisation) until
// no king holds the pier's lock, and reports whether that happened.
func pierFreeWithin(dir string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		l, err := pier.AcquireLock(dir)
		if err == nil {
			_ = l.Release()
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dialPierClient connects an in-process control client to the king
// running dir; Cleanup closes it.
func dialPierClient(t *testing.T, dir string) *control.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	cl, err := control.Dial(ctx, dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// peekState peeks /x and returns the kernel's state, the noun of its
// [~ %noun state] answer.
func peekState(t *testing.T, cl *control.Client) noun.Noun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	got, err := cl.Peek(ctx, noun.Path("x"))
	require.NoError(t, err)
	state, ok := got.Slot(7) // [~ %noun state]
	require.True(t, ok, "peek answered %s", got)
	return state
}

// peekCount is the first number of the kernel's state: the event count
// of the counter, crashy and echo kernels, the wake count of the timer
// kernel.
func peekCount(t *testing.T, cl *control.Client) uint64 {
	t.Helper()
	state := peekState(t, cl)
	if state.IsCell() {
		state = state.Head()
	}
	v, ok := state.Word()
	require.True(t, ok, "state %s", state)
	return v
}

// fact returns a runtime fact of the king (king status's lines).
func fact(t *testing.T, cl *control.Client, name string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	facts, err := cl.Info(ctx)
	require.NoError(t, err)
	for _, f := range facts {
		if f.Name == name {
			return f.Value
		}
	}
	t.Fatalf("no fact %q in %v", name, facts)
	return 0
}

// ttyKing is `king run` attached to a new pseudo-terminal (80x24) that
// is its controlling terminal, stdin and stdout; its stderr, the JSON
// log, is read as by startKing.
type ttyKing struct {
	*kingProc
	ptmx, tty *os.File
	scr       *kingtest.Screen
	before    ttyMode
}

// ttyMode is what a king must leave as it found it on its terminal.
type ttyMode struct {
	state       term.State
	nonblocking bool
}

// startTTYKing starts `king run dir args...` on a new pty.
func startTTYKing(t *testing.T, dir string, args ...string) *ttyKing {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	// Registered first, so it runs after the king is reaped.
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}))
	k := &ttyKing{ptmx: ptmx, tty: tty}
	cmd := exec.Command(kingBin, append([]string{"run", dir}, args...)...)
	cmd.Stdin, cmd.Stdout = tty, tty
	// A session of its own with the pty as controlling terminal, so that
	// a resize of the pty sends it SIGWINCH, as a terminal emulator's does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	// exec puts the terminal in blocking mode to hand it over (os.File.Fd
	// does): the mode before is the one after that.
	_ = tty.Fd()
	k.before = readTTYMode(t, tty)
	require.False(t, k.before.nonblocking)
	k.kingProc = startKingCmd(t, cmd)
	k.scr = kingtest.ReadScreen(ptmx)
	return k
}

// typeKeys types s on the king's terminal.
func (k *ttyKing) typeKeys(s string) {
	k.t.Helper()
	_, err := k.ptmx.Write([]byte(s))
	require.NoError(k.t, err)
}

// checkRestored checks, once the king has exited, that its terminal is
// in the mode it had before: cooked, and blocking.
func (k *ttyKing) checkRestored() {
	k.t.Helper()
	after := readTTYMode(k.t, k.tty)
	require.Equal(k.t, k.before.state, after.state, "the terminal mode is restored")
	require.False(k.t, after.nonblocking, "the terminal is blocking again")
}

// readTTYMode reads the terminal's mode and its O_NONBLOCK flag, which
// its users share, without changing it (f.Fd would make it blocking).
func readTTYMode(t *testing.T, f *os.File) ttyMode {
	t.Helper()
	rc, err := f.SyscallConn()
	require.NoError(t, err)
	var m ttyMode
	var merr error
	require.NoError(t, rc.Control(func(fd uintptr) {
		st, err := term.GetState(int(fd))
		if err != nil {
			merr = err
			return
		}
		m.state = *st
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		if err != nil {
			merr = err
			return
		}
		m.nonblocking = fl&unix.O_NONBLOCK != 0
	}))
	require.NoError(t, merr)
	return m
}

// kingExitCode runs cmd to its end and returns its exit status and
// combined output.
func kingExitCode(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("running %v: %v", cmd.Args, err)
	return -1, ""
}

// loopOvum is the crashy kernel's looping event.
func loopOvum() noun.Noun {
	return noun.T(noun.T(noun.Cord("t"), noun.Zero), noun.Cord("loop"), noun.Zero)
}

// hasLogLine reports whether a king's stderr has a JSON log line with
// message msg whose fields include every key and value of want.
func hasLogLine(stderr, msg string, want map[string]any) bool {
	for _, l := range parseLogLines(stderr) {
		if l.msg() != msg {
			continue
		}
		ok := true
		for k, v := range want {
			if fmt.Sprint(l[k]) != fmt.Sprint(v) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// trimLog shortens a log for a failure message.
func trimLog(s string) string {
	if len(s) > 20000 {
		return "…" + s[len(s)-20000:]
	}
	return strings.TrimSpace(s)
}
