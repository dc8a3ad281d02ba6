package eventlog

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kingserf/king/noun"
)

func TestCreateOpenRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pier", ".urb", "log")
	id := Identity{Who: testShip, Fake: false, Life: 3}
	core, logs := observer.New(zap.InfoLevel)
	l, err := Create(dir, id, Options{Logger: zap.New(core)})
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, FileName), l.Path())
	require.Equal(t, dir, l.Dir())
	eve, mug := l.Last()
	require.Zero(t, eve)
	require.Zero(t, mug)
	evs := testEvents(1, 10)
	require.NoError(t, l.Append(context.Background(), evs))
	eve, mug = l.Last()
	require.Equal(t, uint64(10), eve)
	require.Equal(t, evs[9].Mug, mug)
	size, err := l.Size()
	require.NoError(t, err)
	require.Positive(t, size)
	require.NoError(t, l.Close())
	require.ErrorIs(t, l.Close(), ErrClosed)
	require.Equal(t, 1, logs.FilterMessage("event log opened").Len())
	require.Equal(t, 1, logs.FilterMessage("event log closed").Len())

	// The directory is private: the log holds the ship's entropy.
	st, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	st, err = os.Stat(filepath.Join(dir, FileName))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	l, err = Open(dir, Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	got := l.Identity()
	require.True(t, noun.Equal(id.Who, got.Who))
	require.Equal(t, id.Fake, got.Fake)
	require.Equal(t, id.Life, got.Life)
	eve, mug = l.Last()
	require.Equal(t, uint64(10), eve)
	require.Equal(t, evs[9].Mug, mug)
	read, err := l.Read(1, 100)
	require.NoError(t, err)
	require.Equal(t, evs, read)

	// No temporary files are left behind by Create.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

// TestMetaBytesOnDisk checks the stored META values byte for byte, as a
// later import from (or export to) Urbit's LMDB logs relies on them.
func TestMetaBytesOnDisk(t *testing.T) {
	l := newLog(t, Options{})
	want := map[string][]byte{"version": {1}, "who": testShip.Bytes(), "fake": {}, "life": {1}}
	got := map[string][]byte{}
	require.NoError(t, l.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).ForEach(func(k, v []byte) error {
			got[string(k)] = append([]byte{}, v...)
			return nil
		})
	}))
	require.Equal(t, want, got)
}

func TestCreateRefusesExistingLog(t *testing.T) {
	dir := t.TempDir()
	l, err := Create(dir, Identity{Who: noun.Atom(1)}, Options{NoSync: true})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = Create(dir, Identity{Who: noun.Atom(2)}, Options{NoSync: true})
	require.ErrorIs(t, err, ErrExists)
	require.Contains(t, err.Error(), dir)
}

func TestCreateRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	_, err := Create(dir, Identity{Who: noun.Cell(noun.Zero, noun.Zero)}, Options{})
	var me *MetaError
	require.ErrorAs(t, err, &me)
	_, err = Create(dir, Identity{Who: noun.AtomBytes(append(make([]byte, 16), 1))}, Options{})
	require.ErrorAs(t, err, &me)
	_, err = Create(dir, Identity{}, Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrReadOnly)
	_, err = os.Stat(filepath.Join(dir, FileName))
	require.True(t, os.IsNotExist(err))

	// A directory path that runs through a regular file.
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = Create(filepath.Join(file, "log"), Identity{}, Options{})
	require.ErrorContains(t, err, "eventlog: create")
}

// TestCreateRemovesStaleTemporaryFiles simulates a Create killed before it
// linked its file into place.
func TestCreateRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, tempPrefix+"123")
	require.NoError(t, os.WriteFile(stale, []byte("half a log"), 0o600))
	_, err := Open(dir, Options{})
	require.ErrorIs(t, err, ErrNotFound)
	l, err := Create(dir, Identity{}, Options{NoSync: true})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = os.Stat(stale)
	require.True(t, os.IsNotExist(err))
}

func TestOpenNotFound(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nowhere"), Options{})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = Open(t.TempDir(), Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrNotFound)
}

