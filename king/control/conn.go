package control

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// conn is one client connection.
//
// Goroutines: serve (the reader), the writer, and one per waiting
// request (at most MaxInFlight, counted by slots). Everything ends when
// ctx does: at EOF or a read error, after a bail, when the client stops
// reading, or at Server.Close.
type conn struct {
	s      *Server
	c      *net.UnixConn
	logger *zap.Logger

	ctx    context.Context
	cancel context.CancelFunc
	out    chan outMsg
	slots  chan struct{}
	reqs   sync.WaitGroup // request goroutines
	once   sync.Once      // abort
	// framing is the client's, detected from its first whole frame (an
	// ipc.Framing; 0, ipc.Auto, until then): responses use it.
	framing atomic.Int32
}

// outMsg is a response for the writer; last closes the connection after
// it (a bail).
type outMsg struct {
	n    noun.Noun
	last bool
}

func newConn(s *Server, uc *net.UnixConn, id uint64) *conn {
	ctx, cancel := context.WithCancel(s.ctx)
	return &conn{s: s, c: uc, logger: s.logger.With(zap.Uint64("conn", id)), ctx: ctx, cancel: cancel,
		out: make(chan outMsg, outQueue), slots: make(chan struct{}, s.opts.MaxInFlight)}
}

// serve reads and dispatches requests, then tears the connection down.
func (c *conn) serve() {
	defer c.s.wg.Done()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		c.writer()
	}()
	bailed := c.reader()
	if bailed {
		// Let the writer send the bail (it closes the connection after
		// it, or gives up after WriteTimeout).
		select {
		case <-wrote:
		case <-c.ctx.Done():
		}
	}
	c.abort()
	c.reqs.Wait()
	<-wrote
	c.s.drop(c)
}

// abort ends the connection: its context, and the socket, so that reads
// and writes in progress return.
func (c *conn) abort() {
	c.once.Do(func() {
		c.cancel()
		_ = c.c.Close()
	})
}

// reader reads requests until the stream ends or is bad; it reports
// whether it queued a bail.
func (c *conn) reader() (bailed bool) {
	r := ipc.NewReader(c.c, ipc.WithFraming(ipc.Auto), ipc.WithMaxFrameSize(c.s.opts.MaxFrameSize))
	for {
		n, err := r.ReadNoun()
		var bad *ipc.BadNounError
		if err == nil || errors.As(err, &bad) {
			// A whole frame came: its framing is the client's. After a bad
			// header, garbage guessed as legacy, answers stay in newt.
			c.framing.Store(int32(r.Framing()))
		}
		if err != nil {
			switch {
			case errors.Is(err, io.EOF), c.ctx.Err() != nil, errors.Is(err, net.ErrClosed):
				return false
			case errors.As(err, &bad):
				c.bail(&requestError{code: BailCue, text: err.Error()})
			default:
				c.bail(&requestError{code: BailFrame, text: err.Error()})
			}
			return true
		}
		req, rerr := parseRequest(n)
		if rerr != nil {
			c.bail(rerr)
			return true
		}
		c.handle(req)
	}
}

// bail queues [0 %bail code text], after which the writer closes the
// connection.
func (c *conn) bail(e *requestError) {
	c.logger.Info("control: closing a connection after a malformed request", zap.Stringer("code", e.code),
		zap.String("text", e.text))
	select {
	case c.out <- outMsg{n: bailNoun(e), last: true}:
	case <-c.ctx.Done():
	}
}

// writer writes queued responses until the context ends or a bail has
// been written.
func (c *conn) writer() {
	var w *ipc.Writer
	for {
		select {
		case m := <-c.out:
			if w == nil || (w.Framing() != c.responseFraming()) {
				w = ipc.NewWriter(c.c, c.responseFraming())
			}
			_ = c.c.SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
			if err := w.WriteNoun(m.n); err != nil {
				c.logger.Debug("control: write", zap.Error(err))
				c.abort()
				return
			}
			if m.last {
				c.abort()
				return
			}
		case <-c.ctx.Done():
			return
		}
	}
}

// send queues a response, waiting for room.
func (c *conn) send(rid, data noun.Noun) {
	select {
	case c.out <- outMsg{n: noun.Cell(rid, data)}:
	case <-c.ctx.Done():
	}
}

// trySend queues a message without waiting; false if the queue is full.
func (c *conn) trySend(n noun.Noun) bool {
	if c.ctx.Err() != nil {
		return true
	}
	select {
	case c.out <- outMsg{n: n}:
		return true
	default:
		return false
	}
}

