package eventlog

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// ctxCheckEvery is how many deletions Truncate makes between checks of its
// context.
const ctxCheckEvery = 1024

// Truncate removes every event numbered above after (and any malformed key
// sorting after them) in one durable transaction, and returns how many
// entries it removed. It first waits for queued appends to commit. It does
// not protect the boot formulas: Truncate(ctx, 0) empties the log. If ctx
// ends during the deletion, nothing is removed.
func (l *Log) Truncate(ctx context.Context, after uint64) (removed int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitIdleLocked(); err != nil {
		return 0, err
	}
	return l.truncateLocked(ctx, after)
}

// waitIdleLocked waits, with l.mu held, until no append is queued or being
// committed, and checks the log can still be written.
func (l *Log) waitIdleLocked() error {
	for {
		switch {
		case l.closed:
			return ErrClosed
		case l.readOnly:
			return ErrReadOnly
		case l.broken != nil:
			return l.broken
		case len(l.queue) == 0 && !l.committing:
			return nil
		}
		l.cond.Wait()
	}
}

// truncateLocked removes the entries after event after. l.mu is held and
// the committer is idle, so the transaction cannot race an append.
func (l *Log) truncateLocked(ctx context.Context, after uint64) (int, error) {
	removed := 0
	var last uint64
	var lastMug uint32
	var fnErr error
	err := guard("truncate", func() error {
		return l.update(func(tx *bolt.Tx) error {
			fnErr = deleteAfter(ctx, tx, after, &removed)
			if fnErr != nil {
				return fnErr
			}
			k, v := tx.Bucket(bucketEvents).Cursor().Last()
			if k != nil {
				last, _ = parseKey(k)
				lastMug, _, _ = splitValue(v)
			}
			return nil
		})
	})
	if err != nil {
		if err != fnErr {
			// The commit itself failed: the file's state is unknown.
			l.broken = fmt.Errorf("%w: truncate after event %d failed: %w", ErrBroken, after, err)
			l.logger.Error("event log truncate failed; log is broken", zap.Error(err))
			return 0, l.broken
		}
		return 0, fmt.Errorf("eventlog: truncate after event %d: %w", after, err)
	}
	if removed > 0 {
		l.last, l.lastMug, l.accepted = last, lastMug, last
		l.gen++
		l.logger.Info("event log truncated", zap.Uint64("after", after), zap.Int("removed", removed),
			zap.Uint64("last", last))
	}
	return removed, nil
}

// deleteAfter deletes, from the end, every entry whose key is not an event
// number of at most after.
func deleteAfter(ctx context.Context, tx *bolt.Tx, after uint64, removed *int) error {
	b := tx.Bucket(bucketEvents)
	if b == nil {
		return &MetaError{Msg: "no EVENTS bucket"}
	}
	c := b.Cursor()
	var prev []byte
	for k, _ := c.Last(); k != nil; k, _ = c.Last() {
		if prev != nil && bytes.Compare(k, prev) >= 0 {
			// On a damaged page bbolt can fail to find the key its
			// cursor just returned, and Delete silently does nothing:
			// stop rather than loop forever.
			return &CorruptFileError{Op: "truncate", Cause: fmt.Sprintf("key %x survived its deletion", k)}
		}
		if n, ok := parseKey(k); ok && n <= after {
			return nil
		}
		if *removed%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := c.Delete(); err != nil {
			return err
		}
		*removed++
		prev = append(prev[:0], k...)
	}
	return nil
}
