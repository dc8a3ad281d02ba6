package control

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

func TestEveryRequestKind(t *testing.T) {
	fb := newFake()
	srv, _ := startServer(t, fb, Options{Version: "9.9.9"})
	rc := dialRaw(t, srv)
	tests := []struct {
		req  string
		want string
	}{
		// %peek: a bare path is sent as [%& path] with the gang [~ ~].
		{"[1 %peek /x/count]", "[1 %peek 0 %noun [[0 0] 0 %x %count ~]]"},
		{"[2 %peek [0 /y]]", "[2 %peek 0 %noun [[0 0] 0 %y ~]]"},
		{"[3 %peek [1 %once %x %base /foo]]", "[3 %peek 0 %noun [[0 0] 1 %once %x %base %foo ~]]"},
		{"[4 %peek ~]", "[4 %peek 0 %noun [[0 0] 0 ~]]"},
		// %peel.
		{"[5 %peel /live]", "[5 0 0]"},
		{"[6 %peel /who]", "[6 0 256]"},
		{"[7 %peel /v]", "[7 0 '9.9.9']"},
		{"[8 %peel /info]", "[8 0 'info' 1 ~[['running' 0 1] ['last-event' 0 7]]]"},
		{"[9 %peel /help]", "[9 0 ~[/help /info /live /v /who]]"},
		{"[10 %peel /nope]", "[10 ~]"},
		{"[11 %peel ~]", "[11 ~]"},
		// %ovum, as [wire card] and as conn.c's [tar wire card].
		{"[12 %ovum [/test/1 %poke 7]]", "[12 %done 1 0xabc]"},
		{"[13 %ovum [%d /term/1 %belt %ret ~]]", "[13 %done 2 0xabc]"},
		// Commands.
		{"[14 %save ~]", "[14 %save 42]"},
		{"[15 %pack ~]", "[15 %pack ~]"},
		{"[16 %meld ~]", "[16 %meld ~]"},
		{"[17 %intr ~]", "[17 %intr ~]"},
		{"[18 %exit ~]", "[18 %exit ~]"},
		// A huge request id is echoed as it is.
		{"[0xdead.beef.dead.beef.dead.beef.dead.beef %peel /live]", "[0xdead.beef.dead.beef.dead.beef.dead.beef 0 0]"},
	}
	for _, tt := range tests {
		rc.send(tt.req)
		requireNoun(t, tt.want, rc.recv())
	}
	fb.mu.Lock()
	require.Len(t, fb.injected, 2)
	requireNoun(t, "[/test/1 %poke 7]", fb.injected[0])
	requireNoun(t, "[[%d /term/1] %belt %ret ~]", fb.injected[1])
	fb.mu.Unlock()
	for _, name := range []string{"save", "pack", "meld", "intr", "exit"} {
		require.Equal(t, 1, fb.count(name), name)
	}
}

func TestUrthIsAcknowledgedAtOnce(t *testing.T) {
	fb := newFake()
	fb.called = make(chan string, 16)
	srv, _ := startServer(t, fb, Options{})
	rc := dialRaw(t, srv)
	rc.send("[1 %urth %pack]")
	requireNoun(t, "[1 0]", rc.recv())
	require.Equal(t, "pack", <-fb.called)
	rc.send("[2 %urth %meld]")
	requireNoun(t, "[2 0]", rc.recv())
	require.Equal(t, "meld", <-fb.called)
}

func TestFailuresKeepTheConnection(t *testing.T) {
	fb := newFake()
	fb.cmdErr = errors.New("pier: pier is shutting down")
	fb.injectErr = errors.New("pier: pier is not running")
	fb.peek = func(_ context.Context, sample noun.Noun) (noun.Noun, error) {
		if noun.Equal(sample, noun.T(ipc.LocalGang(), noun.Zero, noun.Path("crash"))) {
			return noun.Zero, peekBail()
		}
		return noun.Zero, errors.New("pier: no serf is ready")
	}
	srv, _ := startServer(t, fb, Options{})
	rc := dialRaw(t, srv)
	for _, tt := range []struct{ req, want string }{
		{"[1 %peek /crash]", "[1 %bail ~[[%exit ~]]]"},
		{"[2 %peek /x]", "[2 %fail 'pier: no serf is ready']"},
		{"[3 %ovum [/a %b ~]]", "[3 %fail 'pier: pier is not running']"},
		{"[4 %save ~]", "[4 %fail 'pier: pier is shutting down']"},
		{"[5 %pack ~]", "[5 %fail 'pier: pier is shutting down']"},
		{"[6 %intr ~]", "[6 %fail 'pier: pier is shutting down']"},
		{"[7 %exit ~]", "[7 %fail 'pier: pier is shutting down']"},
		{"[8 %peel /live]", "[8 0 0]"},
	} {
		rc.send(tt.req)
		requireNoun(t, tt.want, rc.recv())
	}
}

