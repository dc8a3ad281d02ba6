package eventlog

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"go.uber.org/zap"
)

// DefaultLockTimeout is how long Create and Open wait for the file lock
// when Options.LockTimeout is zero.
const DefaultLockTimeout = time.Second

// Options configure Create and Open. The zero value is a durable,
// writable log that waits DefaultLockTimeout for its lock and logs nothing.
type Options struct {
	// ReadOnly opens the log for reading only, under a shared lock: any
	// number of read-only handles may coexist, but none with a writer.
	ReadOnly bool
	// LockTimeout bounds the wait for the file lock; past it Create and
	// Open fail with ErrLocked instead of hanging. Zero means
	// DefaultLockTimeout; a negative value tries the lock once.
	LockTimeout time.Duration
	// Logger receives lifecycle messages; nil means zap.NewNop().
	Logger *zap.Logger
	// NoSync skips every fsync. Appends are then not durable across a
	// machine crash; only for tests and for bulk imports that are redone
	// from scratch on failure.
	NoSync bool

	// maxSize limits the data file (bbolt's MaxSize); tests use it to
	// simulate a full disk.
	maxSize int
	// reopenBytes is how many bytes of values the committer writes
	// between reopens of the bbolt handle (see reopen.go); 0 means
	// defaultReopenBytes, negative never. Tests make it small.
	reopenBytes int
	// reopenHook, if not nil, runs during each reopen after the old
	// handle is closed and before the new one is opened: a test seam
	// that checks the file lock is still held there.
	reopenHook func()
}

// Log is an open event log. Its methods are safe for concurrent use.
type Log struct {
	dir, path string
	opts      Options
	id        Identity
	readOnly  bool
	logger    *zap.Logger

	// dbMu guards db and file against reopen, which swaps them: every
	// transaction holds it for reading (see view and update), reopen for
	// writing. Lock order: mu before dbMu (Truncate holds mu across its
	// transaction); nothing waits for mu while holding dbMu.
	dbMu sync.RWMutex
	db   *bolt.DB
	// file is the handle bbolt holds the data file (and its lock) by.
	file *os.File
	// written is the number of value bytes committed since the bbolt
	// handle was opened; only the committer goroutine touches it.
	written int

	// mu guards the fields below; cond (on mu) is broadcast whenever the
	// queue grows, a commit finishes, or the log closes.
	mu   sync.Mutex
	cond *sync.Cond
	// last and lastMug describe the last durable event.
	last    uint64
	lastMug uint32
	// accepted is the number of the last event accepted by Submit, durable
	// or queued. Invariant: accepted >= last, and the queue holds exactly
	// the events last+1..accepted in order, except while a commit is in
	// progress, when the committer holds the events from last+1 on.
	accepted uint64
	// gen counts successful writes (commits and truncations), so a scan
	// can tell whether the log changed under it.
	gen uint64
	// queue holds submitted requests not yet taken by the committer.
	queue []*Pending
	// committing is true while the committer writes a batch.
	committing bool
	// broken is the sticky error of the first failed commit.
	broken error
	closed bool
	// done is closed when the committer goroutine exits.
	done chan struct{}
}

// Open opens the log in dir. It fails with ErrNotFound when dir holds no
// log, ErrLocked when another handle holds it, *VersionError for a log of
// another version and *MetaError for a damaged META. Open reads only META
// and the last key; it does not scan the events, so recovery should run
// RepairTail (or Verify) before appending to a log of unknown health.
func Open(dir string, opts Options) (*Log, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s", ErrNotFound, dir)
		}
		return nil, fmt.Errorf("eventlog: open %s: %w", path, err)
	}
	return openFile(dir, path, opts)
}

// Dir returns the log directory.
func (l *Log) Dir() string { return l.dir }

// Path returns the path of the bbolt data file.
func (l *Log) Path() string { return l.path }

// Identity returns the identity stored in META.
func (l *Log) Identity() Identity { return l.id }

// Last returns the number and mug of the last durable event, or (0, 0) for
// an empty log. Queued events are not included.
func (l *Log) Last() (eve uint64, mug uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, l.lastMug
}

// Size returns the size in bytes of the data file.
func (l *Log) Size() (int64, error) {
	st, err := os.Stat(l.path)
	if err != nil {
		return 0, fmt.Errorf("eventlog: size of %s: %w", l.path, err)
	}
	return st.Size(), nil
}