func TestOpenLockedFailsFast(t *testing.T) {
	l := newLog(t, Options{})
	for _, ro := range []bool{false, true} {
		start := time.Now()
		_, err := Open(l.Dir(), Options{ReadOnly: ro, LockTimeout: 100 * time.Millisecond})
		require.ErrorIs(t, err, ErrLocked, "read-only %v", ro)
		require.Contains(t, err.Error(), l.Path())
		require.Less(t, time.Since(start), 5*time.Second)
	}
	_, err := Open(l.Dir(), Options{LockTimeout: -1})
	require.ErrorIs(t, err, ErrLocked)
}

func TestReadOnlyHandles(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 5)
	require.NoError(t, l.Close())

	r1, err := Open(l.Dir(), Options{ReadOnly: true})
	require.NoError(t, err)
	defer func() { require.NoError(t, r1.Close()) }()
	// Readers share the lock with each other but not with a writer.
	r2, err := Open(l.Dir(), Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	defer func() { require.NoError(t, r2.Close()) }()
	_, err = Open(l.Dir(), Options{LockTimeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)

	eve, _ := r1.Last()
	require.Equal(t, uint64(5), eve)
	require.NoError(t, r2.Verify(context.Background(), nil))
	ctx := context.Background()
	require.ErrorIs(t, r1.Append(ctx, testEvents(6, 6)), ErrReadOnly)
	_, err = r1.Truncate(ctx, 1)
	require.ErrorIs(t, err, ErrReadOnly)
	_, err = r1.RepairTail(ctx, nil)
	require.NoError(t, err, "a sound log needs no write")
}

func TestOpenRejectsBadMeta(t *testing.T) {
	tests := []struct {
		name   string
		damage func(tx *bolt.Tx) error
		check  func(t *testing.T, err error)
	}{
		{"newer version", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put([]byte("version"), []byte{2})
		}, func(t *testing.T, err error) {
			var ve *VersionError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, uint64(2), ve.Got)
		}},
		{"no META", func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketMeta) },
			func(t *testing.T, err error) {
				var me *MetaError
				require.ErrorAs(t, err, &me)
			}},
		{"no EVENTS", func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketEvents) },
			func(t *testing.T, err error) {
				var me *MetaError
				require.ErrorAs(t, err, &me)
			}},
		{"fake is not a loobean", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put([]byte("fake"), []byte{9})
		}, func(t *testing.T, err error) {
			var me *MetaError
			require.ErrorAs(t, err, &me)
			require.Equal(t, "fake", me.Key)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t, Options{})
			require.NoError(t, l.db.Update(tc.damage))
			require.NoError(t, l.Close())
			_, err := Open(l.Dir(), Options{})
			require.Error(t, err)
			tc.check(t, err)
			// The failed Open released the file lock.
			_, err = Open(l.Dir(), Options{LockTimeout: -1})
			require.NotErrorIs(t, err, ErrLocked)
		})
	}
}

func TestOpenRejectsGarbageFile(t *testing.T) {
	dir := t.TempDir()
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), garbage, 0o600))
	for _, ro := range []bool{false, true} {
		_, err := Open(dir, Options{ReadOnly: ro})
		require.ErrorContains(t, err, "eventlog:")
	}
}

func TestMethodsAfterClose(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 3)
	require.NoError(t, l.Close())
	ctx := context.Background()
	require.ErrorIs(t, l.Append(ctx, testEvents(4, 4)), ErrClosed)
	_, err := l.Read(1, 1)
	require.ErrorIs(t, err, ErrClosed)
	_, err = l.Truncate(ctx, 1)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, l.Verify(ctx, nil), ErrClosed)
	_, err = l.RepairTail(ctx, nil)
	require.ErrorIs(t, err, ErrClosed)
	for _, err := range l.Events(1, 0) {
		require.ErrorIs(t, err, ErrClosed)
	}
	eve, _ := l.Last()
	require.Equal(t, uint64(3), eve, "Last still answers from memory")
}

// TestOpenToleratesCorruptLastValue: a damaged last value must not stop
// Open, or RepairTail could never run.
func TestOpenToleratesCorruptLastValue(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 4)
	rawPut(t, l, key(5), []byte{1, 2})
	rawPut(t, l, []byte("zzzzzzzzzz"), testEvent(6).Jam)
	require.NoError(t, l.Close())
	l, err := Open(l.Dir(), Options{NoSync: true})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	eve, mug := l.Last()
	require.Equal(t, uint64(5), eve)
	require.Zero(t, mug)
}