func TestOvumOutcomes(t *testing.T) {
	fb := newFake()
	goof := ipc.Goof{Mote: "exit", Tang: noun.List(noun.T(noun.Cord("leaf"), noun.Tape("boom")))}
	fb.outcome = func(_ context.Context, ov noun.Noun) (Outcome, error) {
		_, card, _ := ov.Uncell()
		tag, _, _ := noun.Tagged(card)
		switch tag {
		case "swap":
			return Outcome{Kind: Swap, Eve: 9, Mug: 5}, nil
		case "bail":
			return Outcome{Kind: Bail, Goofs: []ipc.Goof{goof, goof}}, nil
		case "lost":
			return Outcome{}, errors.New("pier: event not committed")
		}
		return Outcome{Kind: Done, Eve: 8, Mug: 4}, nil
	}
	srv, dir := startServer(t, fb, Options{})
	rc := dialRaw(t, srv)
	rc.send("[1 %ovum [/a %swap ~]]")
	requireNoun(t, "[1 %swap 9 5]", rc.recv())
	rc.send("[2 %ovum [/a %bail ~]]")
	requireNoun(t, "[2 %bail ~[[%exit ~[[%leaf \"boom\"]]] [%exit ~[[%leaf \"boom\"]]]]]", rc.recv())
	rc.send("[3 %ovum [/a %lost ~]]")
	requireNoun(t, "[3 %fail 'pier: event not committed']", rc.recv())

	// The same through the client library.
	c := dial(t, dir)
	ctx := context.Background()
	res, err := c.Poke(ctx, parse(t, "[/a %swap ~]"))
	require.NoError(t, err)
	require.Equal(t, PokeResult{Eve: 9, Mug: 5, Swapped: true}, res)
	res, err = c.Poke(ctx, parse(t, "[/a %fine ~]"))
	require.NoError(t, err)
	require.Equal(t, PokeResult{Eve: 8, Mug: 4}, res)
	_, err = c.Poke(ctx, parse(t, "[/a %bail ~]"))
	var crash *CrashError
	require.ErrorAs(t, err, &crash)
	require.Len(t, crash.Goofs, 2)
	require.Equal(t, "exit", crash.Goofs[0].Mote)
	_, err = c.Poke(ctx, parse(t, "[/a %lost ~]"))
	var fail *FailError
	require.ErrorAs(t, err, &fail)
	require.Contains(t, fail.Text, "not committed")
}

func TestBadRequestsCloseOnlyTheirConnection(t *testing.T) {
	fb := newFake()
	srv, dir := startServer(t, fb, Options{MaxFrameSize: 1 << 16})
	bystander := dial(t, dir)
	ctx := context.Background()
	tests := []struct {
		name string
		send func(rc *rawConn)
		code BailCode
	}{
		{"not a cell", func(rc *rawConn) { rc.send("42") }, BailShape},
		{"cell rid", func(rc *rawConn) { rc.send("[[1 2] %peel /live]") }, BailShape},
		{"no args", func(rc *rawConn) { rc.send("[1 %peel]") }, BailShape},
		{"cell tag", func(rc *rawConn) { rc.send("[1 [1 2] ~]") }, BailShape},
		{"unknown tag", func(rc *rawConn) { rc.send("[1 %fyrd ~]") }, BailTag},
		{"tag not a term", func(rc *rawConn) { rc.send("[1 'Peek' ~]") }, BailTag},
		{"peek bad path", func(rc *rawConn) { rc.send("[1 %peek [[1 2] 3]]") }, BailArgs},
		{"peel bad path", func(rc *rawConn) { rc.send("[1 %peel 5]") }, BailArgs},
		{"ovum not a cell", func(rc *rawConn) { rc.send("[1 %ovum 5]") }, BailArgs},
		{"ovum tar without card", func(rc *rawConn) { rc.send("[1 %ovum [%d 5]]") }, BailArgs},
		{"save with args", func(rc *rawConn) { rc.send("[1 %save 1]") }, BailArgs},
		{"dill with args", func(rc *rawConn) { rc.send("[1 %dill [1 2]]") }, BailArgs},
		{"urth unknown", func(rc *rawConn) { rc.send("[1 %urth %boot]") }, BailArgs},
		{"garbage frame", func(rc *rawConn) {
			_, err := rc.c.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
			require.NoError(t, err)
		}, BailFrame},
		{"zero length", func(rc *rawConn) {
			_, err := rc.c.Write([]byte{0, 0, 0, 0, 0})
			require.NoError(t, err)
		}, BailFrame},
		{"too large", func(rc *rawConn) {
			_, err := rc.c.Write([]byte{0, 0, 0, 0, 1})
			require.NoError(t, err)
		}, BailFrame},
		{"does not cue", func(rc *rawConn) { require.NoError(t, rc.w.WriteFrame([]byte{0x03})) }, BailCue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, srv)
			tt.send(rc)
			resp := rc.recv()
			r := noun.NewReader(resp, "bail")
			require.Equal(t, uint64(0), r.Uint64("rid"))
			require.Equal(t, "bail", r.Tag())
			require.Equal(t, uint64(tt.code), r.Uint64("code"))
			text := r.Last().Cord("text")
			require.NoError(t, r.Err())
			require.True(t, strings.HasPrefix(text, tt.code.String()+": "), "text %q", text)
			rc.requireClosed()
			// Other clients are unaffected.
			v, ok, err := bystander.Peel(ctx, "live")
			require.NoError(t, err)
			require.True(t, ok)
			requireNoun(t, "0", v)
		})
	}

	// The client library reports a bail as a *BailError and the
	// connection as ended.
	c := dial(t, dir)
	_, err := c.Request(ctx, "fyrd", noun.Zero)
	var bail *BailError
	require.ErrorAs(t, err, &bail)
	require.Equal(t, BailTag, bail.Code)
	<-c.Done()
	require.ErrorAs(t, c.Err(), &bail)
	_, _, err = c.Peel(ctx, "live")
	require.ErrorAs(t, err, &bail)
}