// Close commits everything already submitted, stops the committer and
// closes the file. Later calls return ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	if l.done != nil {
		<-l.done
	}
	last, _ := l.Last()
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("eventlog: close %s: %w", l.path, err)
	}
	l.logger.Info("event log closed", zap.Uint64("last", last))
	return nil
}

// openFile opens an existing bbolt file and reads META and the last event.
func openFile(dir, path string, opts Options) (*Log, error) {
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logger.With(zap.String("log", path))
	db, file, err := openBolt(path, opts, nil)
	if err != nil {
		return nil, err
	}
	l := &Log{dir: dir, path: path, opts: opts, db: db, file: file, readOnly: opts.ReadOnly, logger: logger}
	l.cond = sync.NewCond(&l.mu)
	if err := l.load(); err != nil {
		_ = db.Close()
		return nil, err
	}
	l.accepted = l.last
	if !l.readOnly {
		l.done = make(chan struct{})
		go l.commitLoop()
	}
	logger.Info("event log opened", zap.Uint64("last", l.last), zap.Uint64("life", l.id.Life),
		zap.Bool("fake", l.id.Fake), zap.Bool("read_only", l.readOnly))
	return l, nil
}

// openBolt opens path with bbolt, mapping a lock timeout to ErrLocked and a
// panic on a damaged file to *CorruptFileError, and returns the handle and
// the file bbolt holds. open opens the file for bbolt; nil means
// os.OpenFile.
func openBolt(path string, opts Options, open func(string, int, os.FileMode) (*os.File, error)) (*bolt.DB, *os.File, error) {
	if open == nil {
		open = os.OpenFile
	}
	timeout := opts.LockTimeout
	switch {
	case timeout == 0:
		timeout = DefaultLockTimeout
	case timeout < 0:
		// bbolt waits forever on 0; one nanosecond means a single try.
		timeout = time.Nanosecond
	}
	var file *os.File
	bopts := &bolt.Options{
		Timeout:  timeout,
		ReadOnly: opts.ReadOnly,
		NoSync:   opts.NoSync,
		MaxSize:  opts.maxSize,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			f, err := open(name, flag, mode)
			file = f
			return f, err
		},
	}
	var db *bolt.DB
	err := guard("open", func() error {
		var err error
		db, err = bolt.Open(path, 0o600, bopts)
		return err
	})
	var corrupt *CorruptFileError
	switch {
	case err == nil:
		return db, file, nil
	case errors.As(err, &corrupt):
		// bbolt panicked before returning its handle: release the file
		// (and its lock) ourselves.
		if file != nil {
			_ = file.Close()
		}
		return nil, nil, err
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, timeout)
	}
	return nil, nil, fmt.Errorf("eventlog: open %s: %w", path, err)
}

// load reads the identity and the last event.
func (l *Log) load() error {
	return guard("load", func() error {
		return l.view(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				return &MetaError{Msg: "no META bucket"}
			}
			id, err := decodeMeta(func(key string) []byte { return metaGet(meta, key) })
			if err != nil {
				return err
			}
			l.id = id
			events := tx.Bucket(bucketEvents)
			if events == nil {
				return &MetaError{Msg: "no EVENTS bucket"}
			}
			c := events.Cursor()
			k, v := c.Last()
			n, ok := parseKey(k)
			for k != nil && !ok {
				// Leave malformed keys for Verify and RepairTail to report;
				// Last is the last event that has a number.
				l.logger.Warn("malformed event key at the end of the log", zap.Binary("key", k))
				k, v = c.Prev()
				n, ok = parseKey(k)
			}
			if k == nil {
				return nil
			}
			l.last = n
			if mug, _, err := splitValue(v); err == nil {
				l.lastMug = mug
			} else {
				// Leave the damage for Verify and RepairTail to report.
				l.logger.Warn("last event is corrupt", zap.Uint64("event", n), zap.Error(err))
			}
			return nil
		})
	})
}

// metaGet returns a META value, nil when the key is absent and an empty
// slice for a present empty value (the loobean yes).
func metaGet(b *bolt.Bucket, key string) []byte {
	k, v := b.Cursor().Seek([]byte(key))
	if !bytes.Equal(k, []byte(key)) || b.Bucket([]byte(key)) != nil {
		return nil
	}
	if v == nil {
		return []byte{}
	}
	return v
}
