package dill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"go.uber.org/zap"
)

// DefaultOutputLimit is how many bytes of terminal output may wait for a
// terminal that is not reading before further output is dropped: about a
// hundred full screens.
const DefaultOutputLimit = 1 << 20

// DrainTimeout is how long the owner of a terminal waits, at close, for
// the terminal to take the output still queued for it (Terminal.Close):
// long enough for a slow link, short enough that a terminal that stopped
// reading does not hold up a shutdown.
const DrainTimeout = 2 * time.Second

// ErrOutputClosed is returned by a Write after Output.Close.
var ErrOutputClosed = errors.New("dill: terminal output closed")

// OutputOptions configure an Output.
type OutputOptions struct {
	// Limit is how many bytes may be queued; 0 means DefaultOutputLimit.
	// A write that would take the queue past it is dropped whole (one
	// write is one draw, so no escape sequence is ever cut), except a
	// write into an empty queue, which is always taken.
	Limit int
	// OnResume is called, from the goroutine that writes, once the
	// terminal has taken everything queued after some output was
	// dropped, with the number of bytes dropped. The terminal driver
	// uses it to print a notice and redraw the prompt line, which the
	// dropped output may have left out of date. Nil means a plain
	// notice line is written.
	OnResume func(dropped int64)
	// Logger receives the line about a failed write; nil means
	// zap.NewNop().
	Logger *zap.Logger
}

// Output queues writes to a terminal and writes them on a goroutine of
// its own, so that a terminal that stops reading (a suspended emulator, a
// stalled SSH connection) never holds up the caller: the pier releases
// effects on one goroutine, and a blocked %blit would otherwise stall
// every later event's release. Writes keep their order. The goroutine
// runs only while output is queued, so an idle Output holds none; Close
// waits for the queue to drain.
//
// After the terminal fails a write (it hung up), the failure is logged
// once and later output is discarded. Safe for concurrent use.
type Output struct {
	w      io.Writer
	limit  int
	resume func(int64)
	logger *zap.Logger

	mu      sync.Mutex
	buf     []byte        // queued, not yet handed to w
	spare   []byte        // the buffer w last wrote, for reuse
	dropped int64         // bytes dropped since the last resume
	total   int64         // bytes dropped in all
	err     error         // w's write error; output is discarded after it
	closed  bool          // Close has begun
	idle    chan struct{} // closed when the writing goroutine exits; nil while none runs
}

// NewOutput returns an Output writing to w.
func NewOutput(w io.Writer, opts OutputOptions) *Output {
	o := &Output{w: w, limit: opts.Limit, resume: opts.OnResume, logger: opts.Logger}
	if o.limit <= 0 {
		o.limit = DefaultOutputLimit
	}
	if o.logger == nil {
		o.logger = zap.NewNop()
	}
	return o
}

// Write queues p and returns at once. It fails only after Close.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.closed:
		return 0, ErrOutputClosed
	case o.err != nil || len(p) == 0:
		return len(p), nil
	case len(o.buf) > 0 && len(o.buf)+len(p) > o.limit:
		o.dropped += int64(len(p))
		o.total += int64(len(p))
		return len(p), nil
	}
	o.buf = append(o.buf, p...)
	if o.idle == nil {
		o.idle = make(chan struct{})
		go o.drain(o.idle)
	}
	return len(p), nil
}

// Dropped returns how many bytes have been dropped because the terminal
// was not reading.
func (o *Output) Dropped() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.total
}

// Flush waits until everything queued so far has been written, or ctx
// ends. The error is ctx's, or the terminal's write error.
func (o *Output) Flush(ctx context.Context) error {
	o.mu.Lock()
	idle := o.idle
	o.mu.Unlock()
	if idle != nil {
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// Close stops taking writes and waits for the queue to drain. If ctx ends
// first and the terminal has write deadlines (an *os.File does), the
// write in progress is cut short and the rest of the queue dropped, so
// the goroutine is gone when Close returns; a writer without deadlines
// is left to finish its write, and Close returns ctx's error. Idempotent.
func (o *Output) Close(ctx context.Context) error {
	o.mu.Lock()
	o.closed = true
	idle := o.idle
	o.mu.Unlock()
	if idle == nil {
		return nil
	}
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
	}
	dl, ok := o.w.(interface{ SetWriteDeadline(time.Time) error })
	if !ok || dl.SetWriteDeadline(time.Now()) != nil {
		return fmt.Errorf("dill: terminal output not drained: %w", ctx.Err())
	}
	<-idle
	return fmt.Errorf("dill: terminal output cut short: %w", ctx.Err())
}

// drain writes the queue until it is empty, then exits, closing idle.
func (o *Output) drain(idle chan struct{}) {
	for {
		o.mu.Lock()
		if len(o.buf) == 0 {
			n := o.dropped
			o.dropped = 0
			if n == 0 || o.err != nil || o.closed {
				o.idle = nil
				o.mu.Unlock()
				close(idle)
				return
			}
			o.mu.Unlock()
			// The terminal has caught up: say what it missed. The
			// notice is queued by this call and written next round.
			o.resumed(n)
			continue
		}
		b := o.buf
		o.buf = o.spare[:0]
		o.spare = nil
		o.mu.Unlock()

		_, err := o.w.Write(b)

		o.mu.Lock()
		if cap(b) <= 2*o.limit {
			o.spare = b[:0]
		}
		first := err != nil && o.err == nil
		if first {
			o.err = err
			o.buf, o.spare = nil, nil
		}
		closed := o.closed
		o.mu.Unlock()
		// Logged without the lock: the log may be drawn on this very
		// terminal (Terminal.LogWriter), whose writes now go nowhere.
		switch {
		case !first:
		case closed:
			o.logger.Debug("dill: terminal output cut short at close", zap.Error(err))
		default:
			o.logger.Warn("dill: the terminal failed a write; its output is discarded from now on", zap.Error(err))
		}
	}
}

// resumed reports n dropped bytes once the terminal reads again.
func (o *Output) resumed(n int64) {
	if o.resume != nil {
		o.resume(n)
		return
	}
	_, _ = o.Write([]byte(droppedNotice(n) + seqNewline))
}

// droppedNotice is the line telling the operator that output was lost.
func droppedNotice(n int64) string {
	return fmt.Sprintf("[dill: %d bytes of output were dropped while the terminal was not reading]", n)
}