func TestClientDisconnectsMidRequest(t *testing.T) {
	fb := newFake()
	started := make(chan struct{})
	gaveUp := make(chan struct{})
	fb.peek = func(ctx context.Context, _ noun.Noun) (noun.Noun, error) {
		close(started)
		<-ctx.Done() // a long peek, cut short by the disconnection
		close(gaveUp)
		return noun.Zero, ctx.Err()
	}
	fb.outcome = func(ctx context.Context, _ noun.Noun) (Outcome, error) {
		<-ctx.Done()
		return Outcome{}, ctx.Err()
	}
	srv, dir := startServer(t, fb, Options{})
	rc := dialRaw(t, srv)
	rc.send("[1 %peek /slow]")
	rc.send("[2 %ovum [/a %b ~]]")
	<-started
	require.NoError(t, rc.c.Close())
	<-gaveUp
	// The event was accepted before the client went: it still goes on.
	fb.mu.Lock()
	require.Len(t, fb.injected, 1)
	fb.mu.Unlock()
	c := dial(t, dir)
	_, ok, err := c.Peel(context.Background(), "live")
	require.NoError(t, err)
	require.True(t, ok)
	require.Eventually(t, func() bool { return srv.Conns() == 1 }, 30*time.Second, time.Millisecond,
		"the dropped connection is forgotten")
}

