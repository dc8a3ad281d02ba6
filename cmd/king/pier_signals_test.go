package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// runningKing starts `king run` on dir and waits until the pier runs.
func runningKing(t *testing.T, dir string, args ...string) (*kingProc, logLine) {
	t.Helper()
	k := startKing(t, append([]string{"run", dir}, args...)...)
	ready := k.waitMsg("pier running")
	return k, ready
}

func TestPierSIGTERMAndSIGINT(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := newTestPier(t, "counter")
			k, _ := runningKing(t, dir, "--inject-list", writeJam(t, noun.List(counterOva(0, 20)...)))
			k.waitMsg("injected events settled")
			k.signal(sig)
			require.Equal(t, 0, k.wait(), k.stderr())
			stderr := k.stderr()
			require.Contains(t, stderr, `"msg":"shutting down","pier":"`+dir+`","why":"`+sig.String()+`"`)
			require.Contains(t, stderr, `"msg":"pier stopped"`)
			info := pierInfo(t, dir)
			require.Equal(t, uint64(22), info.Events, "boot, %born, 20 events")
			require.Equal(t, uint64(22), info.SnapshotEvent, "graceful shutdown snapshots")
		})
	}
}

// TestPierSecondKingRefused: a second king, and every read-only command,
// answers at once naming the running king's pid; `king info` answers with
// the running king's figures.
func TestPierSecondKingRefused(t *testing.T) {
	dir := newTestPier(t, "counter")
	before := pierInfo(t, dir)
	require.False(t, before.Running)
	k, _ := runningKing(t, dir)
	pid := strconv.Itoa(k.cmd.Process.Pid)
	t.Run("info", func(t *testing.T) {
		info := pierInfo(t, dir)
		require.True(t, info.Running)
		require.Equal(t, k.cmd.Process.Pid, info.KingPid)
		require.Equal(t, uint64(2), info.Events, "boot and %born")
		require.NotEqual(t, "0x00000000", info.LastMug)
		// The rest is what the pier held before the king started.
		running := info
		running.Running, running.KingPid, running.Events, running.LastMug, running.LogBytes = false, 0, before.Events, before.LastMug, before.LogBytes
		require.Equal(t, before, running)
		require.Positive(t, info.LogBytes)
		out, stderr, code := kingRun(t, "", "info", dir)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, out, "running:   yes, king pid "+pid)
	})
	for _, args := range [][]string{
		{"run", dir}, {"run", "--exit", dir},
		{"log", "show", dir}, {"log", "verify", dir}, {"log", "chop", dir, "--after", "1"},
		{"replay", dir}, {"pack", dir}, {"new", dir, "--pill", pillPath("counter")},
	} {
		name := strings.Join(slices.DeleteFunc(slices.Clone(args), func(a string) bool { return strings.Contains(a, "/") }), "_")
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, stderr, code := kingRun(t, "", args...)
			took := time.Since(start)
			require.NotEqual(t, 0, code)
			if args[0] == "new" {
				require.Contains(t, stderr, "pier already exists")
				return
			}
			require.Equal(t, exitLocked, code, stderr)
			require.Contains(t, stderr, "pier "+dir+" is running: it is in use by king pid "+pid)
			t.Logf("answered in %v", took)
		})
	}
	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
	// Once the king is gone the pier is free again.
	require.Equal(t, uint64(2), pierInfo(t, dir).Events, "boot and %born")
}

func TestPierSIGHUPRestartsSerf(t *testing.T) {
	dir := newTestPier(t, "counter")
	k, ready := runningKing(t, dir, "--inject-list", writeJam(t, noun.List(counterOva(0, 10)...)))
	oldPid := ready.num("serf_pid")
	require.Positive(t, oldPid)
	k.waitMsg("injected events settled")
	k.signal(syscall.SIGHUP)
	restarted := k.waitMsg("SIGHUP: serf restarted")
	newPid := restarted.num("serf_pid")
	require.Positive(t, newPid)
	require.NotEqual(t, oldPid, newPid)
	require.Equal(t, int64(12), restarted.num("last_event"))
	// The old serf was stopped and reaped by the king.
	require.Error(t, syscall.Kill(int(oldPid), 0), "old serf %d still exists", oldPid)

	// The pier goes on with the new serf.
	k.signal(syscall.SIGUSR1)
	st := k.waitMsg("status")
	require.Equal(t, newPid, st.num("serf_pid"))
	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
}

