package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Client errors.
var (
	// ErrNotRunning is returned by Dial when no king serves the pier's
	// control socket: there is no socket, or nothing accepts on it.
	ErrNotRunning = errors.New("control: the pier is not running (no king answers on its control socket)")
	// ErrClosed is returned for requests on a closed client, and for
	// requests in progress when the connection is lost.
	ErrClosed = errors.New("control: connection closed")
)

// BailError is a [0 %bail code text]: the server closed the connection
// because of a malformed request.
type BailError struct {
	Code BailCode
	Text string
}

func (e *BailError) Error() string {
	return fmt.Sprintf("control: the server closed the connection: %s (code %d)", e.Text, uint64(e.Code))
}

// FailError is a well-formed request the pier could not serve.
type FailError struct{ Text string }

func (e *FailError) Error() string { return "control: request failed: " + e.Text }

// CrashError is an event that bailed, or a peek that crashed in the
// kernel: the goofs are its crash reports.
type CrashError struct{ Goofs []ipc.Goof }

func (e *CrashError) Error() string {
	if len(e.Goofs) == 0 {
		return "control: crashed"
	}
	return "control: crashed: " + e.Goofs[0].String()
}

// Client is a connection to a king's control socket. Its methods are safe
// for concurrent use: requests are multiplexed on the one connection.
type Client struct {
	c net.Conn

	wmu sync.Mutex // the writer
	w   *ipc.Writer

	mu      sync.Mutex
	next    uint64
	pending map[uint64]chan noun.Noun // request id → its response data
	stream  chan DillMessage          // dill messages, nil if not subscribed
	err     error                     // why the connection ended
	done    chan struct{}             // closed when the reader has ended
	quit    chan struct{}             // closed by Close
	once    sync.Once
}

// Dial connects to the control socket of the pier in dir. A pier no king
// runs is ErrNotRunning.
func Dial(ctx context.Context, dir string) (*Client, error) {
	return DialSocket(ctx, SocketPath(dir))
}

// DialSocket connects to the control socket at path.
func DialSocket(ctx context.Context, path string) (*Client, error) {
	var c net.Conn
	err := withSocketPath(path, func(name string) error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, "unix", name)
		return err
	})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
			return nil, fmt.Errorf("%w: %s", ErrNotRunning, path)
		}
		return nil, fmt.Errorf("control: connect to %s: %w", path, err)
	}
	cl := &Client{c: c, w: ipc.NewWriter(c, ipc.Newt), pending: map[uint64]chan noun.Noun{},
		done: make(chan struct{}), quit: make(chan struct{})}
	go cl.read()
	return cl, nil
}

// Close closes the connection; requests in progress fail with ErrClosed.
func (c *Client) Close() error {
	c.once.Do(func() { close(c.quit) })
	err := c.c.Close()
	<-c.done
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Done returns a channel closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended (nil while it is up, ErrClosed
// after Close, a *BailError if the server refused a request).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// read dispatches responses to their requests until the connection ends.
func (c *Client) read() {
	defer close(c.done)
	r := ipc.NewReader(c.c, ipc.WithFraming(ipc.Newt), ipc.WithMaxFrameSize(DefaultMaxFrameSize))
	var end error
	for end == nil {
		n, err := r.ReadNoun()
		if err != nil {
			end = ErrClosed
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				end = fmt.Errorf("%w: %w", ErrClosed, err)
			}
			break
		}
		end = c.dispatch(n)
	}
	c.mu.Lock()
	c.err = end
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	if c.stream != nil {
		close(c.stream)
	}
	c.mu.Unlock()
	_ = c.c.Close()
}

// dispatch hands one response to its request; a bail ends the connection.
func (c *Client) dispatch(n noun.Noun) error {
	ridN, data, ok := n.Uncell()
	rid, small := ridN.Word()
	if !ok || !ridN.IsAtom() || !small {
		return fmt.Errorf("%w: malformed response %s", ErrClosed, clip(n))
	}
	if rid == 0 {
		if tag, rest, err := noun.Tagged(data); err == nil && tag == "bail" {
			code, text, _ := rest.Uncell()
			cv, _ := code.Word()
			return &BailError{Code: BailCode(cv), Text: string(text.Bytes())}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.pending[rid]; ok {
		delete(c.pending, rid)
		ch <- data
		return nil
	}
	if tag, rest, err := noun.Tagged(data); err == nil && tag == "dill" && c.stream != nil {
		if m, ok := dillMessage(rest); ok {
			// The reader waits for a slow consumer: the server then sees
			// a client that does not read, and drops it.
			stream := c.stream
			c.mu.Unlock()
			select {
			case stream <- m:
			case <-c.quit:
			}
			c.mu.Lock()
		}
	}
	// A response to a request the caller gave up on is dropped.
	return nil
}

// Go sends [rid tag args] and returns a channel that receives the
// response data, or is closed if the connection ends first.
func (c *Client) Go(ctx context.Context, tag string, args noun.Noun) (<-chan noun.Noun, error) {
	ch := make(chan noun.Noun, 1)
	if _, err := c.send(ctx, tag, args, ch); err != nil {
		return nil, err
	}
	return ch, nil
}

// send sends [rid tag args] with a fresh rid; ch, if not nil, is to get
// the response.
func (c *Client) send(ctx context.Context, tag string, args noun.Noun, ch chan noun.Noun) (uint64, error) {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return 0, err
	}
	c.next++
	rid := c.next
	if ch != nil {
		c.pending[rid] = ch
	}
	c.mu.Unlock()
	if err := c.write(ctx, noun.T(noun.Atom(rid), noun.Cord(tag), args)); err != nil {
		c.forget(rid)
		return 0, err
	}
	return rid, nil
}

// Request sends [rid tag args] and waits for the response data.
func (c *Client) Request(ctx context.Context, tag string, args noun.Noun) (noun.Noun, error) {
	ch, err := c.Go(ctx, tag, args)
	if err != nil {
		return noun.Zero, err
	}
	select {
	case data, ok := <-ch:
		if !ok {
			return noun.Zero, c.endErr()
		}
		return data, nil
	case <-ctx.Done():
		return noun.Zero, ctx.Err()
	}
}

// write sends one request frame.
func (c *Client) write(ctx context.Context, n noun.Noun) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.c.SetWriteDeadline(dl)
		defer func() { _ = c.c.SetWriteDeadline(time.Time{}) }()
	}
	if err := c.w.WriteNoun(n); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return nil
}

// forget drops a pending request.
func (c *Client) forget(rid uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, rid)
}

// endErr is the error for a request cut by the connection's end.
func (c *Client) endErr() error {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return ErrClosed
	}
	return c.err
}
