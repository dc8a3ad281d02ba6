package pier

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// snapshotNoteName is the note's file name inside .urb/chk.
const snapshotNoteName = "king.json"

// maxNoteSize bounds how much of a note file is read: a note is tens of
// bytes, so anything larger is not ours.
const maxNoteSize = 4096

// SnapshotNote is the king's record of the last snapshot it had the serf
// take, kept in <pier>/.urb/chk/king.json.
//
// The serf's snapshot format is the serf's own business (the king works
// with any serf binary), so the king does not read it; instead it writes
// this note after every snapshot the serf confirmed. The note lives inside
// the snapshot directory so that it travels with the snapshot when a bad
// one is moved aside or one is copied for a replay. If the king dies
// between the serf's snapshot and the note, the note is older than the
// snapshot: Event is a lower bound of the snapshot's event.
type SnapshotNote struct {
	// Event is the serf's last event when it took the snapshot.
	Event uint64 `json:"event"`
	// Mug is the mug of the kernel after Event.
	Mug uint32 `json:"mug"`
	// Time is when the snapshot was confirmed.
	Time time.Time `json:"time"`
}

// ReadSnapshotNote reads the note of the pier in dir. ok is false when
// there is none.
func ReadSnapshotNote(dir string) (note SnapshotNote, ok bool, err error) {
	path := Layout{Dir: dir}.SnapshotNote()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return SnapshotNote{}, false, nil
	}
	if err != nil {
		return SnapshotNote{}, false, fmt.Errorf("pier: read snapshot note: %w", err)
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, maxNoteSize+1))
	if err != nil {
		return SnapshotNote{}, false, fmt.Errorf("pier: read snapshot note %s: %w", path, err)
	}
	if len(buf) > maxNoteSize {
		return SnapshotNote{}, false, fmt.Errorf("pier: snapshot note %s is over %d bytes", path, maxNoteSize)
	}
	if err := json.Unmarshal(buf, &note); err != nil {
		return SnapshotNote{}, false, fmt.Errorf("pier: snapshot note %s: %w", path, err)
	}
	return note, true, nil
}

// writeSnapshotNote replaces the note atomically: temporary file, fsync,
// rename, directory fsync.
func writeSnapshotNote(dir string, note SnapshotNote) error {
	lay := Layout{Dir: dir}
	if err := os.MkdirAll(lay.Chk(), 0o700); err != nil {
		return fmt.Errorf("pier: write snapshot note: %w", err)
	}
	body, err := json.Marshal(note)
	if err != nil {
		return fmt.Errorf("pier: write snapshot note: %w", err)
	}
	return writeFileAtomic(lay.SnapshotNote(), append(body, '\n'))
}

// writeFileAtomic writes path through a synced temporary file and a
// rename, then syncs the directory, so path holds either its old content
// or all of the new.
func writeFileAtomic(path string, body []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("pier: write %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("pier: write %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory, making renames in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("pier: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("pier: sync %s: %w", dir, err)
	}
	return nil
}
