package eventlog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// tempPrefix starts the names of the files (created mode 0600) that Create
// builds a new log in before linking it into place.
const tempPrefix = ".data.db.create-"

// Create makes a new, empty log in dir (creating directories as needed,
// private to the user because the log holds the ship's entropy) with
// identity id in META, and opens it. It fails with ErrExists if dir already
// holds a log.
//
// Creation is atomic: the file is built and synced under a temporary name,
// then hard-linked to data.db, which fails rather than replaces an existing
// log. A crash part-way leaves either no data.db or a complete one; the
// orphaned temporary file is removed by the next Create.
func Create(dir string, id Identity, opts Options) (*Log, error) {
	if opts.ReadOnly {
		return nil, fmt.Errorf("%w: cannot create a log read-only", ErrReadOnly)
	}
	if err := checkIdentity(id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("eventlog: create %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrExists, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("eventlog: create %s: %w", path, err)
	}
	removeStaleTemps(dir)
	tmp, err := buildTemp(dir, id, opts)
	if err != nil {
		return nil, err
	}
	err = os.Link(tmp, path)
	_ = os.Remove(tmp)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("%w: %s", ErrExists, path)
	case err != nil:
		return nil, fmt.Errorf("eventlog: create %s: %w", path, err)
	}
	if !opts.NoSync {
		if err := syncDir(dir); err != nil {
			return nil, err
		}
	}
	return openFile(dir, path, opts)
}

// buildTemp writes a complete new log under a temporary name in dir and
// returns that name. The temporary file is flocked from its creation, so
// removeStaleTemps in another Create never takes a file still being built.
func buildTemp(dir string, id Identity, opts Options) (string, error) {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", fmt.Errorf("eventlog: create in %s: %w", dir, err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		_ = os.Remove(name)
		return "", err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = f.Close()
		return fail(fmt.Errorf("eventlog: lock %s: %w", name, err))
	}
	// bbolt takes over f (and its lock) and closes it on Close.
	db, _, err := openBolt(name, Options{NoSync: opts.NoSync, LockTimeout: -1, maxSize: opts.maxSize},
		func(string, int, os.FileMode) (*os.File, error) { return f, nil })
	if err != nil {
		_ = f.Close()
		return fail(err)
	}
	err = guard("create", func() error {
		return db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			for k, v := range encodeMeta(id) {
				if err := meta.Put([]byte(k), v); err != nil {
					return err
				}
			}
			_, err = tx.CreateBucket(bucketEvents)
			return err
		})
	})
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fail(fmt.Errorf("eventlog: create %s: %w", name, err))
	}
	return name, nil
}

// removeStaleTemps removes temporary files left by a Create that crashed:
// those nobody holds a lock on. Failures are ignored; a leftover file is
// harmless.
func removeStaleTemps(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			_ = os.Remove(name)
		}
		_ = f.Close()
	}
}

// syncDir fsyncs a directory so that a new name in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("eventlog: sync %s: %w", dir, err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("eventlog: sync %s: %w", dir, err)
	}
	return nil
}
