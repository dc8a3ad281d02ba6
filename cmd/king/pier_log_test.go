package main

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// pierWithEvents boots a counter pier and runs n events into it: the log
// then holds the boot formula, the run's %born (event 2) and the n events
// (3..n+2).
func pierWithEvents(t *testing.T, n int) string {
	t.Helper()
	dir := newTestPier(t, "counter")
	_, stderr, code := kingRun(t, "", "run", dir, "--exit", "--inject-list", writeJam(t, noun.List(counterOva(0, n)...)))
	require.Equal(t, 0, code, stderr)
	return dir
}

// editEvent rewrites the stored value of event num in a pier's log (the
// king must not be running).
func editEvent(t *testing.T, dir string, num uint64, edit func(v []byte) []byte) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(pier.Layout{Dir: dir}.Log(), eventlog.FileName), 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("EVENTS"))
		require.NotNil(t, b)
		key := binary.BigEndian.AppendUint64(nil, num)
		v := b.Get(key)
		require.NotNil(t, v, "event %d", num)
		return b.Put(key, edit(append([]byte(nil), v...)))
	}))
}

// replayLine matches the summary line of `king replay`.
var replayLine = regexp.MustCompile(`replayed (\d+) events \((\d+)\.\.(\d+)\) in \S+: \d+ events/s, final mug (0x[0-9a-f]{8})`)

func TestPierReplayMatches(t *testing.T) {
	dir := pierWithEvents(t, 30)
	info := pierInfo(t, dir)
	require.Equal(t, uint64(32), info.Events)

	for _, args := range [][]string{{}, {"--batch", "1"}, {"--batch", "7"}} {
		out, stderr, code := kingRun(t, "", append([]string{"replay", dir}, args...)...)
		require.Equal(t, 0, code, stderr)
		m := replayLine.FindStringSubmatch(out)
		require.NotNil(t, m, out)
		require.Equal(t, []string{"32", "1", "32", info.LastMug}, m[1:])
		// The replay gives the mug of the serf that ran the pier.
		require.Equal(t, info.SnapshotMug, m[4])
	}
	// --to stops early; its mug is the one logged for that event.
	out, _, code := kingRun(t, "", "replay", dir, "--to", "10", "--batch", "3")
	require.Equal(t, 0, code)
	require.Contains(t, out, "replayed 10 events (1..10)")
	show, _, _ := kingRun(t, "", "log", "show", dir, "--from", "10", "--to", "10")
	require.Contains(t, out, "final mug "+strings.Split(show, "\t")[1])

	// --from-snapshot has nothing to do after a clean shutdown.
	out, _, code = kingRun(t, "", "replay", "--from-snapshot", dir)
	require.Equal(t, 0, code)
	require.Contains(t, out, "replayed 0 events (the serf was already at event 32)")
	require.Contains(t, out, "final mug "+info.LastMug)

	// The pier is unchanged by replays.
	require.Equal(t, info, pierInfo(t, dir))
}

// TestPierReplayDetectsTamperedMug alters the mugs stored with two
// events: the replay reports both and exits 2.
func TestPierReplayDetectsTamperedMug(t *testing.T) {
	dir := pierWithEvents(t, 12)
	var want [2]uint32
	for i, num := range []uint64{5, 10} {
		editEvent(t, dir, num, func(v []byte) []byte {
			want[i] = binary.LittleEndian.Uint32(v) ^ 0x1234
			binary.LittleEndian.PutUint32(v, want[i])
			return v
		})
	}
	out, stderr, code := kingRun(t, "", "replay", dir, "--batch", "1")
	require.Equal(t, exitMismatch, code, stderr)
	require.Contains(t, stderr, "2 mug mismatches")
	require.Regexp(t, fmt.Sprintf(`(?m)^event 5: expected 0x%08x, got 0x[0-9a-f]{8}$`, want[0]), out)
	require.Regexp(t, fmt.Sprintf(`(?m)^event 10: expected 0x%08x, got 0x[0-9a-f]{8}$`, want[1]), out)
	require.Regexp(t, replayLine, out, "the replay went on to the end")
	require.Contains(t, out, "replayed 14 events (1..14)")

	// With batches of 4 (after the boot formula: 2..5, 6..9, 10..13, 14) only
	// batch ends are compared: event 5 is one, event 10 is not.
	out, _, code = kingRun(t, "", "replay", dir, "--batch", "4")
	require.Equal(t, exitMismatch, code)
	require.Contains(t, out, fmt.Sprintf("event 5: expected 0x%08x", want[0]))
	require.NotContains(t, out, "event 10:")
}

