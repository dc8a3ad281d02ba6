package eventlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/sys/unix"
)

// requireBrokenAfter checks the contract of a failed commit: the failing
// append's error wraps the cause and ErrBroken, nothing of it is reported
// durable, later appends fail with ErrBroken, and a reopen shows exactly
// the acknowledged events.
func requireBrokenAfter(t *testing.T, l *Log, failErr error, cause error, acked uint64) {
	t.Helper()
	require.ErrorIs(t, failErr, ErrBroken)
	if cause != nil {
		require.ErrorIs(t, failErr, cause)
	}
	eve, _ := l.Last()
	require.Equal(t, acked, eve, "failed events must not be reported durable")
	err := l.Append(context.Background(), testEvents(acked+100, acked+100))
	require.ErrorIs(t, err, ErrBroken, "a broken log refuses even out-of-order appends first")
	_, err = l.Truncate(context.Background(), 1)
	require.ErrorIs(t, err, ErrBroken)
}

// appendUntilError appends batches of events until one fails, returning
// the error and the last acknowledged event.
func appendUntilError(t *testing.T, l *Log, batch uint64, limit int) (uint64, error) {
	t.Helper()
	for range limit {
		last, _ := l.Last()
		if err := l.Append(context.Background(), testEvents(last+1, last+batch)); err != nil {
			return last, err
		}
	}
	t.Fatalf("no append failed in %d tries", limit)
	return 0, nil
}

// TestAppendFailsOnClosedDatabase injects a failure under the log by
// closing bbolt's handle.
func TestAppendFailsOnClosedDatabase(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 5)
	require.NoError(t, l.db.Close())
	err := l.Append(context.Background(), testEvents(6, 8))
	require.ErrorContains(t, err, "commit of events 6..8 failed")
	requireBrokenAfter(t, l, err, bolterrors.ErrDatabaseNotOpen, 5)
}

// TestAppendFailsWhenFileIsFull uses bbolt's size limit as a full disk.
func TestAppendFailsWhenFileIsFull(t *testing.T) {
	l := newLog(t, Options{maxSize: 256 << 10})
	acked, err := appendUntilError(t, l, 50, 10_000)
	requireBrokenAfter(t, l, err, bolterrors.ErrMaxSizeReached, acked)
	require.NoError(t, l.Close())
	l, err = Open(l.Dir(), Options{ReadOnly: true})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	require.NoError(t, l.Verify(context.Background(), nil))
	eve, _ := l.Last()
	require.Equal(t, acked, eve)
}

// fsizeChild appends to a log under a file-size limit (RLIMIT_FSIZE), so
// that a write fails with EFBIG as on a full disk, and reports each ack and
// then the failure's properties on stdout.
func fsizeChild() int {
	dir := os.Getenv(envDir)
	l, err := Create(dir, Identity{Who: testShip}, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	size, err := l.Size()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lim := &unix.Rlimit{Cur: uint64(size) + 256<<10, Max: uint64(size) + 256<<10}
	if err := unix.Setrlimit(unix.RLIMIT_FSIZE, lim); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	for next := uint64(1); next < 1_000_000; next += 20 {
		if err := l.Append(ctx, testEvents(next, next+19)); err != nil {
			// bbolt reports a failed file resize with the cause as text
			// only (fmt %s), so the cause is matched by its message.
			fmt.Fprintln(os.Stderr, err)
			efbig := errors.Is(err, syscall.EFBIG) || strings.Contains(err.Error(), syscall.EFBIG.Error())
			fmt.Printf("failed efbig=%v broken=%v\n", efbig, errors.Is(err, ErrBroken))
			err = l.Append(ctx, testEvents(next, next))
			fmt.Printf("then broken=%v\n", errors.Is(err, ErrBroken))
			_ = l.Close()
			return 0
		}
		fmt.Printf("ack %d\n", next+19)
	}
	fmt.Fprintln(os.Stderr, "no append failed")
	return 1
}

// TestAppendFailsOnFileSizeLimit runs fsizeChild: a real write error from
// the kernel (EFBIG), in a child so the limit does not touch the test.
func TestAppendFailsOnFileSizeLimit(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "log")
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=fsize", envDir+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "child: %s", stderr.String())
	var acked uint64
	var report []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if num, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked, err = strconv.ParseUint(num, 10, 64)
			require.NoError(t, err)
			continue
		}
		report = append(report, sc.Text())
	}
	require.Equal(t, []string{"failed efbig=true broken=true", "then broken=true"}, report, stderr.String())
	require.Positive(t, acked)
	l, err := Open(dir, Options{ReadOnly: true})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	require.NoError(t, l.Verify(context.Background(), nil))
	// The failed commit never reached bbolt's meta page (the size limit
	// stops the data pages first), so the log ends at the last ack.
	eve, _ := l.Last()
	require.Equal(t, acked, eve)
}

// mountTmpfs mounts a tmpfs on a fresh directory, skipping the test when
// that is not possible (not root, or no mount permission in a container).
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		t.Skipf("skipping: cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	return dir
}

// TestAppendFailsOnFullTmpfs fills a small tmpfs: the append fails with
// ENOSPC and the log holds exactly the acknowledged events.
func TestAppendFailsOnFullTmpfs(t *testing.T) {
	dir := filepath.Join(mountTmpfs(t, "size=1m"), "log")
	l, err := Create(dir, Identity{Who: testShip}, Options{})
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	acked, err := appendUntilError(t, l, 50, 100_000)
	requireBrokenAfter(t, l, err, syscall.ENOSPC, acked)
	require.NoError(t, l.Close())
	l, err = Open(dir, Options{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, l.Verify(context.Background(), nil))
	eve, _ := l.Last()
	require.Equal(t, acked, eve)
}

// TestReadOnlyDirectory: Create and a writable Open fail with a clear
// error naming the path; a read-only Open still works (inspecting a
// backup). Root ignores permissions, so as root a read-only tmpfs is used.
func TestReadOnlyDirectory(t *testing.T) {
	var dir string
	var makeReadOnly func()
	if os.Geteuid() == 0 {
		dir = mountTmpfs(t, "size=4m")
		makeReadOnly = func() {
			require.NoError(t, unix.Mount("tmpfs", dir, "tmpfs", unix.MS_REMOUNT|unix.MS_RDONLY, "size=4m"))
		}
	} else {
		dir = t.TempDir()
		makeReadOnly = func() {
			require.NoError(t, os.Chmod(filepath.Join(dir, "log", FileName), 0o400))
			require.NoError(t, os.Chmod(filepath.Join(dir, "log"), 0o500))
			require.NoError(t, os.Chmod(dir, 0o500))
			t.Cleanup(func() {
				_ = os.Chmod(dir, 0o700)
				_ = os.Chmod(filepath.Join(dir, "log"), 0o700)
			})
		}
	}
	logDir := filepath.Join(dir, "log")
	l, err := Create(logDir, Identity{Who: testShip}, Options{NoSync: true})
	require.NoError(t, err)
	appendN(t, l, 3)
	require.NoError(t, l.Close())
	makeReadOnly()

	_, err = Create(filepath.Join(dir, "other"), Identity{}, Options{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "eventlog: create")
	require.Contains(t, err.Error(), filepath.Join(dir, "other"))

	_, err = Open(logDir, Options{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "eventlog: open")
	require.True(t, errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES), "%v", err)

	l, err = Open(logDir, Options{ReadOnly: true})
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	require.NoError(t, l.Verify(context.Background(), nil))
}
