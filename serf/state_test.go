package serf_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// savedPier boots the counter kernel, runs the example's three events,
// saves and exits; it returns the pier and the snapshot's path.
func savedPier(t *testing.T) (pier, snap string) {
	t.Helper()
	ex := loadExample(t)
	pier = t.TempDir()
	c := startSerf(t, pier, childOpts{})
	c.ripe()
	c.boot(ex.boot)
	for _, job := range ex.jobs {
		c.workDone(job)
	}
	c.live(ipc.LiveSave{Eve: 4})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	snap = filepath.Join(pier, ".urb", "chk", "serf.snap")
	require.FileExists(t, snap)
	return pier, snap
}

// TestCorruptSnapshot damages a saved snapshot in each way that matters:
// the serf refuses to load it, exiting with ExitBadState and one line on
// stderr naming the file and the problem, before sending anything.
func TestCorruptSnapshot(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		want   string
	}{
		{"flipped bit in the state", func(b []byte) []byte { b[30] ^= 0x10; return b }, "checksum mismatch"},
		{"flipped bit in the mug", func(b []byte) []byte { b[12] ^= 1; return b }, "checksum mismatch"},
		{"torn at the end", func(b []byte) []byte { return b[:len(b)-5] }, "torn"},
		{"torn in the header", func(b []byte) []byte { return b[:20] }, "torn"},
		{"empty", func(b []byte) []byte { return b[:0] }, "bad magic"},
		{"unknown version", func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 9); return b }, "unknown format version 9"},
		{"not a snapshot", func(b []byte) []byte { copy(b, "GARBAGE!"); return b }, "bad magic"},
	}
	pier, snap := savedPier(t)
	good, err := os.ReadFile(snap)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := tt.damage(append([]byte(nil), good...))
			require.NoError(t, os.WriteFile(snap, bad, 0o644))
			c := startSerf(t, pier, childOpts{record: true})
			c.expectFatal(serf.ExitBadState, snap, tt.want)
			require.Empty(t, c.transcript, "nothing may be sent, not even %%ripe")
		})
	}
	// The undamaged snapshot still loads.
	require.NoError(t, os.WriteFile(snap, good, 0o644))
	c := startSerf(t, pier, childOpts{})
	require.Equal(t, uint64(4), c.ripe().Eve)
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestLeftoverTempIgnored: a temporary file left by a save that died
// half-way is never loaded, and is cleaned up by the next save.
func TestLeftoverTempIgnored(t *testing.T) {
	ex := loadExample(t)
	pier, snap := savedPier(t)
	leftover := snap + ".123.tmp"
	require.NoError(t, os.WriteFile(leftover, []byte("half a snapshot"), 0o644))
	c := startSerf(t, pier, childOpts{})
	r := c.ripe()
	require.Equal(t, uint64(4), r.Eve)
	require.Equal(t, ex.mugs[2], r.Mug)
	var j jobs
	c.workDone(j.job(tagged("x")))
	c.live(ipc.LiveSave{Eve: 5})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	require.NoFileExists(t, leftover)
}

// TestDryRunAndQuiet: with the DryRun flag %save writes nothing; with
// Quiet the serf sends no informational %flog.
func TestDryRunAndQuiet(t *testing.T) {
	ex := loadExample(t)
	pier := t.TempDir()
	c := startSerf(t, pier, childOpts{flags: serf.DryRun | serf.Quiet})
	c.ripe()
	c.boot(ex.boot)
	c.live(ipc.LiveSave{Eve: 1})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	require.Empty(t, c.flogs())
	require.NoFileExists(t, filepath.Join(pier, ".urb", "chk", "serf.snap"))
}

// TestFlagNotes: unknown and inert flag bits are reported in %flog after
// %ripe; CheckCorrupt reads a snapshot back after writing it.
func TestFlagNotes(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{flags: serf.CheckCorrupt | serf.Trace | 1<<20})
	c.ripe()
	c.boot(ex.boot)
	c.live(ipc.LiveSave{Eve: 1})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	require.Equal(t, []string{
		"serf: ignoring unknown flag bits 0x100000",
		"serf: flags trace have no effect in this serf",
		"serf: saved snapshot of event 1",
	}, c.flogs())
}

// TestCramAndRock crams the state (which saves a snapshot as well), then
// starts a serf from the rock with <rock-event>: it reports the crammed
// event and mug and carries on.
func TestCramAndRock(t *testing.T) {
	ex := loadExample(t)
	pier := t.TempDir()
	c := startSerf(t, pier, childOpts{})
	c.ripe()
	c.boot(ex.boot)
	for _, job := range ex.jobs {
		c.workDone(job)
	}
	c.live(ipc.LiveCram{Eve: 4})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)

	rock := filepath.Join(pier, ".urb", "roc", "4.jam")
	b, err := os.ReadFile(rock)
	require.NoError(t, err)
	n, err := noun.Cue(b)
	require.NoError(t, err)
	// [%arvo kernel 'hashboard' ~]
	require.Equal(t, noun.Cord("arvo"), n.Head())
	require.Equal(t, ex.mugs[2], noun.Mug(n.Tail().Head()))
	require.True(t, noun.Equal(noun.Cord("hashboard"), n.Tail().Tail().Head()))
	require.True(t, n.Tail().Tail().Tail().IsZero())

	// Like Urbit's serf, %cram saved a snapshot too.
	c = startSerf(t, pier, childOpts{})
	r := c.ripe()
	require.Equal(t, uint64(4), r.Eve)
	require.Equal(t, ex.mugs[2], r.Mug)
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)

	c = startSerf(t, pier, childOpts{rock: 4})
	r = c.ripe()
	require.Equal(t, uint64(4), r.Eve)
	require.Equal(t, ex.mugs[2], r.Mug)
	require.Equal(t, uint64(3), c.peekCount())
	var j jobs
	require.Equal(t, uint64(5), c.workDone(j.job(tagged("x"))).Eve)
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	require.Contains(t, c.flogs(), "serf: loaded rock of event 4 (mug "+hexf(ex.mugs[2])+")")

	t.Run("missing rock", func(t *testing.T) {
		c := startSerf(t, pier, childOpts{rock: 9})
		c.expectFatal(serf.ExitError, "no rock for event 9")
	})
	t.Run("corrupt rock", func(t *testing.T) {
		require.NoError(t, os.WriteFile(filepath.Join(pier, ".urb", "roc", "7.jam"), noun.Jam(noun.T(noun.Cord("arvo"), noun.One)), 0o644))
		c := startSerf(t, pier, childOpts{rock: 7})
		c.expectFatal(serf.ExitBadState, "7.jam", "not [%arvo kernel hashboard jets]")
	})
	t.Run("rock that does not cue", func(t *testing.T) {
		require.NoError(t, os.WriteFile(filepath.Join(pier, ".urb", "roc", "8.jam"), []byte{0, 0}, 0o644))
		c := startSerf(t, pier, childOpts{rock: 8})
		c.expectFatal(serf.ExitBadState, "8.jam", "does not cue")
	})
}