func TestPierLogShowVerifyChop(t *testing.T) {
	dir := pierWithEvents(t, 6)
	out, _, code := kingRun(t, "", "log", "show", dir)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8)
	require.True(t, strings.HasPrefix(lines[0], "1\t0x00000000\t["), "boot formula, mug unknown: %s", lines[0])
	require.Regexp(t, `^2\t0x[0-9a-f]{8}\t\[\S+ \[98 %behn 0\] %born 0\]$`, lines[1])
	require.Regexp(t, `^3\t0x[0-9a-f]{8}\t\[\S+ \[%test 0\] %ev 0\]$`, lines[2])

	out, _, code = kingRun(t, "", "log", "show", "--raw", dir, "--from", "8")
	require.Equal(t, 0, code)
	require.Regexp(t, `^8\t0x[0-9a-f]{8}\t\[\d+ \[\[\d+ 0\] \[\d+ 5\]\]\]\n$`, out)
	out, _, code = kingRun(t, "", "log", "show", dir, "--from", "50")
	require.Equal(t, 0, code)
	require.Empty(t, out)
	_, stderr, code := kingRun(t, "", "log", "show", dir, "--from", "5", "--to", "4")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--to 4 is before --from 5")
	_, stderr, code = kingRun(t, "", "log", "show", dir, "--from", "0")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--from must be at least 1")

	out, _, code = kingRun(t, "", "log", "verify", dir)
	require.Equal(t, 0, code)
	require.Contains(t, out, "log ok: events 1..8")

	// chop: never into the boot formulas; a snapshot left ahead of the log
	// is noted, and the next run recovers from it.
	_, stderr, code = kingRun(t, "", "log", "chop", dir, "--after", "0")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "would cut into the boot formulas")
	_, stderr, code = kingRun(t, "", "log", "chop", dir)
	require.NotEqual(t, 0, code)
	require.Contains(t, stderr, `Required flag "after" not set`)
	out, _, code = kingRun(t, "", "log", "chop", dir, "--after", "9")
	require.Equal(t, 0, code)
	require.Contains(t, out, "nothing to cut: the log ends at event 8")
	out, stderr, code = kingRun(t, "", "log", "chop", dir, "--after", "4")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "cut 4 events (5..8); the log now ends at event 4")
	require.Contains(t, out, "the serf snapshot (event 8) is now ahead of the log")
	require.Equal(t, uint64(4), pierInfo(t, dir).Events)

	_, stderr, code = kingRun(t, "", "run", dir, "--exit", "--inject", writeJam(t, counterOvum(99)))
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, "snapshot")
	require.Equal(t, []uint64{5, 6}, releasedEves(stderr), "events 5 (%born) and 6 are new events, not the cut ones")
	info := pierInfo(t, dir)
	require.Equal(t, uint64(6), info.Events)
	require.Equal(t, uint64(6), info.SnapshotEvent)
	out, _, code = kingRun(t, "", "replay", dir)
	require.Equal(t, 0, code)
	require.Contains(t, out, "final mug "+info.LastMug)

	// verify names a damaged event.
	editEvent(t, dir, 3, func(v []byte) []byte { return append(v[:4], 0, 0, 0) })
	_, stderr, code = kingRun(t, "", "log", "verify", dir)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "log damaged")
	require.Contains(t, stderr, "event 3")
	_, stderr, code = kingRun(t, "", "log", "show", dir)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "event 3")
}

func TestPierMaintCommands(t *testing.T) {
	dir := pierWithEvents(t, 3)
	for _, tt := range []struct{ cmd, want string }{
		{"pack", "pier " + dir + ": packed"},
		{"meld", "pier " + dir + ": melded"},
		{"cram", "pier " + dir + ": crammed event 5 to " + dir + "/.urb/roc/5.jam"},
	} {
		out, stderr, code := kingRun(t, "", tt.cmd, dir)
		require.Equal(t, 0, code, stderr)
		require.Equal(t, tt.want+"\n", out)
	}
	require.FileExists(t, filepath.Join(dir, ".urb", "roc", "5.jam"))
	info := pierInfo(t, dir)
	require.Equal(t, uint64(5), info.Events)
	out, _, code := kingRun(t, "", "replay", dir)
	require.Equal(t, 0, code)
	require.Contains(t, out, "final mug "+info.LastMug)
}

// TestInfoLockedWithoutKing: a log locked by something that does not answer
// on the control socket (here this test, holding bbolt's lock) is reported
// as running, at once, with exit status 3.
func TestInfoLockedWithoutKing(t *testing.T) {
	dir := newTestPier(t, "counter")
	db, err := bolt.Open(filepath.Join(pier.Layout{Dir: dir}.Log(), eventlog.FileName), 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	for _, args := range [][]string{{"info", dir}, {"info", "--json", dir}} {
		out, stderr, code := kingRun(t, "", args...)
		require.Equal(t, exitLocked, code, stderr)
		require.Empty(t, out)
		require.Contains(t, stderr, "pier "+dir+" is running")
	}
}
