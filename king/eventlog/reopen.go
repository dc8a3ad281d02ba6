package eventlog

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// Why the committer reopens the bbolt handle
//
// bbolt's freelist remembers, for every page it hands out from the free
// list, which transaction took it (freelist.allocs), and forgets the entry
// only when that page is freed again. An append-only log fills a leaf page
// and never rewrites it, so every full leaf keeps its entry for as long as
// the handle is open: about 0.5 B of heap per logged event of the usual
// size, 0.5 MB per million events, for ever (heap profiles of
// BenchmarkPierMemory showed nothing else growing). No bbolt option avoids
// it (the hashmap freelist and NoFreelistSync keep the same map; a larger
// page only divides it), but a fresh handle starts with an empty map. So the
// committer closes and reopens the handle after every defaultReopenBytes of
// values, which caps that map at a few hundred entries.
//
// bbolt's Close unlocks the file, and another program (a read-only `king
// log show`) could take the lock in the gap before the new handle locks it
// again, and then hold up every commit. reopen never lets the lock go: flock
// locks belong to an open file description, so it keeps a duplicate of the
// locked descriptor, points bbolt's own descriptor at a fresh unlocked
// description of the same file before Close (whose unlock then has nothing
// to release), and hands the new handle another duplicate of the locked
// one, whose flock succeeds at once because the description already holds
// the lock.

// defaultReopenBytes is how many bytes of values the committer writes
// between reopens: 256 pages of 4 KiB, so the freelist's map holds at
// most a few hundred entries (about 10 KB) before it is dropped. A king's
// own heap is small (a running pier's live heap is about 0.3 MB), so the
// map's sawtooth must stay well under a tenth of it. A reopen costs
// 35-40 µs (BenchmarkReopen, a log of a million events: an mmap and the
// freelist page read); at ~60-byte counter events that is one reopen per
// ~17,000 events, under 0.003 µs per event.
const defaultReopenBytes = 1 << 20

// view runs fn in a read-only transaction on the current bbolt handle.
func (l *Log) view(fn func(*bolt.Tx) error) error {
	l.dbMu.RLock()
	defer l.dbMu.RUnlock()
	return l.db.View(fn)
}

// update runs fn in a write transaction on the current bbolt handle.
func (l *Log) update(fn func(*bolt.Tx) error) error {
	l.dbMu.RLock()
	defer l.dbMu.RUnlock()
	return l.db.Update(fn)
}

// reopenEvery is the number of value bytes written between reopens, or 0
// for never.
func (l *Log) reopenEvery() int {
	switch n := l.opts.reopenBytes; {
	case n < 0:
		return 0
	case n == 0:
		return defaultReopenBytes
	default:
		return n
	}
}

// committed counts n bytes of values just committed and reopens the handle
// when enough have been written since it was opened. It runs on the
// committer goroutine only, between commits. A reopen that fails before it
// touched the handle is logged and retried after the next commit; one that
// fails after breaks the log, because the handle may then be unusable.
func (l *Log) committed(n int) {
	every := l.reopenEvery()
	l.written += n
	if every == 0 || l.written < every {
		return
	}
	l.written = 0
	touched, err := l.reopen()
	if err == nil {
		return
	}
	if !touched {
		l.logger.Warn("event log: reopen skipped", zap.Error(err))
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.broken == nil {
		l.broken = fmt.Errorf("%w: %w", ErrBroken, err)
		l.logger.Error("event log reopen failed; log is broken", zap.Error(err))
	}
	l.cond.Broadcast()
}

// reopen closes the bbolt handle and opens a new one on the same file,
// holding the file's lock throughout (see the comment at the top of this
// file). No transaction runs meanwhile: it holds dbMu. touched reports
// whether the old handle was changed at all; when it is false, err is
// harmless and the old handle is still in use.
func (l *Log) reopen() (touched bool, err error) {
	l.dbMu.Lock()
	defer l.dbMu.Unlock()
	fd := int(l.file.Fd())
	// held keeps the locked description open (and locked) while no bbolt
	// handle has it.
	held, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("eventlog: reopen: duplicate descriptor: %w", err)
	}
	defer func() { _ = unix.Close(held) }()
	spare, err := unix.Open(l.path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("eventlog: reopen: %w", err)
	}
	err = unix.Dup3(spare, fd, unix.O_CLOEXEC)
	_ = unix.Close(spare)
	if err != nil {
		return false, fmt.Errorf("eventlog: reopen: replace descriptor: %w", err)
	}
	// bbolt's descriptor now refers to the unlocked description: its
	// Close releases nothing but that.
	if err := l.db.Close(); err != nil {
		return true, fmt.Errorf("eventlog: reopen: close: %w", err)
	}
	if l.opts.reopenHook != nil {
		l.opts.reopenHook()
	}
	opts := l.opts
	opts.LockTimeout = -1 // the lock is ours already: one try
	db, file, err := openBolt(l.path, opts, func(name string, _ int, _ os.FileMode) (*os.File, error) {
		fd, err := unix.FcntlInt(uintptr(held), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("duplicate descriptor: %w", err)
		}
		return os.NewFile(uintptr(fd), name), nil
	})
	if err != nil {
		return true, fmt.Errorf("eventlog: reopen: %w", err)
	}
	l.db, l.file = db, file
	return true, nil
}
