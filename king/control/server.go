package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// Defaults for zero Options fields.
const (
	// DefaultSocketMode is the control socket's file mode.
	DefaultSocketMode os.FileMode = 0o600
	// DefaultMaxFrameSize bounds one request or response frame.
	DefaultMaxFrameSize = 64 << 20
	// DefaultMaxConns bounds the connections served at once.
	DefaultMaxConns = 256
	// DefaultMaxInFlight bounds the requests of one connection being
	// served at once; past it the server stops reading that connection.
	DefaultMaxInFlight = 64
	// DefaultWriteTimeout is how long one response may take to write
	// before the connection is given up as not reading.
	DefaultWriteTimeout = 30 * time.Second
	// outQueue is how many responses may wait for a connection's writer.
	outQueue = 256
)

// ErrInUse is returned by Listen when a live server already answers on the
// socket.
var ErrInUse = errors.New("control: a server is already listening on the socket")

// Options configure a Server. Backend is required; every other zero field
// means its documented default.
type Options struct {
	// Backend serves the requests.
	Backend Backend
	// Logger receives the server's lines; nil means zap.NewNop().
	Logger *zap.Logger
	// Version is what /v answers; "" means "unknown".
	Version string
	// SocketMode is the socket file's mode; 0 means DefaultSocketMode.
	SocketMode os.FileMode
	// PeerCheck decides whether a connecting uid is served; nil means
	// CheckPeer against the king's own uid. Where PeerUID is not
	// available every peer is served (the file mode still guards).
	PeerCheck func(uid uint32) error
	// MaxFrameSize, MaxConns, MaxInFlight and WriteTimeout: 0 means
	// DefaultMaxFrameSize, DefaultMaxConns, DefaultMaxInFlight and
	// DefaultWriteTimeout.
	MaxFrameSize uint64
	MaxConns     int
	MaxInFlight  int
	WriteTimeout time.Duration
}

// Server is a control socket server. Its methods are safe for concurrent
// use.
//
// Invariant: every connection in conns has a goroutine in wg serving it;
// a dill subscriber is in conns.
type Server struct {
	opts   Options
	logger *zap.Logger
	path   string
	ln     *net.UnixListener
	ident  os.FileInfo // the socket file as created, to unlink only ours

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // connection goroutines and background commands

	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex
	closed  bool
	conns   map[*conn]struct{}
	subs    map[*conn]noun.Noun // dill subscribers → their request id
	nextID  uint64
	credLog sync.Once
}

// Listen creates the control socket of the pier in dir,
// <pier>/.urb/conn.sock, and returns the server; Serve serves it. The
// caller holds the pier (its lock), so a socket file left by a king that
// died is stale and is replaced; one that a live server answers on is
// ErrInUse.
func Listen(dir string, opts Options) (*Server, error) {
	if opts.Backend == nil {
		return nil, errors.New("control: Options.Backend is required")
	}
	opts = opts.withDefaults()
	path := SocketPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	var ln *net.UnixListener
	err := withSocketPath(path, func(name string) error {
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: name, Net: "unix"})
		if err != nil {
			return err
		}
		// The name may be a /proc/self/fd one, gone after this call: the
		// Server unlinks the real path itself, and only if it is still
		// the file it created.
		l.SetUnlinkOnClose(false)
		if err := os.Chmod(name, opts.SocketMode); err != nil {
			_ = l.Close()
			_ = os.Remove(path)
			return err
		}
		ln = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("control: listen on %s: %w", path, err)
	}
	ident, err := os.Stat(path)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("control: listen on %s: %w", path, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logger := opts.Logger.With(zap.String("socket", path))
	logger.Info("control socket listening")
	return &Server{opts: opts, logger: logger, path: path, ln: ln, ident: ident, ctx: ctx, cancel: cancel,
		conns: map[*conn]struct{}{}, subs: map[*conn]noun.Noun{}}, nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.Version == "" {
		o.Version = "unknown"
	}
	if o.SocketMode == 0 {
		o.SocketMode = DefaultSocketMode
	}
	if o.PeerCheck == nil {
		uid := uint32(os.Getuid())
		o.PeerCheck = func(peer uint32) error { return CheckPeer(peer, uid) }
	}
	if o.MaxFrameSize == 0 {
		o.MaxFrameSize = DefaultMaxFrameSize
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	return o
}

// removeStale removes a socket file no server answers on.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("control: %w", err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("control: %s exists and is not a socket; not touching it", path)
	}
	live := false
	_ = withSocketPath(path, func(name string) error {
		c, err := net.DialTimeout("unix", name, time.Second)
		if err == nil {
			live = true
			_ = c.Close()
		}
		return nil
	})
	if live {
		return fmt.Errorf("%w: %s", ErrInUse, path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("control: remove the stale socket: %w", err)
	}
	return nil
}

