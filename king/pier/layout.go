package pier

import "path/filepath"

// Layout names the files and directories of a pier (GUIDE.md §5):
//
//	<pier>/.vere.lock          lock held while a king runs the pier (flock)
//	<pier>/.urb/log/           event log (package eventlog)
//	<pier>/.urb/chk/           serf snapshot (the serf's own format)
//	<pier>/.urb/chk/king.json  the king's note of the last snapshot it took
//	<pier>/.urb/roc/<eve>.jam  portable state from %cram
//	<pier>/.urb/put/ .urb/get/ files the kernel writes / reads
type Layout struct {
	// Dir is the pier directory.
	Dir string
}

// Lock returns the path of the lock file, <pier>/.vere.lock.
func (l Layout) Lock() string { return filepath.Join(l.Dir, ".vere.lock") }

// Urb returns the pier's private directory, <pier>/.urb.
func (l Layout) Urb() string { return filepath.Join(l.Dir, ".urb") }

// Log returns the event log directory, <pier>/.urb/log.
func (l Layout) Log() string { return filepath.Join(l.Dir, ".urb", "log") }

// Chk returns the serf snapshot directory, <pier>/.urb/chk.
func (l Layout) Chk() string { return filepath.Join(l.Dir, ".urb", "chk") }

// Roc returns the directory of %cram files, <pier>/.urb/roc.
func (l Layout) Roc() string { return filepath.Join(l.Dir, ".urb", "roc") }

// Put returns the directory of files the kernel writes, <pier>/.urb/put.
func (l Layout) Put() string { return filepath.Join(l.Dir, ".urb", "put") }

// Get returns the directory of files the kernel reads, <pier>/.urb/get.
func (l Layout) Get() string { return filepath.Join(l.Dir, ".urb", "get") }

// SnapshotNote returns the path of the king's snapshot note,
// <pier>/.urb/chk/king.json (see SnapshotNote).
func (l Layout) SnapshotNote() string { return filepath.Join(l.Chk(), snapshotNoteName) }
