//go:build unix

package main

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/noun"
)

// TestDaemonClientDisconnectsMidRequest: clients that go away while their
// requests wait (behind a looping event) disturb neither the pier nor the
// other clients; an event whose client left is still committed.
func TestDaemonClientDisconnectsMidRequest(t *testing.T) {
	d := startDaemon(t, "crashy")
	cl := dialPierClient(t, d.dir)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	loop, err := cl.PokeAsync(ctx, loopOvum())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return fact(t, cl, "in-flight") >= 1 }, waitLimit, 5*time.Millisecond)

	// A `king poke` that gives up waiting (its event is queued behind
	// the loop) and exits, closing its connection mid-request.
	_, stderr, code := kingRun(t, "", "poke", "--timeout", "300ms", d.dir, "[[%t ~] %ev 5]")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "timed out waiting for the king")
	// A `king peek` killed while it waits.
	peek := exec.Command(kingBin, "peek", d.dir, "/x")
	require.NoError(t, peek.Start())
	// An in-process client that sends a peek and closes at once.
	other, err := control.Dial(ctx, d.dir)
	require.NoError(t, err)
	_, err = other.Go(ctx, "peek", noun.Path("x"))
	require.NoError(t, err)
	require.NoError(t, other.Close())
	// A raw connection that sends half a frame and hangs up.
	raw, err := net.Dial("unix", control.SocketPath(d.dir))
	require.NoError(t, err)
	_, err = raw.Write([]byte{0, 100, 0, 0, 0, 1, 2})
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	require.NoError(t, peek.Process.Kill())
	_ = peek.Wait()

	require.True(t, interruptUntilSettled(t, cl, loop).Swapped)
	// Committed: the %born, the loop's %crud, and the %ev of the client
	// that left; the kernel counted all three.
	require.Eventually(t, func() bool { return fact(t, cl, "last-committed") == 4 }, waitLimit, 5*time.Millisecond)
	// Committed comes before released and settled: the last event counts
	// as in flight until its effects are out.
	require.Eventually(t, func() bool { return fact(t, cl, "in-flight") == 0 }, waitLimit, 5*time.Millisecond)
	require.Equal(t, uint64(3), peekCount(t, cl))
	out, stderr, code := kingRun(t, "", "status", d.dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "last-committed: 4\n")
	require.Contains(t, out, "in-flight: 0\n")
	d.stop(t)
}

// TestDaemonManyClients: 100 clients connected at once, each injecting an
// event and peeking, are all served, multiplexed onto the one serf.
func TestDaemonManyClients(t *testing.T) {
	const n = 100
	d := startDaemon(t, "counter")
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	clients := make([]*control.Client, n)
	for i := range clients {
		cl, err := control.Dial(ctx, d.dir)
		require.NoError(t, err, "client %d", i)
		clients[i] = cl
	}
	var wg sync.WaitGroup
	eves := make([]uint64, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := cl.Poke(ctx, counterOvum(i))
			if err != nil {
				errs[i] = err
				return
			}
			eves[i] = res.Eve
			_, errs[i] = cl.Peek(ctx, noun.Path("x"))
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	t.Logf("%d clients' pokes and peeks took %v", n, time.Since(t0))
	seen := map[uint64]bool{}
	for i := range clients {
		require.NoError(t, errs[i], "client %d", i)
		require.False(t, seen[eves[i]], "event %d committed twice", eves[i])
		seen[eves[i]] = true
		require.GreaterOrEqual(t, eves[i], uint64(3))
		require.LessOrEqual(t, eves[i], uint64(n+2))
		require.NoError(t, clients[i].Close())
	}
	// A control client's %exit shuts the pier down gracefully.
	cl := dialPierClient(t, d.dir)
	require.Equal(t, uint64(n+1), peekCount(t, cl))
	require.NoError(t, cl.Exit(ctx))
	d.waitStopped(t)
	require.True(t, hasLogLine(d.logText(t), "stop requested",
		map[string]any{"reason": "a control client asked to shut down (%exit)"}))
	info := pierInfo(t, d.dir)
	require.Equal(t, uint64(n+2), info.Events)
	require.Equal(t, info.Events, info.SnapshotEvent)
}

// TestDaemonRefusesAnotherUser runs `king status` as another user (uid
// 65534) against a daemon: the socket's mode keeps it out, and when the
// mode would let it in, the king refuses it by its peer credentials.
func TestDaemonRefusesAnotherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("not running as root, so no client can be run as another uid (package control tests the peer check directly)")
	}
	// Everything the other user runs or opens must be reachable by it: a
	// copy of the king binary and the pier's directories.
	base, err := os.MkdirTemp("", "king-foreign-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(base) })
	require.NoError(t, os.Chmod(base, 0o755))
	bin := filepath.Join(base, "king")
	copyExecutable(t, kingBin, bin)
	dir := filepath.Join(base, "pier")
	_, stderr, code := kingRun(t, "", "new", dir, "--pill", pillPath("counter"))
	require.Equal(t, 0, code, stderr)
	for _, p := range []string{dir, filepath.Join(dir, ".urb")} {
		require.NoError(t, os.Chmod(p, 0o755))
	}
	d := startDaemonAt(t, dir)

	asUser := func(uid uint32) (int, string) {
		cmd := exec.Command(bin, "status", "--timeout", "10s", dir)
		if uid != 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		}
		return kingExitCode(t, cmd)
	}
	code, out := asUser(0)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "running: 1")

	code, out = asUser(65534)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "its control socket "+control.SocketPath(dir)+" is not open to this user")
	require.Contains(t, out, "permission denied")

	require.NoError(t, os.Chmod(control.SocketPath(dir), 0o666))
	code, out = asUser(65534)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "the king closed the connection")
	require.NotContains(t, out, "running: 1")
	require.True(t, hasLogLine(d.logText(t), "control: refusing a connection", map[string]any{"uid": 65534}), d.logText(t))

	code, out = asUser(0)
	require.Equal(t, 0, code, "the king's own user is still served: %s", out)
	d.stop(t)
}

// copyExecutable copies the file at src to dst, executable by all.
func copyExecutable(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// TestDaemonLogShowsEffects: a daemon has no terminal, so each event's
// effects are logged at info level, and the terminal's blits are drawn
// for no one but `king con` clients.
func TestDaemonLogShowsEffects(t *testing.T) {
	d := startDaemon(t, "echo")
	_, stderr, code := kingRun(t, "", "poke", d.dir, "[[%d %term '1' ~] %belt %txt ~[104 105]]")
	require.Equal(t, 0, code, stderr)
	d.stop(t)
	log := d.logText(t)
	require.Equal(t, []uint64{2, 3}, releasedEves(log))
	require.True(t, strings.Contains(log, `"terminal":["> hi"]`), trimLog(log))
	require.True(t, hasLogLine(log, "pier running", map[string]any{"terminal": false}))
}
