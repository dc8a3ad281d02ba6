package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// TestPierRunUnusableSnapshot: a corrupt serf snapshot is said plainly,
// moved aside (not deleted) and the whole log is replayed.
func TestPierRunUnusableSnapshot(t *testing.T) {
	dir := pierWithEvents(t, 10)
	info := pierInfo(t, dir)
	chk := pier.Layout{Dir: dir}.Chk()
	entries, err := os.ReadDir(chk)
	require.NoError(t, err)
	corrupted := 0
	for _, e := range entries {
		if e.Name() != "king.json" {
			require.NoError(t, os.WriteFile(filepath.Join(chk, e.Name()), []byte("not a snapshot"), 0o600))
			corrupted++
		}
	}
	require.Positive(t, corrupted, "the serf wrote no snapshot file")

	_, stderr, code := kingRun(t, "", "run", dir, "--exit", "--inject", writeJam(t, counterOvum(10)))
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, `"kind":"snapshot-unusable"`)
	require.Equal(t, []uint64{13, 14}, releasedEves(stderr), "the run's %born and the injected event")
	moved, err := filepath.Glob(filepath.Join(dir, ".urb", "chk.bad-*"))
	require.NoError(t, err)
	require.Len(t, moved, 1, "the bad snapshot was moved aside")
	after := pierInfo(t, dir)
	require.Equal(t, info.Events+2, after.Events)
	require.Equal(t, after.Events, after.SnapshotEvent)
	checkCounterLog(t, dir, nil, 11)
}

// TestPierRunLogDamage: damage in the middle of the log stops the king
// with the event number; a damaged tail is cut with a message.
func TestPierRunLogDamage(t *testing.T) {
	t.Run("middle", func(t *testing.T) {
		dir := pierWithEvents(t, 6)
		editEvent(t, dir, 4, func(v []byte) []byte { return append(v[:4], 0, 0, 0) })
		// Without a snapshot the whole log must be replayed.
		require.NoError(t, os.RemoveAll(pier.Layout{Dir: dir}.Chk()))
		_, stderr, code := kingRun(t, "", "run", dir, "--exit")
		require.Equal(t, 1, code, stderr)
		last := strings.TrimSpace(stderr[strings.LastIndex(strings.TrimSpace(stderr), "\n")+1:])
		require.True(t, strings.HasPrefix(last, "king: pier "+dir+" stopped: "), last)
		require.Contains(t, last, "event 4")
		require.Equal(t, uint64(8), pierInfo(t, dir).Events, "nothing was cut")
	})
	t.Run("tail", func(t *testing.T) {
		dir := pierWithEvents(t, 6)
		editEvent(t, dir, 8, func(v []byte) []byte { return v[:2] })
		// The replay from the boot snapshot reaches the damage.
		require.NoError(t, os.RemoveAll(pier.Layout{Dir: dir}.Chk()))
		_, stderr, code := kingRun(t, "", "run", dir, "--exit")
		require.Equal(t, 0, code, stderr)
		require.Contains(t, stderr, `"kind":"tail-cut"`)
		// Event 8 was cut; the run's %born is the new event 8.
		info := pierInfo(t, dir)
		require.Equal(t, uint64(8), info.Events)
		require.Equal(t, uint64(8), info.SnapshotEvent)
		out, _, code := kingRun(t, "", "replay", dir)
		require.Equal(t, 0, code, out)
	})
}

// TestPierSnapshotInterval: a running pier snapshots on its own every
// --snapshot-interval.
func TestPierSnapshotInterval(t *testing.T) {
	dir := newTestPier(t, "counter")
	k, _ := runningKing(t, dir, "--snapshot-interval", "20ms",
		"--inject-list", writeJam(t, noun.List(counterOva(0, 5)...)))
	k.waitLine("a periodic snapshot of event 7", func(l logLine) bool {
		return l["kind"] == "snapshot" && l.num("eve") == 7
	})
	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
}

// TestPierRunBadSerf: a serf binary that does not exist is a clear error.
func TestPierRunBadSerf(t *testing.T) {
	dir := newTestPier(t, "counter")
	_, stderr, code := kingRun(t, "", "run", dir, "--exit", "--serf", "/nonexistent/serf")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "/nonexistent/serf")
	require.Contains(t, stderr, "king: pier "+dir+" stopped: ")
}