// spawn runs fn on its own goroutine, waiting first for a free slot (so a
// client sending faster than it is served is read more slowly).
func (c *conn) spawn(fn func(ctx context.Context)) {
	select {
	case c.slots <- struct{}{}:
	case <-c.ctx.Done():
		return
	}
	c.reqs.Add(1)
	go func() {
		defer c.reqs.Done()
		defer func() { <-c.slots }()
		fn(c.ctx)
	}()
}

// handle serves one well-formed request.
func (c *conn) handle(req request) {
	b := c.s.opts.Backend
	rid := req.rid
	switch req.tag {
	case tagPeek:
		sample, _ := peekSample(req.args)
		c.spawn(func(ctx context.Context) {
			res, err := b.Peek(ctx, sample)
			var pb *king.PeekBailError
			switch {
			case errors.As(err, &pb):
				c.send(rid, noun.Cell(noun.Cord("bail"), goofList([]ipc.Goof{pb.Goof})))
			case err != nil:
				c.send(rid, failData(err))
			default:
				c.send(rid, noun.Cell(noun.Cord("peek"), res))
			}
		})
	case tagPeel:
		path, _ := noun.FromPath(req.args)
		c.send(rid, c.peel(path))
	case tagOvum:
		ovum, _ := ovumOf(req.args)
		// Accepted here, in the reader, so one connection's events keep
		// their order; the wait for the commit is spawned.
		pend, err := b.Inject(c.ctx, ovum)
		if err != nil {
			c.send(rid, failData(err))
			return
		}
		c.spawn(func(ctx context.Context) {
			out, err := pend.Wait(ctx)
			if err != nil {
				c.send(rid, failData(err))
				return
			}
			c.send(rid, outcomeData(out))
		})
	case tagSave:
		c.spawn(func(ctx context.Context) {
			eve, err := b.Save(ctx)
			if err != nil {
				c.send(rid, failData(err))
				return
			}
			c.send(rid, noun.Cell(noun.Cord("save"), noun.Atom(eve)))
		})
	case tagPack, tagMeld:
		tag := req.tag
		c.spawn(func(ctx context.Context) {
			if err := c.liveCommand(ctx, tag); err != nil {
				c.send(rid, failData(err))
				return
			}
			c.send(rid, noun.Cell(noun.Cord(tag), noun.Zero))
		})
	case tagUrth:
		// As Urbit's conn.c: acknowledged at once, done in the background
		// (on the server's context: the client may go).
		tag, _ := noun.FromTerm(req.args)
		c.send(rid, noun.Zero)
		c.s.wg.Add(1)
		go func() {
			defer c.s.wg.Done()
			if err := c.liveCommand(c.s.ctx, tag); err != nil {
				c.logger.Warn("control: %urth command failed", zap.String("command", tag), zap.Error(err))
			}
		}()
	case tagIntr:
		if err := b.Interrupt(); err != nil {
			c.send(rid, failData(err))
			return
		}
		c.send(rid, noun.Cell(noun.Cord("intr"), noun.Zero))
	case tagExit:
		if err := b.Exit(); err != nil {
			c.send(rid, failData(err))
			return
		}
		c.logger.Info("control: shutdown requested over the socket")
		c.send(rid, noun.Cell(noun.Cord("exit"), noun.Zero))
	case tagDill:
		if !c.s.subscribe(c, rid) {
			c.send(rid, failData(errors.New("control: this connection already has the terminal")))
		}
	}
}

// liveCommand runs %pack or %meld.
func (c *conn) liveCommand(ctx context.Context, tag string) error {
	if tag == tagMeld {
		return c.s.opts.Backend.Meld(ctx)
	}
	return c.s.opts.Backend.Pack(ctx)
}

// outcomeData is the data of an %ovum response.
func outcomeData(o Outcome) noun.Noun {
	switch o.Kind {
	case Bail:
		return noun.Cell(noun.Cord("bail"), goofList(o.Goofs))
	case Swap:
		return noun.T(noun.Cord("swap"), noun.Atom(o.Eve), noun.Atom(uint64(o.Mug)))
	default:
		return noun.T(noun.Cord("done"), noun.Atom(o.Eve), noun.Atom(uint64(o.Mug)))
	}
}

// responseFraming is the client's framing once detected, newt (that of
// Urbit's conn.sock) before.
func (c *conn) responseFraming() ipc.Framing {
	if f := ipc.Framing(c.framing.Load()); f != ipc.Auto {
		return f
	}
	return ipc.Newt
}

// refuse answers a connection that will not be served with a bail, then
// closes it.
func refuse(uc *net.UnixConn, e *requestError) {
	_ = uc.SetWriteDeadline(time.Now().Add(time.Second))
	_ = ipc.NewWriter(uc, ipc.Newt).WriteNoun(bailNoun(e))
	_ = uc.Close()
}
