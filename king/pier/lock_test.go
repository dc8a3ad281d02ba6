package pier

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLockExcludesAndNamesHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir)
	require.NoError(t, err)
	require.Equal(t, os.Getpid(), ReadLockPid(dir))

	_, err = AcquireLock(dir)
	var locked *LockedError
	require.True(t, errors.As(err, &locked), "%v", err)
	require.ErrorIs(t, err, ErrLocked)
	require.Equal(t, os.Getpid(), locked.Pid)
	require.Contains(t, err.Error(), "is in use by king pid")

	require.NoError(t, l.Release())
	require.NoError(t, l.Release(), "Release is idempotent")
	l2, err := AcquireLock(dir)
	require.NoError(t, err, "a released lock can be taken again")
	require.NoError(t, l2.Release())
}

func TestLockStalePidDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	// A king killed with -9 leaves its pid behind but no flock.
	require.NoError(t, os.WriteFile(Layout{Dir: dir}.Lock(), []byte("999999\n"), 0o644))
	l, err := AcquireLock(dir)
	require.NoError(t, err)
	require.Equal(t, os.Getpid(), ReadLockPid(dir))
	require.NoError(t, l.Release())
}

func TestLockedErrorUnknownPid(t *testing.T) {
	e := &LockedError{Pier: "/p"}
	require.Equal(t, "pier /p is in use by another king (pid unknown)", e.Error())
}

func TestReadLockPidGarbage(t *testing.T) {
	dir := t.TempDir()
	require.Zero(t, ReadLockPid(dir))
	require.NoError(t, os.WriteFile(Layout{Dir: dir}.Lock(), []byte("not a pid"), 0o644))
	require.Zero(t, ReadLockPid(dir))
}

func TestLayoutPaths(t *testing.T) {
	l := Layout{Dir: "/p"}
	require.Equal(t, "/p/.vere.lock", l.Lock())
	require.Equal(t, "/p/.urb/log", l.Log())
	require.Equal(t, "/p/.urb/chk", l.Chk())
	require.Equal(t, "/p/.urb/roc", l.Roc())
	require.Equal(t, "/p/.urb/put", l.Put())
	require.Equal(t, "/p/.urb/get", l.Get())
	require.Equal(t, "/p/.urb/chk/king.json", l.SnapshotNote())
}