// Path returns the socket's path.
func (s *Server) Path() string { return s.path }

// Serve accepts and serves connections until Close is called (it then
// returns nil) or ctx ends (it closes the server and returns ctx's error).
func (s *Server) Serve(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = s.Close() })
	defer stop()
	delay := 5 * time.Millisecond
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if s.isClosed() {
				return ctx.Err()
			}
			// Out of descriptors and the like: back off and retry.
			s.logger.Warn("control: accept", zap.Error(err))
			select {
			case <-time.After(delay):
			case <-s.ctx.Done():
				return ctx.Err()
			}
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		s.admit(c)
	}
}

// Close stops accepting, closes every connection, waits for their
// goroutines and removes the socket file (if it is still the one this
// server created). Close is idempotent: later calls wait for the first
// to finish and return its result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Server) close() error {
	s.mu.Lock()
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	err := s.ln.Close()
	s.cancel()
	for _, c := range conns {
		c.abort()
	}
	s.wg.Wait()
	if fi, serr := os.Stat(s.path); serr == nil && os.SameFile(fi, s.ident) {
		if rerr := os.Remove(s.path); rerr != nil && err == nil {
			err = rerr
		}
	}
	s.logger.Info("control socket closed")
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("control: close: %w", err)
	}
	return nil
}

// Conns returns how many connections are being served.
func (s *Server) Conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// admit checks a new connection's peer and starts serving it.
func (s *Server) admit(uc *net.UnixConn) {
	uid, pid, err := PeerUID(uc)
	switch {
	case errors.Is(err, ErrNoPeerCred):
		s.credLog.Do(func() {
			s.logger.Warn("control: peer credentials unavailable here; the socket's file mode is the only guard")
		})
	case err != nil:
		s.logger.Warn("control: refusing a connection whose peer is unknown", zap.Error(err))
		_ = uc.Close()
		return
	default:
		if err := s.opts.PeerCheck(uid); err != nil {
			s.logger.Warn("control: refusing a connection", zap.Uint32("uid", uid), zap.Int32("pid", pid), zap.Error(err))
			_ = uc.Close()
			return
		}
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = uc.Close()
		return
	}
	if len(s.conns) >= s.opts.MaxConns {
		s.mu.Unlock()
		s.logger.Warn("control: too many connections, refusing one", zap.Int("max", s.opts.MaxConns))
		refuse(uc, &requestError{code: BailBusy, text: fmt.Sprintf("more than %d connections", s.opts.MaxConns)})
		return
	}
	s.nextID++
	c := newConn(s, uc, s.nextID)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	go c.serve()
}

// drop forgets a connection that has ended.
func (s *Server) drop(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	delete(s.subs, c)
}

// subscribe makes c a dill subscriber under request id rid; false if it
// already is one.
func (s *Server) subscribe(c *conn, rid noun.Noun) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[c]; ok {
		return false
	}
	if _, ok := s.conns[c]; !ok {
		return false
	}
	s.subs[c] = rid
	return true
}

// termSession is the terminal session whose blits the dill subscribers
// get (dill.Session; this package does not import dill).
const termSession = "1"

// HandleEffect relays [%blit blits] effects of terminal session 1 to the
// dill subscribers, as [rid %dill %blit blits]; it claims an effect when
// there is a subscriber. A subscriber that does not keep up is
// disconnected (BailSlow) rather than allowed to hold the pier up.
func (s *Server) HandleEffect(ef drivers.Effect) bool {
	if ef.Vane != "term" || ef.Tag != "blit" || !ef.OnSession(termSession) {
		return false
	}
	_, blits, _ := ef.Card.Uncell()
	return s.broadcast(func(rid noun.Noun) noun.Noun {
		return noun.T(rid, noun.Cord("dill"), noun.Cord("blit"), blits)
	})
}

// Slog relays a kernel %slog to the dill subscribers, as
// [rid %dill %slog pri tank].
func (s *Server) Slog(pri uint64, tank noun.Noun) {
	s.broadcast(func(rid noun.Noun) noun.Noun {
		return noun.T(rid, noun.Cord("dill"), noun.Cord("slog"), noun.Atom(pri), tank)
	})
}

// broadcast queues a message for every subscriber without waiting.
func (s *Server) broadcast(msg func(rid noun.Noun) noun.Noun) bool {
	s.mu.Lock()
	subs := make(map[*conn]noun.Noun, len(s.subs))
	for c, rid := range s.subs {
		subs[c] = rid
	}
	s.mu.Unlock()
	for c, rid := range subs {
		if !c.trySend(msg(rid)) {
			c.logger.Warn("control: a terminal client is not reading; disconnecting it")
			c.abort()
		}
	}
	return len(subs) > 0
}
