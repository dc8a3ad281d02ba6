package eventlog

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// Pending is a submitted append whose commit may not have happened yet.
type Pending struct {
	events []Event
	done   chan struct{}
	// err is written once by the committer before done is closed.
	err error
}

// Done returns a channel closed when the append has been committed or has
// failed; Err then tells which.
func (p *Pending) Done() <-chan struct{} { return p.done }

// Err returns the outcome once Done is closed: nil means every event of
// the append is durable. Before that it returns nil too; use Wait.
func (p *Pending) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

// Wait blocks until the append is committed or failed and returns its
// outcome. If ctx ends first, Wait returns an error wrapping ctx.Err(); the
// events stay queued and may still become durable, so the caller must
// treat their fate as unknown until Last or a reopen says otherwise.
func (p *Pending) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("eventlog: stopped waiting for commit, events may still be committed: %w", ctx.Err())
	}
}

// Append writes events durably: it returns nil only once all of them are
// committed and fsynced. events must continue the log exactly — the first
// number follows the last event accepted so far (committed or queued), and
// the rest follow each other — or Append fails with *OrderError and queues
// nothing. Concurrent appends are merged into shared commits. The caller
// must not modify the events' Jam bytes until Append returns.
func (l *Log) Append(ctx context.Context, events []Event) error {
	p, err := l.Submit(ctx, events)
	if err != nil {
		return err
	}
	return p.Wait(ctx)
}

// Submit queues events for the next group commit and returns at once. It
// checks events exactly as Append does; the returned Pending reports when
// they are durable. Queue order is call order, so a caller that numbers
// events and submits them under one lock keeps them in order without
// waiting for each commit. The caller must not modify the events' Jam
// bytes until the Pending is done.
//
// The queue is not bounded: the caller bounds it (a pier has at most its
// in-flight events outstanding).
func (l *Log) Submit(ctx context.Context, events []Event) (*Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("eventlog: append: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		return nil, ErrClosed
	case l.readOnly:
		return nil, ErrReadOnly
	case l.broken != nil:
		return nil, l.broken
	}
	for i, e := range events {
		if want := l.accepted + 1 + uint64(i); e.Num != want {
			return nil, &OrderError{Index: i, Want: want, Got: e.Num}
		}
		if err := checkEvent(e); err != nil {
			return nil, err
		}
	}
	p := &Pending{events: events, done: make(chan struct{})}
	if len(events) == 0 {
		close(p.done)
		return p, nil
	}
	l.accepted += uint64(len(events))
	l.queue = append(l.queue, p)
	l.cond.Broadcast()
	return p, nil
}

// commitLoop is the committer goroutine: it takes everything queued, writes
// it in one transaction, and reports the outcome to each request. It exits
// once the log is closed and the queue is drained.
func (l *Log) commitLoop() {
	defer close(l.done)
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.closed {
			l.cond.Wait()
		}
		if len(l.queue) == 0 {
			l.mu.Unlock()
			return
		}
		batch := l.queue
		l.queue = nil
		l.committing = true
		err := l.broken
		l.mu.Unlock()

		written := 0
		if err == nil {
			written, err = l.write(batch)
		}

		l.mu.Lock()
		l.committing = false
		if err == nil {
			final := lastEvent(batch)
			l.last, l.lastMug = final.Num, final.Mug
			l.gen++
		} else if l.broken == nil {
			first, final := batch[0].events[0].Num, lastEvent(batch).Num
			err = fmt.Errorf("%w: commit of events %d..%d failed: %w", ErrBroken, first, final, err)
			l.broken = err
			l.logger.Error("event log commit failed; log is broken", zap.Uint64("first", first),
				zap.Uint64("last", final), zap.Error(err))
		}
		l.cond.Broadcast()
		l.mu.Unlock()

		for _, p := range batch {
			p.err = err
			close(p.done)
		}
		if err == nil {
			l.committed(written)
		}
	}
}

// write stores every event of batch in one bbolt write transaction, which
// bbolt fsyncs on commit, and returns the number of value bytes written.
func (l *Log) write(batch []*Pending) (int, error) {
	size := 0
	for _, p := range batch {
		for _, e := range p.events {
			size += mugSize + len(e.Jam)
		}
	}
	// One buffer for every value: bbolt keeps references to values until
	// the transaction commits.
	buf := make([]byte, 0, size)
	return size, guard("commit", func() error {
		return l.update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketEvents)
			if b == nil {
				return &MetaError{Msg: "no EVENTS bucket"}
			}
			b.FillPercent = 1.0
			var key [8]byte
			for _, p := range batch {
				for _, e := range p.events {
					start := len(buf)
					buf = appendValue(buf, e)
					if err := b.Put(eventKey(key[:], e.Num), buf[start:len(buf):len(buf)]); err != nil {
						return fmt.Errorf("put event %d: %w", e.Num, err)
					}
				}
			}
			return nil
		})
	})
}

// appendValue appends the stored form of e: little-endian mug, then jam.
func appendValue(dst []byte, e Event) []byte {
	dst = append(dst, byte(e.Mug), byte(e.Mug>>8), byte(e.Mug>>16), byte(e.Mug>>24))
	return append(dst, e.Jam...)
}

// lastEvent returns the final event of a non-empty batch.
func lastEvent(batch []*Pending) Event {
	evs := batch[len(batch)-1].events
	return evs[len(evs)-1]
}
