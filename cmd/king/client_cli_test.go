package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// These tests run the client commands against a pier served in the test
// process: a real pier (its serf is `king serf` of the binary under test)
// with a control server, wired as `king run` will wire them. `king run`
// does not open the control socket yet; once it does, ctlPier can be
// replaced by `king run <pier> --daemon`.

// ctlPier is a running pier with a control socket, in this process.
type ctlPier struct {
	dir    string
	p      *pier.Pier
	srv    *control.Server
	router *drivers.Router
	exited chan struct{}
}

// startCtlPier boots a pier from the named test kernel and serves it.
func startCtlPier(t *testing.T, kernel string) *ctlPier {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "kernels", kernel+".pill"))
	require.NoError(t, err)
	pill, err := pier.LoadPill(b)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), kernel)
	serf := king.Config{SerfPath: kingBin, OnStderr: func(string) {}, OnFlog: func(string) {}}
	_, err = pier.New(context.Background(), dir, pill, pier.NewOptions{Fake: true, Who: noun.Atom(7), Serf: serf})
	require.NoError(t, err)
	p, err := pier.Open(dir, pier.Options{})
	require.NoError(t, err)
	cp := &ctlPier{dir: dir, p: p, router: drivers.NewRouter(drivers.RouterOptions{}), exited: make(chan struct{})}
	serf.OnSlog = func(pri uint64, tank noun.Noun) { cp.srv.Slog(pri, tank) }
	ready := make(chan struct{})
	runc := make(chan error, 1)
	go func() {
		runc <- p.Run(context.Background(), pier.RunOptions{Serf: serf, Effects: cp.router.Route,
			OnReady: func() { close(ready) }})
	}()
	<-ready
	cp.srv, err = control.Listen(dir, control.Options{Version: "ctl-test",
		Backend: control.PierBackend{Pier: p, OnExit: func() { close(cp.exited) }}})
	require.NoError(t, err)
	cp.router.Handle("term", cp.srv)
	served := make(chan error, 1)
	go func() { served <- cp.srv.Serve(context.Background()) }()
	t.Cleanup(func() {
		require.NoError(t, cp.srv.Close())
		require.NoError(t, <-served)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = p.Shutdown(ctx)
		require.NoError(t, <-runc)
		require.NoError(t, p.Close())
	})
	return cp
}

func TestClientCommandsOnARunningPier(t *testing.T) {
	cp := startCtlPier(t, "counter")
	out, stderr, code := kingRun(t, "", "peek", cp.dir, "/x/count")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "[0 %noun 0]\n", out)

	out, stderr, code = kingRun(t, "", "poke", cp.dir, "[[%test", "~]", "%poke", "7]")
	require.Equal(t, 0, code, stderr)
	eve, mug := cp.p.LastCommitted()
	require.Equal(t, uint64(2), eve)
	require.Equal(t, "event 2 committed, mug "+hexMug(mug)+"\n", out)

	out, stderr, code = kingRun(t, "", "peek", "--timeout", "10s", cp.dir, "/")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "[0 %noun 1]\n", out)

	out, stderr, code = kingRun(t, "", "save", cp.dir)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "snapshot taken at event 2\n", out)

	out, stderr, code = kingRun(t, "", "status", cp.dir)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "pier: "+cp.dir+"\n")
	require.Contains(t, out, "ship: 7\n")
	require.Contains(t, out, "version: ctl-test\n")
	require.Contains(t, out, "running: 1\n")
	require.Contains(t, out, "last-committed: 2\n")
}

func TestClientPokeCrashes(t *testing.T) {
	cp := startCtlPier(t, "crashy")
	out, stderr, code := kingRun(t, "", "poke", cp.dir, "[[%t ~] %crash ~]")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "event 2 committed (the event crashed; its %crud replacement was committed instead)")
	_, stderr, code = kingRun(t, "", "poke", cp.dir, "[[%t ~] %crash-twice ~]")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "the event crashed and was not committed")
	require.Contains(t, stderr, "%exit")
	require.Contains(t, stderr, "crashy: %crash-twice card")
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

func TestClientCommandUsage(t *testing.T) {
	cp := startCtlPier(t, "counter")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"peek", cp.dir}, "want 2 argument(s), got 1"},
		{[]string{"peek", cp.dir, "x/y"}, "want a path such as /x/count"},
		{[]string{"peek", cp.dir, "/x//y"}, "empty segment"},
		{[]string{"poke", cp.dir, "[1"}, "bad NOUN"},
		{[]string{"poke", cp.dir, "5"}, "not the atom 5"},
		{[]string{"status"}, "want 1 argument(s), got 0"},
		{[]string{"save", cp.dir, "extra"}, "want at most 1 argument(s)"},
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
	cp := startCtlPier(t, "crashy")
	// A looping event holds the serf, so the peek waits behind it.
	ticket, err := cp.p.InjectAsync(context.Background(), noun.T(noun.T(noun.Cord("t"), noun.Zero), noun.Cord("loop"), noun.Zero))
	require.NoError(t, err)
	start := time.Now()
	_, stderr, code := kingRun(t, "", "peek", "--timeout", "300ms", cp.dir, "/x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "timed out waiting for the king (see --timeout)")
	require.Less(t, time.Since(start), 20*time.Second)
	require.NoError(t, cp.p.Interrupt())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := ticket.Wait(ctx)
	require.NoError(t, err)
	require.Equal(t, king.WorkSwap, res.Kind)
}

func hexMug(m uint32) string { return fmt.Sprintf("%#08x", m) }