func TestClientGivesUpOnARequest(t *testing.T) {
	fb := newFake()
	release := make(chan struct{})
	fb.peek = func(ctx context.Context, s noun.Noun) (noun.Noun, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return noun.Zero, nil
	}
	_, dir := startServer(t, fb, Options{})
	c := dial(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Peek(ctx, noun.Path("x"))
	require.ErrorIs(t, err, context.Canceled)
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Peek(ctx, noun.Path("x"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	close(release)
	// The late answer is dropped; the connection goes on.
	_, ok, err := c.Peel(context.Background(), "live")
	require.NoError(t, err)
	require.True(t, ok)
}

func TestDillStream(t *testing.T) {
	fb := newFake()
	srv, dir := startServer(t, fb, Options{})
	router := drivers.NewRouter(drivers.RouterOptions{})
	router.Handle("term", srv)

	// No subscriber: the effect is not claimed.
	router.Route(1, parse(t, "~[[[0 %term '1' ~] %blit ~[[%bel ~]]]]"))
	require.Equal(t, map[string]uint64{"/term %blit": 1}, router.Unclaimed())

	c := dial(t, dir)
	ctx := context.Background()
	msgs, err := c.Dill(ctx)
	require.NoError(t, err)
	_, err = c.Dill(ctx)
	require.Error(t, err, "one subscription per client")
	// The subscription is in place once a later request is answered.
	_, _, err = c.Peel(ctx, "live")
	require.NoError(t, err)

	// Blits of another terminal session are not this stream's.
	router.Route(2, parse(t, "~[[[0 %term '2' ~] %blit ~[[%lin ~[50]]]] [[0 %term '1' ~] %blit ~[[%lin ~[104]]]] [[0 %term '1' ~] %logo ~]]"))
	srv.Slog(2, parse(t, "[%leaf \"hi\"]"))
	m := <-msgs
	require.Equal(t, "blit", m.Tag)
	requireNoun(t, "~[[%lin ~[104]]]", m.Blits)
	m = <-msgs
	require.Equal(t, "slog", m.Tag)
	require.Equal(t, uint64(2), m.Pri)
	requireNoun(t, "[%leaf \"hi\"]", m.Tank)
	require.Equal(t, map[string]uint64{"/term %blit": 2, "/term %logo": 1}, router.Unclaimed(),
		"a subscriber claims session 1's blits only")

	// A raw second subscription on one connection is refused.
	rc := dialRaw(t, srv)
	rc.send("[5 %dill ~]")
	rc.send("[6 %dill ~]")
	requireNoun(t, "[6 %fail 'control: this connection already has the terminal']", rc.recv())

	// Keystrokes go back as events.
	ch, err := c.PokeAsync(ctx, parse(t, "[[%d %term '1' ~] %belt %ret ~]"))
	require.NoError(t, err)
	res, err := PokeOutcome(<-ch)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Eve)

	require.NoError(t, c.Close())
	_, ok := <-msgs
	require.False(t, ok, "the stream ends with the connection")
}

func TestSlowTerminalClientIsDropped(t *testing.T) {
	srv, _ := startServer(t, newFake(), Options{WriteTimeout: time.Hour})
	rc := dialRaw(t, srv)
	rc.send("[1 %dill ~]")
	rc.send("[2 %peel /live]")
	requireNoun(t, "[2 0 0]", rc.recv())
	big := noun.List(noun.Cell(noun.Cord("lin"), noun.AtomBytes(make([]byte, 1<<16))))
	card := noun.Cell(noun.Cord("blit"), big)
	ef := drivers.Effect{Vane: "term", Tag: "blit", Card: card}
	// The client never reads: the socket buffer, then the queue fill up,
	// and the server drops it instead of waiting.
	for i := 0; srv.Conns() > 0; i++ {
		require.Less(t, i, 100000, "a client that does not read is never dropped")
		srv.HandleEffect(ef)
	}
	// What the socket buffered is still readable; then it ends.
	require.NoError(t, rc.c.SetReadDeadline(time.Now().Add(30*time.Second)))
	for {
		_, err := rc.r.ReadNoun()
		if err != nil {
			var ne net.Error
			require.False(t, errors.As(err, &ne) && ne.Timeout(), "the connection is still open")
			break
		}
	}
}

// TestLegacyFramedClient: a client whose first frame is legacy-framed is
// served, and answered, in legacy framing; a newt client beside it is not
// affected.
func TestLegacyFramedClient(t *testing.T) {
	srv, _ := startServer(t, newFake(), Options{Version: "9.9.9"})
	c, err := net.Dial("unix", srv.Path())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	rc := &rawConn{t: t, c: c, r: ipc.NewReader(c, ipc.WithFraming(ipc.Legacy)), w: ipc.NewWriter(c, ipc.Legacy)}
	rc.send("[1 %peel /v]")
	requireNoun(t, "[1 0 '9.9.9']", rc.recv())
	rc.send("[2 %peel /live]")
	requireNoun(t, "[2 0 0]", rc.recv())
	// A request that does not cue is still answered with a bail, in legacy.
	require.NoError(t, rc.w.WriteFrame([]byte{0x03}))
	bail := noun.NewReader(rc.recv(), "bail")
	require.Equal(t, uint64(0), bail.Uint64("rid"))
	require.Equal(t, "bail", bail.Tag())
	require.NoError(t, bail.Err())
	newt := dialRaw(t, srv)
	newt.send("[3 %peel /live]")
	requireNoun(t, "[3 0 0]", newt.recv())
}

// TestLegacyClientWhoseFirstFrameStartsWithZero: a legacy client whose
// first request jams to a multiple of 256 bytes (so its frame, like a newt
// frame, starts with a 0x00 byte) is still recognised as legacy.
func TestLegacyClientWhoseFirstFrameStartsWithZero(t *testing.T) {
	srv, _ := startServer(t, newFake(), Options{Version: "9.9.9"})
	for _, size := range []int{256, 512} {
		var req noun.Noun
		for k := 1; k < size; k++ {
			req = noun.T(noun.Atom(7), noun.Cord("peel"), noun.Path("nothing", strings.Repeat("x", k)))
			if len(noun.Jam(req)) == size {
				break
			}
		}
		require.Len(t, noun.Jam(req), size)
		c, err := net.Dial("unix", srv.Path())
		require.NoError(t, err)
		rc := &rawConn{t: t, c: c, r: ipc.NewReader(c, ipc.WithFraming(ipc.Legacy)), w: ipc.NewWriter(c, ipc.Legacy)}
		require.NoError(t, rc.w.WriteNoun(req))
		requireNoun(t, "[7 ~]", rc.recv())
		rc.send("[8 %peel /v]")
		requireNoun(t, "[8 0 '9.9.9']", rc.recv())
		require.NoError(t, c.Close())
	}
}
