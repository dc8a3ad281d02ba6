//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/noun"
)

// These tests run the client commands against a pier run by
// `king run <pier> --daemon`, as an operator would.

func TestClientCommandsOnADaemon(t *testing.T) {
	d := startDaemon(t, "counter")
	// The counter has counted one event, the start's %born.
	out, stderr, code := kingRun(t, "", "peek", d.dir, "/x/count")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "[0 %noun 1]\n", out)

	out, stderr, code = kingRun(t, "", "poke", d.dir, "[[%test", "~]", "%poke", "7]")
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `^event 3 committed, mug 0x[0-9a-f]{8}\n$`, out)
	mug := out[len("event 3 committed, mug ") : len(out)-1]

	out, stderr, code = kingRun(t, "", "peek", "--timeout", "10s", d.dir, "/")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "[0 %noun 2]\n", out)

	out, stderr, code = kingRun(t, "", "save", d.dir)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "snapshot taken at event 3\n", out)

	out, stderr, code = kingRun(t, "", "status", d.dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "pier: "+d.dir+"\n")
	require.Contains(t, out, "ship: ~zod\n")
	require.Contains(t, out, "version: "+version+"\n")
	require.Contains(t, out, "running: 1\n")
	require.Contains(t, out, "last-committed: 3\n")
	require.Contains(t, out, "in-flight: 0\n")

	d.stop(t)
	info := pierInfo(t, d.dir)
	require.Equal(t, uint64(3), info.Events)
	require.Equal(t, mug, info.LastMug)
	// Once the daemon has stopped, the clients say so.
	_, stderr, code = kingRun(t, "", "status", d.dir)
	require.Equal(t, exitNotRunning, code, stderr)
	require.Contains(t, stderr, "is not running")
}

func TestClientPokeCrashes(t *testing.T) {
	d := startDaemon(t, "crashy")
	out, stderr, code := kingRun(t, "", "poke", d.dir, "[[%t ~] %crash ~]")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "event 3 committed (the event crashed; its %crud replacement was committed instead)")
	_, stderr, code = kingRun(t, "", "poke", d.dir, "[[%t ~] %crash-twice ~]")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "the event crashed and was not committed")
	// Both goofs, with the tangs crashy's +mook renders: none (the serf's
	// own rendering of the trace goes to the running king's log).
	require.Equal(t, 2, strings.Count(stderr, "%exit"), stderr)
	d.stop(t)
	require.Equal(t, uint64(3), pierInfo(t, d.dir).Events, "the bailed event is not in the log")
}

func TestClientCommandsWhenNotRunning(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, args := range [][]string{
		{"peek", dir, "/x"}, {"poke", dir, "[[%a ~] %b ~]"}, {"status", dir}, {"save", dir}, {"con", dir},
	} {
		_, stderr, code := kingRun(t, "", args...)
		require.Equal(t, exitNotRunning, code, "%v: %s", args, stderr)
		require.Contains(t, stderr, "pier "+dir+" is not running", args)
		require.Contains(t, stderr, "conn.sock", args)
	}
	_, stderr, code := kingRun(t, "", "peek", filepath.Join(dir, "nope"), "/x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "it does not exist")
}

// TestClientCommandUsage: bad arguments are refused before anything is
// sent to the king.
func TestClientCommandUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"peek", dir}, "want 2 argument(s), got 1"},
		{[]string{"peek", dir, "x/y"}, "want a path such as /x/count"},
		{[]string{"peek", dir, "/x//y"}, "empty segment"},
		{[]string{"poke", dir, "[1"}, "bad NOUN"},
		{[]string{"poke", dir, "5"}, "not the atom 5"},
		{[]string{"status"}, "want 1 argument(s), got 0"},
		{[]string{"save", dir, "extra"}, "want at most 1 argument(s)"},
	}
	for _, tt := range tests {
		_, stderr, code := kingRun(t, "", tt.args...)
		require.Equal(t, 1, code, "%v", tt.args)
		require.Contains(t, stderr, tt.want, "%v", tt.args)
	}
}

// TestClientTimeout: a peek that does not answer in time gives a clear
// error; the pier is not disturbed.
func TestClientTimeout(t *testing.T) {
	d := startDaemon(t, "crashy")
	cl := dialPierClient(t, d.dir)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	// A looping event holds the serf, so the peek waits behind it.
	outcome, err := cl.PokeAsync(ctx, loopOvum())
	require.NoError(t, err)
	require.Eventually(t, func() bool { return fact(t, cl, "in-flight") >= 1 }, waitLimit, 5*time.Millisecond)
	start := time.Now()
	_, stderr, code := kingRun(t, "", "peek", "--timeout", "300ms", d.dir, "/x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "timed out waiting for the king (see --timeout)")
	require.Less(t, time.Since(start), 20*time.Second)
	res := interruptUntilSettled(t, cl, outcome)
	require.True(t, res.Swapped, "the interrupted event is replaced by its %crud")
	d.stop(t)
}

// interruptUntilSettled has the king SIGINT the serf until the event
// whose outcome channel is given has settled (the serf ignores a SIGINT
// that arrives before it starts computing), and returns its outcome.
func interruptUntilSettled(t *testing.T, cl *control.Client, outcome <-chan noun.Noun) control.PokeResult {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		require.NoError(t, cl.Interrupt(ctx))
		cancel()
		select {
		case n, ok := <-outcome:
			require.True(t, ok, "the connection ended before the outcome")
			res, err := control.PokeOutcome(n)
			require.NoError(t, err, "outcome %s", n)
			return res
		case <-time.After(time.Second):
		case <-deadline:
			t.Fatal("the looping event never settled")
		}
	}
}
