package eventlog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestReopenKeepsLockAndEvents reopens the handle after every commit: in
// the gap between the old handle's Close and the new Open, no other handle
// may take the lock, and every event appended across reopens stays
// readable, in this handle and after a fresh Open.
func TestReopenKeepsLockAndEvents(t *testing.T) {
	// The hook runs on the committer goroutine: it counts, the test
	// goroutine checks.
	var reopens, lockedOut atomic.Int64
	var dir string
	l := newLog(t, Options{reopenBytes: 1, reopenHook: func() {
		reopens.Add(1)
		for _, ro := range []bool{true, false} {
			l, err := Open(dir, Options{ReadOnly: ro, LockTimeout: -1})
			if errors.Is(err, ErrLocked) {
				lockedOut.Add(1)
			} else if err == nil {
				_ = l.Close()
			}
		}
	}})
	dir = l.Dir()
	appendN(t, l, 1000) // ten commits

	// The new descriptor is not inherited by child processes (a serf
	// inheriting it would hold the log's lock).
	l.dbMu.RLock()
	flags, err := unix.FcntlInt(l.file.Fd(), unix.F_GETFD, 0)
	l.dbMu.RUnlock()
	require.NoError(t, err)
	require.NotZero(t, flags&unix.FD_CLOEXEC)

	got, err := l.Read(1, 2000)
	require.NoError(t, err)
	require.Equal(t, testEvents(1, 1000), got)
	// Close waits for the committer, and so for the last reopen.
	require.NoError(t, l.Close())
	require.Equal(t, int64(10), reopens.Load())
	require.Equal(t, 2*reopens.Load(), lockedOut.Load(), "another handle took the lock during a reopen")
	l2, err := Open(dir, Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, l2.Close()) }()
	require.NoError(t, l2.Verify(context.Background(), nil))
	last, mug := l2.Last()
	require.Equal(t, uint64(1000), last)
	require.Equal(t, testEvent(1000).Mug, mug)
}

// TestReopenWhileReading runs readers, a truncation and appends against a
// handle that reopens after every commit (run with -race).
func TestReopenWhileReading(t *testing.T) {
	l := newLog(t, Options{reopenBytes: 1})
	appendN(t, l, 100)
	ctx := context.Background()
	readWhileAppending(t, l, 101, 3000, 10, func() { require.NoError(t, l.Verify(ctx, nil)) })
	removed, err := l.Truncate(ctx, 2500)
	require.NoError(t, err)
	require.Equal(t, 500, removed)
	require.NoError(t, l.Append(ctx, testEvents(2501, 2510)))
	got, err := l.Read(2490, 100)
	require.NoError(t, err)
	require.Equal(t, testEvents(2490, 2510), got)
}

// TestReopenLockAcrossProcesses probes the lock of a log that a child
// process appends to, reopening every commit or two, for a while: every
// attempt must find it locked.
func TestReopenLockAcrossProcesses(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "log")
	tries := 0
	runCrashChild(t, exe, dir, 7, 1, func() {
		for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); {
			l, err := Open(dir, Options{ReadOnly: true, LockTimeout: -1})
			if err == nil {
				_ = l.Close()
			}
			require.ErrorIs(t, err, ErrLocked, "try %d", tries)
			tries++
		}
	})
	require.Positive(t, tries)
}

// TestReopenFailureBreaksLog damages the file while no handle has it open:
// the new handle cannot be opened, so the log is broken and refuses
// appends; the events already committed stay committed.
func TestReopenFailureBreaksLog(t *testing.T) {
	var path string
	var hookErr error
	l := newLog(t, Options{reopenBytes: 1, reopenHook: func() {
		// Zero both meta pages: bbolt refuses the file.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteAt(make([]byte, 8192), 0)
			_ = f.Close()
		}
		hookErr = err
	}})
	path = l.Path()
	ctx := context.Background()
	// This commit succeeds; the reopen after it fails.
	require.NoError(t, l.Append(ctx, testEvents(1, 10)))
	err := l.Append(ctx, testEvents(11, 11))
	require.ErrorIs(t, err, ErrBroken)
	require.NoError(t, hookErr)
	last, _ := l.Last()
	require.Equal(t, uint64(10), last)
}

// TestReopenSkippedWhenFileUnreachable: a reopen that cannot start (here
// the file's name is gone, so no fresh description of it can be opened)
// leaves the handle as it was, and appends go on.
func TestReopenSkippedWhenFileUnreachable(t *testing.T) {
	var hooked atomic.Bool
	l := newLog(t, Options{reopenBytes: 1, reopenHook: func() { hooked.Store(true) }})
	ctx := context.Background()
	moved := l.Path() + ".moved"
	require.NoError(t, os.Rename(l.Path(), moved))
	require.NoError(t, l.Append(ctx, testEvents(1, 10)))
	require.NoError(t, l.Append(ctx, testEvents(11, 20)))
	require.False(t, hooked.Load())
	require.NoError(t, os.Rename(moved, l.Path()))
	require.NoError(t, l.Append(ctx, testEvents(21, 30)))
	require.NoError(t, l.Append(ctx, testEvents(31, 31))) // after the reopen that follows 21..30
	require.True(t, hooked.Load())
	got, err := l.Read(1, 100)
	require.NoError(t, err)
	require.Equal(t, testEvents(1, 31), got)
}
