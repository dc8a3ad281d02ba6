package eventlog

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"

	"github.com/kingserf/king/noun"
)

// Progress reports how far Verify or RepairTail has scanned.
type Progress struct {
	// Done is the number of entries scanned so far.
	Done uint64
	// Total is the last event number when the scan started (the number of
	// events, if the log has no gaps).
	Total uint64
}

// TailCut describes what RepairTail removed.
type TailCut struct {
	// Last is the last event kept: the end of the longest valid prefix.
	Last uint64
	// Removed is the number of entries cut; 0 when the log was sound.
	Removed int
	// From and To are the first and last event numbers cut (To is 0 when
	// only malformed keys were cut).
	From, To uint64
	// Cause is the first damage found (*GapError or *CorruptEventError),
	// nil when nothing was cut.
	Cause error
}

// Verify scans the whole log and returns the first problem: numbering that
// does not start at 1 or has a gap (*GapError), or a value shorter than its
// mug or whose jam does not cue, or a malformed key (*CorruptEventError).
// progress, if not nil, is called from Verify's goroutine after each chunk
// of events. Verify reads in short read-only transactions, so it may run
// while the log is being appended to; it checks the events present when
// each chunk is read.
func (l *Log) Verify(ctx context.Context, progress func(Progress)) error {
	res, err := l.scan(ctx, progress, true)
	if err != nil {
		return err
	}
	return res.problem
}

// RepairTail cuts a damaged tail back to the last complete event, using the
// rule in the package documentation: with P the longest valid prefix 1..P,
// if no valid event follows P, every entry after P is removed in one
// durable transaction and reported; otherwise nothing is changed and a
// *MiddleDamageError names the damage. A sound log is left alone and gives a
// TailCut with Removed == 0. RepairTail scans the whole log (cueing every
// event); progress is as for Verify. It fails with ErrChanged if the log
// was written during the scan; intake should not run during repair.
func (l *Log) RepairTail(ctx context.Context, progress func(Progress)) (TailCut, error) {
	l.mu.Lock()
	gen := l.gen
	l.mu.Unlock()
	res, err := l.scan(ctx, progress, false)
	if err != nil {
		return TailCut{}, err
	}
	if res.problem == nil {
		return TailCut{Last: res.goodPrefix}, nil
	}
	if res.goodAfter != 0 {
		return TailCut{}, &MiddleDamageError{Problem: res.problem, NextGood: res.goodAfter}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitIdleLocked(); err != nil {
		return TailCut{}, err
	}
	if l.gen != gen {
		return TailCut{}, ErrChanged
	}
	removed, err := l.truncateLocked(ctx, res.goodPrefix)
	if err != nil {
		return TailCut{}, err
	}
	cut := TailCut{Last: res.goodPrefix, Removed: removed, Cause: res.problem}
	if res.lastNum > res.goodPrefix {
		cut.From, cut.To = res.goodPrefix+1, res.lastNum
	}
	l.logger.Warn("cut damaged tail of the event log", zap.Uint64("kept_last", cut.Last),
		zap.Uint64("cut_from", cut.From), zap.Uint64("cut_to", cut.To), zap.Int("removed", removed),
		zap.Error(res.problem))
	return cut, nil
}

// scanResult is what a full scan found.
type scanResult struct {
	// goodPrefix is P: events 1..P are present and valid.
	goodPrefix uint64
	// problem is the first damage, nil for a sound log.
	problem error
	// goodAfter is the first valid event number after problem, 0 if none.
	goodAfter uint64
	// lastNum is the largest well-formed event number seen.
	lastNum uint64
}

// scanner carries a scan's state across read transactions.
type scanner struct {
	res scanResult
	// prev is the last well-formed event number seen.
	prev uint64
	// done counts entries scanned.
	done uint64
	// stopAtFirst ends the scan at the first problem (Verify).
	stopAtFirst bool
}

// scan walks every EVENTS entry in chunks of short read transactions,
// classifying each entry.
func (l *Log) scan(ctx context.Context, progress func(Progress), stopAtFirst bool) (scanResult, error) {
	l.mu.Lock()
	closed, total := l.closed, l.last
	l.mu.Unlock()
	if closed {
		return scanResult{}, ErrClosed
	}
	s := &scanner{stopAtFirst: stopAtFirst}
	var resume []byte // the last raw key scanned; nil before the first chunk
	for {
		if err := ctx.Err(); err != nil {
			return scanResult{}, fmt.Errorf("eventlog: scan stopped at entry %d: %w", s.done, err)
		}
		more := false
		err := guard("scan", func() error {
			return l.view(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketEvents)
				if b == nil {
					return &MetaError{Msg: "no EVENTS bucket"}
				}
				var k, v []byte
				c := b.Cursor()
				if resume == nil {
					k, v = c.First()
				} else if k, v = c.Seek(resume); bytes.Equal(k, resume) {
					k, v = c.Next()
				}
				for n := 0; k != nil; k, v = c.Next() {
					if n == chunkEvents {
						more = true
						return nil
					}
					n++
					resume = append(resume[:0], k...)
					if s.visit(k, v) {
						return nil
					}
				}
				return nil
			})
		})
		if err != nil {
			return scanResult{}, wrapReadErr(err)
		}
		if progress != nil {
			progress(Progress{Done: s.done, Total: total})
		}
		if !more || (stopAtFirst && s.res.problem != nil) {
			return s.res, nil
		}
	}
}

// visit classifies one entry; it returns true when the scan should stop.
func (s *scanner) visit(k, v []byte) bool {
	s.done++
	want := s.prev + 1
	n, ok := parseKey(k)
	if !ok {
		s.damage(&CorruptEventError{Num: want, Err: fmt.Errorf("%w: %x", ErrBadKey, k)})
		return s.stopAtFirst
	}
	s.prev, s.res.lastNum = n, n
	if n != want {
		s.damage(&GapError{After: want - 1, Next: n})
		if s.stopAtFirst {
			return true
		}
	}
	if err := checkValue(v); err != nil {
		s.damage(&CorruptEventError{Num: n, Err: err})
		return s.stopAtFirst
	}
	switch {
	case s.res.problem == nil:
		s.res.goodPrefix = n
	case s.res.goodAfter == 0:
		s.res.goodAfter = n
	}
	return false
}

// damage records a problem; only the first is kept.
func (s *scanner) damage(err error) {
	if s.res.problem == nil {
		s.res.problem = err
	}
}

// checkValue reports whether a stored value holds a mug and a jam that
// cues.
func checkValue(v []byte) error {
	_, jam, err := splitValue(v)
	if err != nil {
		return err
	}
	if _, err := noun.Cue(jam); err != nil {
		return err
	}
	return nil
}
