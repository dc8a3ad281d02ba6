package control

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

func TestTooManyConnections(t *testing.T) {
	srv, dir := startServer(t, newFake(), Options{MaxConns: 2})
	c1 := dial(t, dir)
	c2 := dial(t, dir)
	for _, c := range []*Client{c1, c2} {
		_, _, err := c.Peel(context.Background(), "live")
		require.NoError(t, err)
	}
	rc := dialRaw(t, srv)
	resp := rc.recv()
	requireNoun(t, "[0 %bail 7 'busy: more than 2 connections']", resp)
	rc.requireClosed()
}

func TestListenLifecycle(t *testing.T) {
	fb := newFake()
	dir := filepath.Join(t.TempDir(), "pier")
	ctx := context.Background()

	_, err := Dial(ctx, dir)
	require.ErrorIs(t, err, ErrNotRunning, "no socket")

	srv, err := Listen(dir, Options{Backend: fb})
	require.NoError(t, err)
	fi, err := os.Stat(SocketPath(dir))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.NotZero(t, fi.Mode()&os.ModeSocket)

	_, err = Listen(dir, Options{Backend: fb})
	require.ErrorIs(t, err, ErrInUse, "a live server keeps its socket")

	ctx2, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx2) }()
	c := dial(t, dir)
	_, _, err = c.Peel(ctx, "live")
	require.NoError(t, err)
	cancel()
	require.ErrorIs(t, <-served, context.Canceled)
	require.NoError(t, srv.Close())
	<-c.Done()
	_, err = os.Stat(SocketPath(dir))
	require.True(t, os.IsNotExist(err), "Close removes the socket")
	_, err = Dial(ctx, dir)
	require.ErrorIs(t, err, ErrNotRunning)

	// A stale socket (its king died) is refused by Dial and replaced by
	// Listen.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: SocketPath(dir), Net: "unix"})
	require.NoError(t, err)
	l.SetUnlinkOnClose(false)
	require.NoError(t, l.Close())
	_, err = Dial(ctx, dir)
	require.ErrorIs(t, err, ErrNotRunning, "connection refused")
	srv, err = Listen(dir, Options{Backend: fb})
	require.NoError(t, err)
	require.NoError(t, srv.Close())
	require.NoError(t, srv.Close(), "Close is idempotent")

	// Something else at the socket's path is left alone.
	require.NoError(t, os.WriteFile(SocketPath(dir), []byte("x"), 0o600))
	_, err = Listen(dir, Options{Backend: fb})
	require.ErrorContains(t, err, "not a socket")

	_, err = Listen(dir, Options{})
	require.Error(t, err, "a backend is required")
}

func TestLongPierPath(t *testing.T) {
	dir := t.TempDir()
	for len(dir) < 150 {
		dir = filepath.Join(dir, "a-rather-long-directory-name")
	}
	require.Greater(t, len(SocketPath(dir)), 108)
	srv, err := Listen(dir, Options{Backend: newFake()})
	if err != nil && strings.Contains(err.Error(), "longer than") {
		t.Skip("long socket paths need Linux's /proc/self/fd")
	}
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(context.Background()) }()
	c, err := Dial(context.Background(), dir)
	require.NoError(t, err)
	_, ok, err := c.Peel(context.Background(), "live")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, c.Close())
	require.NoError(t, srv.Close())
	require.NoError(t, <-served)
	_, err = os.Stat(SocketPath(dir))
	require.True(t, os.IsNotExist(err))
}

func TestManyClientsAtOnce(t *testing.T) {
	fb := newFake()
	_, dir := startServer(t, fb, Options{})
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := Dial(context.Background(), dir)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			ctx := context.Background()
			if _, err := c.Peek(ctx, noun.Path("x", "y")); err != nil {
				errs <- err
				return
			}
			if _, err := c.Poke(ctx, noun.T(noun.Path("c"), noun.Cord("n"), noun.Atom(uint64(i)))); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, n, fb.count("inject"))
	require.Equal(t, n, fb.count("peek"))
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"[1 %peek /x]", "[1 %ovum [/a %b ~]]", "[1 %ovum [%d /t %b ~]]", "[1 %peel /live]",
		"[1 %save ~]", "[1 %urth %pack]", "[1 %peek [1 %once %x %base /a]]", "5", "[1 2 3]"} {
		n, err := noun.Parse(expandShorthands(s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(noun.Jam(n))
	}
	f.Fuzz(func(t *testing.T, jam []byte) {
		n, err := noun.Cue(jam)
		if err != nil {
			return
		}
		req, rerr := parseRequest(n)
		if rerr != nil {
			if rerr.code < BailCue || rerr.code > BailBusy {
				t.Fatalf("bad code %d", rerr.code)
			}
			_ = bailNoun(rerr)
			return
		}
		switch req.tag {
		case tagPeek:
			if _, err := peekSample(req.args); err != nil {
				t.Fatal("a parsed peek request has no sample")
			}
		case tagOvum:
			ov, err := ovumOf(req.args)
			if err != nil || !ov.IsCell() {
				t.Fatal("a parsed ovum request has no ovum")
			}
		}
	})
}
