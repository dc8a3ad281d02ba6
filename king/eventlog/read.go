package eventlog

import (
	"fmt"
	"iter"

	bolt "go.etcd.io/bbolt"
)

// Bounds of one read transaction: short transactions never hold up bbolt's
// remapping of a growing file (which waits for every open reader) for long.
const (
	chunkEvents = 4096
	chunkBytes  = 8 << 20
	// arenaBlock is the size of the blocks small values are copied into,
	// so a replay does not allocate once per event.
	arenaBlock = 64 << 10
)

// Read returns up to limit events starting at event from, read in one
// read-only transaction. It returns fewer at the end of the log, and none
// when from is past the end. The events are copies, safe to keep. A gap or
// a damaged value stops the read: the events before it are returned with a
// *GapError or *CorruptEventError.
func (l *Log) Read(from uint64, limit int) ([]Event, error) {
	if from == 0 || limit < 0 {
		return nil, fmt.Errorf("%w: read %d events from %d", ErrBadRange, limit, from)
	}
	return l.read(nil, from, 0, limit, chunkBytes)
}

// Events iterates over events from..to inclusive (to == 0: through the end
// of the log as it grows during the iteration), in read-only transactions
// of a few thousand events each, so replay never holds the write lock. It
// yields a non-nil error at most once, as its last pair: a bad range, a gap
// (*GapError), a damaged value (*CorruptEventError) or a read failure. The
// events are copies, safe to keep.
func (l *Log) Events(from, to uint64) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if from == 0 || (to != 0 && to < from) {
			yield(Event{}, fmt.Errorf("%w: events %d..%d", ErrBadRange, from, to))
			return
		}
		next := from
		// The slice is reused from chunk to chunk: its events are
		// yielded by value, and their Jam bytes are never reused.
		var evs []Event
		for to == 0 || next <= to {
			var err error
			evs, err = l.read(evs[:0], next, to, chunkEvents, chunkBytes)
			for _, e := range evs {
				if !yield(e, nil) {
					return
				}
			}
			if err != nil {
				yield(Event{}, err)
				return
			}
			if len(evs) == 0 {
				return
			}
			next = evs[len(evs)-1].Num + 1
		}
	}
}

// read appends to evs (whose length must be 0) the events from..to (to
// == 0: no upper bound), at most limit events and, past the first event,
// at most maxBytes of values.
func (l *Log) read(evs []Event, from, to uint64, limit, maxBytes int) ([]Event, error) {
	l.mu.Lock()
	closed := l.closed
	l.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	var arena []byte
	keep := func(b []byte) []byte {
		if len(b) > arenaBlock/4 {
			return append([]byte(nil), b...)
		}
		if cap(arena)-len(arena) < len(b) {
			arena = make([]byte, 0, arenaBlock)
		}
		start := len(arena)
		arena = append(arena, b...)
		return arena[start:len(arena):len(arena)]
	}
	var key [8]byte
	err := guard("read", func() error {
		return l.view(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketEvents)
			if b == nil {
				return &MetaError{Msg: "no EVENTS bucket"}
			}
			c := b.Cursor()
			bytes := 0
			want := from
			for k, v := c.Seek(eventKey(key[:], from)); k != nil; k, v = c.Next() {
				if len(evs) >= limit || (to != 0 && want > to) || (len(evs) > 0 && bytes >= maxBytes) {
					return nil
				}
				n, ok := parseKey(k)
				switch {
				case !ok:
					return &CorruptEventError{Num: want, Err: fmt.Errorf("%w: %x", ErrBadKey, k)}
				case n != want:
					return &GapError{After: want - 1, Next: n}
				}
				mug, jam, err := splitValue(v)
				if err != nil {
					return &CorruptEventError{Num: n, Err: err}
				}
				evs = append(evs, Event{Num: n, Mug: mug, Jam: keep(jam)})
				bytes += len(v)
				want++
			}
			return nil
		})
	})
	if err != nil {
		return evs, wrapReadErr(err)
	}
	return evs, nil
}

// wrapReadErr adds context to errors from bbolt itself; this package's
// typed errors are returned as they are.
func wrapReadErr(err error) error {
	switch err.(type) {
	case *GapError, *CorruptEventError, *CorruptFileError, *MetaError:
		return err
	}
	return fmt.Errorf("eventlog: read: %w", err)
}
