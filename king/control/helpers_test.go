package control

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// fakeBackend is a Backend without a pier: it records what it is asked
// and answers as its fields say.
type fakeBackend struct {
	mu       sync.Mutex
	peeks    []noun.Noun
	injected []noun.Noun
	calls    map[string]int
	called   chan string // every call's name, if not nil

	// peek, if set, answers peeks; else [~ %noun sample].
	peek func(ctx context.Context, sample noun.Noun) (noun.Noun, error)
	// outcome, if set, decides an event's outcome; else Done with the
	// next event number and mug 0xabc.
	outcome   func(ctx context.Context, ovum noun.Noun) (Outcome, error)
	injectErr error
	cmdErr    error
	eve       uint64
}

func newFake() *fakeBackend { return &fakeBackend{calls: map[string]int{}} }

func (f *fakeBackend) call(name string) {
	f.mu.Lock()
	f.calls[name]++
	ch := f.called
	f.mu.Unlock()
	if ch != nil {
		ch <- name
	}
}

func (f *fakeBackend) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *fakeBackend) Peek(ctx context.Context, sample noun.Noun) (noun.Noun, error) {
	f.mu.Lock()
	f.peeks = append(f.peeks, sample)
	fn := f.peek
	f.mu.Unlock()
	f.call("peek")
	if fn != nil {
		return fn(ctx, sample)
	}
	return noun.T(noun.Zero, noun.Cord("noun"), sample), nil
}

func (f *fakeBackend) Inject(ctx context.Context, ovum noun.Noun) (Pending, error) {
	f.call("inject")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.injectErr != nil {
		return nil, f.injectErr
	}
	f.injected = append(f.injected, ovum)
	f.eve++
	return fakePending{f: f, ovum: ovum, eve: f.eve}, nil
}

type fakePending struct {
	f    *fakeBackend
	ovum noun.Noun
	eve  uint64
}

func (p fakePending) Wait(ctx context.Context) (Outcome, error) {
	p.f.mu.Lock()
	fn := p.f.outcome
	p.f.mu.Unlock()
	if fn != nil {
		return fn(ctx, p.ovum)
	}
	return Outcome{Kind: Done, Eve: p.eve, Mug: 0xabc}, nil
}

func (f *fakeBackend) Save(context.Context) (uint64, error) {
	f.call("save")
	return 42, f.cmdErr
}

func (f *fakeBackend) Pack(context.Context) error { f.call("pack"); return f.cmdErr }
func (f *fakeBackend) Meld(context.Context) error { f.call("meld"); return f.cmdErr }
func (f *fakeBackend) Interrupt() error           { f.call("intr"); return f.cmdErr }
func (f *fakeBackend) Exit() error                { f.call("exit"); return f.cmdErr }
func (f *fakeBackend) Who() noun.Noun             { return noun.Atom(256) }
func (f *fakeBackend) Info() []Fact {
	return []Fact{{"running", 1}, {"last-event", 7}}
}

// startServer listens in a new pier directory and serves until the test
// ends.
func startServer(t *testing.T, b Backend, opts Options) (*Server, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pier")
	opts.Backend = b
	srv, err := Listen(dir, opts)
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(context.Background()) }()
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.NoError(t, <-served)
	})
	return srv, dir
}

// dial connects a client and closes it when the test ends.
func dial(t *testing.T, dir string) *Client {
	t.Helper()
	c, err := Dial(context.Background(), dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// rawConn is a connection speaking frames directly, for sending what the
// client library never would.
type rawConn struct {
	t *testing.T
	c net.Conn
	r *ipc.Reader
	w *ipc.Writer
}

func dialRaw(t *testing.T, srv *Server) *rawConn {
	t.Helper()
	c, err := net.Dial("unix", srv.Path())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &rawConn{t: t, c: c, r: ipc.NewReader(c, ipc.WithFraming(ipc.Newt)), w: ipc.NewWriter(c, ipc.Newt)}
}

// send writes a noun in a frame.
func (rc *rawConn) send(s string) {
	rc.t.Helper()
	require.NoError(rc.t, rc.w.WriteNoun(parse(rc.t, s)))
}

// recv reads one response, failing after a deadline.
func (rc *rawConn) recv() noun.Noun {
	rc.t.Helper()
	require.NoError(rc.t, rc.c.SetReadDeadline(time.Now().Add(30*time.Second)))
	n, err := rc.r.ReadNoun()
	require.NoError(rc.t, err)
	return n
}

// requireClosed checks the server has closed the connection.
func (rc *rawConn) requireClosed() {
	rc.t.Helper()
	require.NoError(rc.t, rc.c.SetReadDeadline(time.Now().Add(30*time.Second)))
	_, err := rc.r.ReadNoun()
	require.Error(rc.t, err)
	var ne net.Error
	require.False(rc.t, errors.As(err, &ne) && ne.Timeout(), "the connection is still open")
}

// parse parses noun text, with two shorthands noun.Parse lacks: a path
// /a/b (a list of cords; / alone is ~) and a tape "ab" (a list of bytes).
func parse(t testing.TB, s string) noun.Noun {
	t.Helper()
	n, err := noun.Parse(expandShorthands(s))
	require.NoError(t, err, "parse %q", s)
	return n
}

// requireNoun compares a noun with its expected text.
func requireNoun(t testing.TB, want string, got noun.Noun) {
	t.Helper()
	w := parse(t, want)
	require.True(t, noun.Equal(w, got), "want %s\n got %s", w, got)
}

// peekBail is a *king.PeekBailError with a %exit goof.
func peekBail() error {
	return &king.PeekBailError{Goof: ipc.Goof{Mote: "exit", Tang: noun.Zero}}
}

// expandShorthands rewrites paths and tapes (see parse) outside 'cords'.
func expandShorthands(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'':
			j := i + 1
			for j < len(s) && s[j] != '\'' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			sb.WriteString(s[i:min(j+1, len(s))])
			i = j + 1
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			text := s[i+1 : i+1+j]
			if text == "" {
				sb.WriteString("~")
			} else {
				sb.WriteString("~[")
				for k := 0; k < len(text); k++ {
					if k > 0 {
						sb.WriteByte(' ')
					}
					sb.WriteString(strconv.Itoa(int(text[k])))
				}
				sb.WriteString("]")
			}
			i += j + 2
		case c == '/' && (i == 0 || s[i-1] == ' ' || s[i-1] == '['):
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != ']' {
				j++
			}
			segs := strings.Split(strings.Trim(s[i:j], "/"), "/")
			if s[i:j] == "/" {
				sb.WriteString("~")
			} else {
				sb.WriteString("~[")
				for k, seg := range segs {
					if k > 0 {
						sb.WriteByte(' ')
					}
					sb.WriteString("'" + seg + "'")
				}
				sb.WriteString("]")
			}
			i = j
		default:
			sb.WriteByte(c)
			i++
		}
	}
	return sb.String()
}
