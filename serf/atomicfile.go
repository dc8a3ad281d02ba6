package serf

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tmpSuffix ends the name of every temporary file the serf writes; files
// with it are never loaded, and leftovers from a crash are removed before
// the next write in the same directory.
const tmpSuffix = ".tmp"

// writeAtomic writes the file at path so that, whatever moment the process
// or machine dies at, path holds either its old content or all of the new:
// the content goes to a temporary file in the same directory, which is
// fsynced, renamed over path, and the directory fsynced so the rename
// itself is durable. fill writes the content.
func writeAtomic(path string, fill func(w *bufio.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("serf: make directory: %w", err)
	}
	removeStaleTemps(dir, filepath.Base(path))
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*"+tmpSuffix)
	if err != nil {
		return fmt.Errorf("serf: create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fill(bw); err != nil {
		return fmt.Errorf("serf: write %s: %w", tmp, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("serf: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("serf: fsync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("serf: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("serf: rename %s: %w", tmp, err)
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	return nil
}

// syncDir fsyncs a directory, making renames in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("serf: open directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("serf: fsync directory %s: %w", dir, err)
	}
	return nil
}

// removeStaleTemps removes temporary files for base left in dir by a write
// that never finished. Failures are ignored: a leftover is harmless, as it
// is never read.
func removeStaleTemps(dir, base string) {
	matches, err := filepath.Glob(filepath.Join(dir, globQuote(base)+".*"+tmpSuffix))
	if err != nil {
		return
	}
	for _, m := range matches {
		_ = os.Remove(m)
	}
}

// globQuote escapes the glob metacharacters of s.
func globQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}