func TestPierSIGUSR1Status(t *testing.T) {
	dir := newTestPier(t, "counter")
	k, ready := runningKing(t, dir, "--inject-list", writeJam(t, noun.List(counterOva(0, 3)...)))
	k.waitMsg("injected events settled")
	k.signal(syscall.SIGUSR1)
	st := k.waitMsg("status")
	require.Equal(t, dir, st["pier"])
	require.Equal(t, true, st["running"])
	require.Equal(t, ready.num("serf_pid"), st.num("serf_pid"))
	require.Equal(t, int64(5), st.num("last_event"))
	require.Equal(t, int64(5), st.num("last_committed"))
	require.Equal(t, int64(0), st.num("in_flight"))
	require.Equal(t, int64(0), st.num("restarts"))
	require.GreaterOrEqual(t, st.num("uptime"), int64(0))
	line, _ := st["status"].(string)
	require.Regexp(t, regexp.MustCompile(`^pier .*: serf pid \d+, last event 5, last committed 5, in flight 0, restarts 0, up \S+$`), line)
	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
}

// TestPierSecondSignalStopsAtOnce: a second SIGTERM during a shutdown
// stops hard, with a clear message and a non-zero status.
func TestPierSecondSignalStopsAtOnce(t *testing.T) {
	dir := newTestPier(t, "crashy")
	// A looping event keeps the shutdown draining until the hard stop.
	loop := noun.T(noun.T(noun.Cord("test"), noun.Zero), noun.Cord("loop"), noun.Zero)
	k, _ := runningKing(t, dir, "--inject", writeJam(t, loop))
	waitInFlight(t, k, 1)
	k.signal(syscall.SIGTERM)
	k.waitMsg("shutting down")
	k.signal(syscall.SIGTERM)
	require.Equal(t, 1, k.wait(), k.stderr())
	require.Contains(t, k.stderr(), "second signal: stopping at once")
	require.Contains(t, k.stderr(), "king: stopped at once by a second signal")
	require.Equal(t, uint64(2), pierInfo(t, dir).Events, "boot and %born; the loop was not committed")
}

func TestPierDaemon(t *testing.T) {
	dir := newTestPier(t, "counter")
	out, stderr, code := kingRun(t, "", "run", dir, "--daemon", "--inject-list", writeJam(t, noun.List(counterOva(0, 4)...)))
	require.Equal(t, 0, code, stderr)
	var pid int
	_, err := fmt.Sscanf(out, "king pid %d is running pier", &pid)
	require.NoError(t, err, out)
	require.Contains(t, out, dir+"/.urb/king.log")
	// The daemon is not our child: kill it at the end whatever happens.
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })

	_, stderr, code = kingRun(t, "", "log", "verify", dir)
	require.Equal(t, exitLocked, code)
	require.Contains(t, stderr, fmt.Sprintf("in use by king pid %d", pid))
	info := pierInfo(t, dir) // from the daemon itself
	require.True(t, info.Running)
	require.Equal(t, pid, info.KingPid)

	// Poll the daemon's log (with a deadline) until the events are in.
	logPath := dir + "/.urb/king.log"
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(logPath)
		return err == nil && strings.Contains(string(b), `"msg":"injected events settled"`)
	}, waitLimit, 10*time.Millisecond)
	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	// Poll (with a deadline) until the daemon has let go of the pier.
	require.Eventually(t, func() bool {
		_, _, code := kingRun(t, "", "log", "verify", dir)
		return code == 0
	}, waitLimit, 20*time.Millisecond)
	info = pierInfo(t, dir)
	require.False(t, info.Running)
	require.Equal(t, uint64(6), info.Events)
	require.Equal(t, uint64(6), info.SnapshotEvent)
	log, err := os.ReadFile(logPath)
	require.NoError(t, err)
	require.Contains(t, string(log), `"msg":"pier stopped"`)
	require.Equal(t, []uint64{2, 3, 4, 5, 6}, releasedEves(string(log)), "%born, then the 4 events")

	// A daemon that cannot start reports why, with its log's last lines.
	_, stderr, code = kingRun(t, "", "run", dir, "--daemon", "--serf", "/nonexistent/serf")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "the background king exited before the pier was running")
	require.Contains(t, stderr, "/nonexistent/serf")
}

// waitInFlight polls the king's status (SIGUSR1) until at least n events
// are in flight.
func waitInFlight(t *testing.T, k *kingProc, n int64) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		k.signal(syscall.SIGUSR1)
		if k.waitMsg("status").num("in_flight") >= n {
			return
		}
	}
	t.Fatalf("never %d events in flight; stderr:\n%s", n, k.stderr())
}
