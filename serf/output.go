package serf

import (
	"io"
	"sync"
	"time"
)

// The serf's pleas are whole frames (ipc.Writer never splits one), but
// several may leave in one write: a king that pipelines %work sends writs
// faster than one system call per reply can answer them, and on this
// kind of pipe a write costs as much as a small event. So pleas are queued
// and the queue is written out
//
//   - before the serf would wait for input (flushingReader), so a king that
//     sends one writ and waits gets its reply at once;
//   - within maxPleaDelay of the start of a computation that begins with
//     pleas queued (a timer, armed only then: a king that waits for each
//     reply never costs the serf a timer), so a reply is never held back by
//     a long computation that follows it;
//   - at once for a %slog, which a king shows while the computation runs;
//   - once the queue is as long as the input still buffered (serf.send):
//     a king with N writs in flight gets the first half of their replies
//     while the serf computes the second, and refills its pipeline in the
//     meantime, instead of king and serf taking turns;
//   - when the queue reaches maxPleaBatch bytes, and when Run ends.
const (
	maxPleaDelay = time.Millisecond
	maxPleaBatch = 64 << 10
)

// pleaQueue is the io.Writer the serf's ipc.Writer writes frames to.
//
// Invariants: buf holds whole frames not yet written to out, in order; the
// timer is armed only while buf is non-empty and err is nil (armed says
// so); once a write to out fails, err is set, buf is dropped and every
// later call returns err.
type pleaQueue struct {
	mu    sync.Mutex
	out   io.Writer
	buf   []byte
	err   error
	timer *time.Timer
	armed bool
}

func newPleaQueue(out io.Writer) *pleaQueue {
	q := &pleaQueue{out: out}
	q.timer = time.AfterFunc(time.Hour, func() { _ = q.Flush() })
	q.timer.Stop()
	return q
}

// Write queues one frame. A frame too big to be worth copying is written
// straight after the queue.
func (q *pleaQueue) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.err != nil {
		return 0, q.err
	}
	if len(q.buf)+len(p) > maxPleaBatch {
		if err := q.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > maxPleaBatch {
			return q.writeLocked(p)
		}
	}
	q.buf = append(q.buf, p...)
	return len(p), nil
}

// Len returns the number of bytes queued.
func (q *pleaQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf)
}

// ArmIfPending starts the timer that bounds how long queued pleas wait,
// if any are queued and it is not running: the serf calls it as it begins
// a computation.
func (q *pleaQueue) ArmIfPending() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.buf) > 0 && q.err == nil && !q.armed {
		q.armed = true
		q.timer.Reset(maxPleaDelay)
	}
}

// Flush writes the queued frames, in one write.
func (q *pleaQueue) Flush() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.flushLocked()
}

func (q *pleaQueue) flushLocked() error {
	if q.err != nil || len(q.buf) == 0 {
		return q.err
	}
	q.stopTimer()
	_, err := q.writeLocked(q.buf)
	if cap(q.buf) > 4*maxPleaBatch {
		q.buf = nil
	} else {
		q.buf = q.buf[:0]
	}
	return err
}

// writeLocked writes p to out; a failure is sticky.
func (q *pleaQueue) writeLocked(p []byte) (int, error) {
	n, err := q.out.Write(p)
	if err == nil && n != len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		q.err = err
		q.buf = nil
		q.stopTimer()
	}
	return n, err
}

// stopTimer stops the timer if it is armed.
func (q *pleaQueue) stopTimer() {
	if q.armed {
		q.armed = false
		q.timer.Stop()
	}
}

// Close writes what is queued and stops the timer; the queue must not be
// written to afterwards.
func (q *pleaQueue) Close() error {
	err := q.Flush()
	q.mu.Lock()
	q.stopTimer()
	q.mu.Unlock()
	return err
}

// flushingReader flushes the plea queue before every read of the king's
// input: the serf's reader reads only when it has no whole writ buffered,
// that is, when it might block, and a serf waiting for its next writ with
// the last reply still queued would wait forever.
type flushingReader struct {
	in io.Reader
	q  *pleaQueue
}

func (r flushingReader) Read(p []byte) (int, error) {
	if err := r.q.Flush(); err != nil {
		return 0, flushError{err}
	}
	return r.in.Read(p)
}

// flushError is a failure to write queued pleas met while reading, so
// that it is reported as the write error it is.
type flushError struct{ err error }

func (e flushError) Error() string { return "write pleas: " + e.err.Error() }
func (e flushError) Unwrap() error { return e.err }
