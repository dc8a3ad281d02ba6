package pier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

func TestNewRunInjectShutdownReopen(t *testing.T) {
	dir := newPier(t, "counter")
	info, err := Info(dir)
	require.NoError(t, err)
	require.Equal(t, uint64(1), info.Events)
	require.Equal(t, uint64(1), info.Life)
	require.True(t, info.Fake)
	require.True(t, info.HasSnapshot)
	require.Equal(t, uint64(1), info.SnapshotEvent)
	require.Positive(t, info.SnapshotBytes)
	require.Positive(t, info.LogBytes)

	var mu sync.Mutex
	released := map[uint64]noun.Noun{}
	rp := runPier(t, dir, RunOptions{
		Effects: func(eve uint64, fx noun.Noun) {
			mu.Lock()
			defer mu.Unlock()
			released[eve] = fx
		},
		Progress: func(Progress) { t.Error("no replay expected after a snapshot at the log's end") },
	})
	_, err = Info(dir)
	require.ErrorIs(t, err, ErrLocked, "Info on a running pier says it is running")

	var mugs []uint32
	for i := range 5 {
		res, err := rp.p.Inject(context.Background(), ovum(i))
		require.NoError(t, err)
		require.Equal(t, king.WorkDone, res.Kind)
		require.Equal(t, uint64(i+2), res.Eve)
		// The counter kernel echoes the ovum as its only effect.
		require.True(t, noun.Equal(noun.List(ovum(i)), res.Effects), "effects %s", res.Effects)
		mugs = append(mugs, res.Mug)
	}
	st := rp.p.Status()
	require.Equal(t, uint64(6), st.LastEvent)
	require.Equal(t, uint64(6), st.LastCommitted)
	require.Positive(t, st.SerfPid)
	require.Zero(t, st.InFlight)
	require.NoError(t, rp.stop())
	mu.Lock()
	require.Len(t, released, 5)
	mu.Unlock()

	info, err = Info(dir)
	require.NoError(t, err)
	require.Equal(t, uint64(6), info.Events)
	require.Equal(t, uint64(6), info.SnapshotEvent)
	require.Equal(t, mugs[4], info.SnapshotMug)
	require.Equal(t, mugs[4], info.LastMug)

	// Reopen: the serf loads the snapshot at the log's end; nothing is
	// replayed, and numbering goes on.
	rp = runPier(t, dir, RunOptions{Progress: func(Progress) { t.Error("no replay expected") }})
	res, err := rp.p.Inject(context.Background(), ovum(99))
	require.NoError(t, err)
	require.Equal(t, uint64(7), res.Eve)
	require.NoError(t, rp.stop())
}

func TestNewRefusesExistingPier(t *testing.T) {
	dir := newPier(t, "counter")
	_, err := New(context.Background(), dir, loadPill(t, "counter"), NewOptions{Serf: serfConfig(t)})
	require.ErrorIs(t, err, ErrPierExists)

	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "file"), nil, 0o644))
	_, err = New(context.Background(), other, loadPill(t, "counter"), NewOptions{Serf: serfConfig(t)})
	require.ErrorIs(t, err, ErrPierExists)
	_, err = os.Stat(filepath.Join(other, "file"))
	require.NoError(t, err, "a refused directory is left alone")
}

func TestNewFailureLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pier")
	cfg := serfConfig(t)
	cfg.SerfPath = filepath.Join(t.TempDir(), "no-such-serf")
	_, err := New(context.Background(), dir, loadPill(t, "counter"), NewOptions{Serf: cfg})
	require.Error(t, err)
	_, err = os.Stat(dir)
	require.True(t, errors.Is(err, os.ErrNotExist), "the half-made pier is removed: %v", err)

	// In an existing empty directory, the directory stays, empty.
	empty := t.TempDir()
	_, err = New(context.Background(), empty, loadPill(t, "counter"), NewOptions{Serf: cfg})
	require.Error(t, err)
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestOpenRefusesSecondKing(t *testing.T) {
	dir := newPier(t, "counter")
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	_, err = Open(dir, Options{})
	var locked *LockedError
	require.True(t, errors.As(err, &locked), "%v", err)
	require.Equal(t, os.Getpid(), locked.Pid)
}

func TestOpenNoPier(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing"), Options{})
	require.ErrorIs(t, err, ErrNoPier)
	_, err = Open(t.TempDir(), Options{})
	require.ErrorIs(t, err, ErrNoPier)
	_, err = Info(t.TempDir())
	require.ErrorIs(t, err, ErrNoPier)
}

func TestRunCtxCancelStopsHard(t *testing.T) {
	dir := newPier(t, "counter")
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- p.Run(ctx, RunOptions{Serf: serfConfig(t), OnReady: func() { close(ready) }})
	}()
	<-ready
	require.ErrorIs(t, p.Run(context.Background(), RunOptions{Serf: serfConfig(t)}), ErrAlreadyRunning)
	require.ErrorIs(t, p.Close(), ErrAlreadyRunning)
	var pid int
	for i := range 4 {
		res, err := p.Inject(context.Background(), ovum(i))
		require.NoError(t, err)
		require.Equal(t, uint64(i+2), res.Eve)
		pid = p.Status().SerfPid
	}
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "the serf is gone")
	require.NoError(t, p.Close())

	// No snapshot was taken at the hard stop, so the next run replays
	// what the boot snapshot lacks.
	var progress []Progress
	rp := runPier(t, dir, RunOptions{Progress: func(pr Progress) { progress = append(progress, pr) }})
	require.NotEmpty(t, progress)
	require.Equal(t, uint64(4), progress[len(progress)-1].Events)
	res, err := rp.p.Inject(context.Background(), ovum(10))
	require.NoError(t, err)
	require.Equal(t, uint64(6), res.Eve)
	require.NoError(t, rp.stop())
}
