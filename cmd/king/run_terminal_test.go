//go:build unix

package main

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
)

// TestRunTerminalEcho runs `king run` on a pty with the echo kernel: the
// terminal is attached (size and %hail at attach), typed keys come back
// drawn by the kernel, a resize is a %blew event, ^D shuts the pier down
// and the terminal is left as it was.
func TestRunTerminalEcho(t *testing.T) {
	dir := newTestPier(t, "echo")
	k := startTTYKing(t, dir)
	ready := k.waitMsg("pier running")
	require.Equal(t, true, ready["terminal"])

	// Attaching sends the size and %hail; the kernel draws its prompt.
	m := k.scr.Await(t, 0, "\r> \x1b[K", waitLimit)
	k.typeKeys("hi")
	m = k.scr.Await(t, m, "\r> hi\x1b[K", waitLimit)
	k.typeKeys("\x7f")
	m = k.scr.Await(t, m, "\r> h\x1b[K", waitLimit)
	k.typeKeys("ey\r")
	m = k.scr.Await(t, m, "echo: hey", waitLimit)
	m = k.scr.Await(t, m, "\r> \x1b[K", waitLimit)
	k.typeKeys("é→")
	k.scr.Await(t, m, "\r> é→\x1b[K", waitLimit)

	// A resize of the terminal (SIGWINCH) is a %blew event.
	cl := dialPierClient(t, dir)
	before := peekCount(t, cl)
	require.NoError(t, pty.Setsize(k.ptmx, &pty.Winsize{Cols: 100, Rows: 30}))
	require.Eventually(t, func() bool { return peekCount(t, cl) == before+1 }, waitLimit, 5*time.Millisecond,
		"the resize reaches the kernel")
	require.NoError(t, cl.Close())

	// ^D: the pier's own terminal shuts the pier down, gracefully.
	k.typeKeys("\x04")
	require.Equal(t, 0, k.wait(), k.stderr())
	stderr := k.stderr()
	require.True(t, hasLogLine(stderr, "stop requested", map[string]any{"reason": "^D on the terminal"}), trimLog(stderr))
	require.Contains(t, stderr, `"msg":"pier stopped"`)
	// With the terminal attached, effects show on the screen: the
	// "effects released" lines are debug lines.
	require.Empty(t, releasedEves(stderr))
	k.checkRestored()

	// The log holds what the terminal sent: the size at attach and after
	// the resize, the redraw request, the keys.
	out, errOut, code := kingRun(t, "", "log", "show", dir, "--from", "3")
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{"%blew 80 24]", "%hail 0]", "%belt %txt 104 105 0]", "%belt %bac 0]",
		"%belt %ret 0]", "%belt %txt 233 8.594 0]", "%blew 100 30]"} {
		require.Contains(t, out, want)
	}
	require.Equal(t, before+2, pierInfo(t, dir).Events, "the boot formula and every event the kernel counted, the resize last")
}

// TestRunTerminalLogsAbovePrompt: with stderr on the terminal too, the
// king's log is printed above the prompt line while the terminal is raw
// (lines ending \r\n, no colour codes, tabs expanded), and SIGHUP (the
// terminal hung up) shuts the pier down.
func TestRunTerminalLogsAbovePrompt(t *testing.T) {
	dir := newTestPier(t, "echo")
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Cols: 200, Rows: 24}))
	_ = tty.Fd()
	before := readTTYMode(t, tty)
	cmd := exec.Command(kingBin, "run", dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	scr := kingtest.ReadScreen(ptmx)

	m := scr.Await(t, 0, "\r> \x1b[K", waitLimit)
	k := &ttyKing{ptmx: ptmx, tty: tty, scr: scr, before: before, kingProc: &kingProc{t: t}}
	k.typeKeys("ok")
	scr.Await(t, m, "\r> ok\x1b[K", waitLimit)
	require.NoError(t, cmd.Process.Signal(syscall.SIGHUP))
	require.NoError(t, cmd.Wait())
	// The king has exited, but its last lines may still be in the pty
	// on their way to the screen reader.
	scr.Await(t, m, "pier closed", waitLimit)
	screen := scr.Text()
	// Printed above the prompt: the line is cleared, the log line
	// written, and the prompt with what was typed drawn again.
	require.Regexp(t, regexp.MustCompile(`\r\x1b\[K\d\d:\d\d:\d\d\.\d{3} +INFO +shutting down +\{"pier": "[^"]+", "why": "SIGHUP: the terminal hung up"\}\r\n> ok`), screen)
	require.NotContains(t, screen, "\x1b[34m", "no colour codes in the log")
	require.NotContains(t, screen, "\uFFFD", "nothing unprintable")
	require.Contains(t, screen, "pier closed")
	k.checkRestored()
}

// TestRunTerminalInterrupt: ^C on the terminal interrupts a looping event
// (injected by `king poke` while the terminal is attached): the event is
// replaced by its %crud, the pier keeps running, and SIGTERM then shuts
// it down with the terminal restored.
func TestRunTerminalInterrupt(t *testing.T) {
	dir := newTestPier(t, "crashy")
	k := startTTYKing(t, dir)
	k.waitMsg("pier running")
	cl := dialPierClient(t, dir)

	poke := exec.Command(kingBin, "poke", dir, "[[%t ~] %loop ~]")
	var out strings.Builder
	poke.Stdout, poke.Stderr = &out, &out
	require.NoError(t, poke.Start())
	pokeDone := make(chan error, 1)
	go func() { pokeDone <- poke.Wait() }()
	require.Eventually(t, func() bool { return fact(t, cl, "in-flight") >= 1 }, waitLimit, 5*time.Millisecond,
		"the looping event reaches the serf")
	// The serf ignores a SIGINT that arrives before it starts computing:
	// ^C again if the event has not ended after a while.
	var perr error
	deadline := time.After(waitLimit)
interrupt:
	for {
		k.typeKeys("\x03")
		select {
		case perr = <-pokeDone:
			break interrupt
		case <-time.After(2 * time.Second):
		case <-deadline:
			t.Fatalf("^C never interrupted the looping event; king stderr:\n%s", trimLog(k.stderr()))
		}
	}
	require.NoError(t, perr, out.String())
	require.Contains(t, out.String(), "committed (the event crashed; its %crud replacement was committed instead)")

	// The pier runs on: another event is committed, and the ^C keys were
	// events too.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	res, err := cl.Poke(ctx, noun.T(noun.T(noun.Cord("t"), noun.Zero), noun.Cord("ev"), noun.Atom(1)))
	require.NoError(t, err)
	require.False(t, res.Swapped)
	require.NoError(t, cl.Close())

	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
	k.checkRestored()
	log, errOut, code := kingRun(t, "", "log", "show", dir, "--from", "3")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, log, "%belt %ctl 99]", "^C was sent to the kernel as a belt")
	require.Contains(t, log, "%crud", "the interrupted event was replaced by its %crud")
}
