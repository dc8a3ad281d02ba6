package pier

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// readOnlyLockTimeout is how long read-only tools wait for the log's
// shared lock before concluding that a king is running the pier.
const readOnlyLockTimeout = 500 * time.Millisecond

// InfoReport describes a pier at rest, read without starting a serf.
type InfoReport struct {
	// Who is the ship.
	Who noun.Noun
	// Fake is true for a fake ship.
	Fake bool
	// Life is the number of boot formulas at the start of the log.
	Life uint64
	// Events is the last event number in the log.
	Events uint64
	// LastMug is the mug the log recorded for the last event (0 unknown).
	LastMug uint32
	// HasSnapshot is true when the king's snapshot note exists.
	HasSnapshot bool
	// SnapshotEvent is the event of the last snapshot the king recorded
	// (see SnapshotNote); 0 with HasSnapshot false.
	SnapshotEvent uint64
	// SnapshotMug is the mug recorded with it.
	SnapshotMug uint32
	// LogBytes is the size of the event log file.
	LogBytes int64
	// SnapshotBytes is the total size of the files in .urb/chk.
	SnapshotBytes int64
}

// Info reads a pier's identity, event count, snapshot event and sizes.
// It only reads: it takes no pier lock and opens the log read-only. A pier
// that another king is running answers at once with a *LockedError
// (errors.Is(err, ErrLocked)) naming that king's pid, never hanging on
// the log's lock.
func Info(dir string) (InfoReport, error) {
	lg, err := openLogReadOnly(dir, nil)
	if err != nil {
		return InfoReport{}, err
	}
	defer lg.Close()
	id := lg.Identity()
	last, lastMug := lg.Last()
	rep := InfoReport{Who: id.Who, Fake: id.Fake, Life: id.Life, Events: last, LastMug: lastMug}
	if err := DiskInfo(dir, &rep); err != nil {
		return InfoReport{}, err
	}
	return rep, nil
}

// DiskInfo fills in the parts of rep that the pier's files give without
// opening its log: the snapshot note, the size of the snapshot files and
// the size of the log file. For a pier a king is running, whose log is
// locked, the rest comes from that king (its control socket).
func DiskInfo(dir string, rep *InfoReport) error {
	st, err := os.Stat(filepath.Join(Layout{Dir: dir}.Log(), eventlog.FileName))
	if err != nil {
		return fmt.Errorf("pier: event log of %s: %w", dir, err)
	}
	rep.LogBytes = st.Size()
	note, ok, err := ReadSnapshotNote(dir)
	if err != nil {
		return err
	}
	rep.HasSnapshot, rep.SnapshotEvent, rep.SnapshotMug = ok, note.Event, note.Mug
	if rep.SnapshotBytes, err = dirSize(Layout{Dir: dir}.Chk()); err != nil {
		return err
	}
	return nil
}

// openLogReadOnly opens a pier's log for reading under the log's shared
// lock, waiting at most readOnlyLockTimeout. A log held by a running king
// gives a *LockedError with the pid from the pier's lock file.
func openLogReadOnly(dir string, logger *zap.Logger) (*eventlog.Log, error) {
	if err := checkPier(dir); err != nil {
		return nil, err
	}
	lg, err := eventlog.Open(Layout{Dir: dir}.Log(), eventlog.Options{
		ReadOnly: true, LockTimeout: readOnlyLockTimeout, Logger: logger,
	})
	if errors.Is(err, eventlog.ErrLocked) {
		return nil, &LockedError{Pier: dir, Pid: ReadLockPid(dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("pier: open event log of %s: %w", dir, err)
	}
	return lg, nil
}

// checkPier returns a clear error for a directory that is not a pier.
func checkPier(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist", ErrNoPier, dir)
	}
	if err != nil {
		return fmt.Errorf("pier: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", ErrNoPier, dir)
	}
	logFile := filepath.Join(Layout{Dir: dir}.Log(), eventlog.FileName)
	if _, err := os.Stat(logFile); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s has no event log (%s)", ErrNoPier, dir, logFile)
	} else if err != nil {
		return fmt.Errorf("pier: %w", err)
	}
	return nil
}

// dirSize is the total size of the regular files under dir (0 if dir
// does not exist).
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("pier: size of %s: %w", dir, err)
	}
	return total, nil
}
