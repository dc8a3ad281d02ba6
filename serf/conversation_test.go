package serf_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// TestBootWorkPeekExample runs vectors.json's kernel_example through the
// serf process in both framings: the boot list from the checked-in counter
// pill, three events and a peek, with exactly the mugs, effects and peek
// result Urbit's serf gives.
func TestBootWorkPeekExample(t *testing.T) {
	ex := loadExample(t)
	counter := pill(t, "counter")
	require.True(t, noun.Equal(noun.List(ex.boot...), noun.List(counter...)),
		"counter.pill is not the kernel_example boot list")
	for _, framing := range []ipc.Framing{ipc.Legacy, ipc.Newt} {
		t.Run(framing.String(), func(t *testing.T) {
			t.Parallel()
			c := startSerf(t, t.TempDir(), childOpts{framing: framing})
			r := c.ripe()
			require.Zero(t, r.Eve)
			require.Zero(t, r.Mug)
			require.Equal(t, hexf(ex.mugAfterBoot), hexf(c.boot(counter)))
			for i, job := range ex.jobs {
				done := c.workDone(job)
				require.Equal(t, ex.eves[i], done.Eve)
				require.Equal(t, hexf(ex.mugs[i]), hexf(done.Mug))
				require.True(t, noun.Equal(ex.effects[i], done.Effects), "effects %s", noun.String(done.Effects))
			}
			c.send(ipc.Peek{Sample: ex.peekSample})
			p := c.recv()
			require.IsType(t, ipc.PeekDone{}, p)
			require.True(t, noun.Equal(ex.peekResult, p.(ipc.PeekDone).Result))
			c.send(ipc.LiveExit{Code: 0})
			c.expectExit(0)
		})
	}
}

// TestNewtFramingOnTheWire checks the first bytes the serf writes: a newt
// %ripe under KING_SERF_FRAMING=newt, a legacy one otherwise, exactly the
// frames of vectors.json for an empty serf.
func TestNewtFramingOnTheWire(t *testing.T) {
	for _, tc := range []struct {
		framing ipc.Framing
		want    string
	}{
		{ipc.Legacy, "0b00000000000000015f2e0dae5c1c8846cc14"},
		{ipc.Newt, "000b000000015f2e0dae5c1c8846cc14"},
	} {
		t.Run(tc.framing.String(), func(t *testing.T) {
			c := startSerf(t, t.TempDir(), childOpts{framing: tc.framing, record: true})
			c.ripe()
			require.Equal(t, "< "+tc.want, c.transcript[0])
			c.send(ipc.LiveExit{Code: 0})
			c.expectExit(0)
		})
	}
}

// TestSaveRestartReplay saves, exits, restarts (eve and mug survive in
// %ripe), replays further events in a batch and keeps working.
func TestSaveRestartReplay(t *testing.T) {
	ex := loadExample(t)
	pier := t.TempDir()

	c := startSerf(t, pier, childOpts{})
	c.ripe()
	c.boot(ex.boot)
	c.workDone(ex.jobs[0])
	c.live(ipc.LiveSave{Eve: 2})
	require.Contains(t, c.flogs(), "serf: saved snapshot of event 2")
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)

	c = startSerf(t, pier, childOpts{})
	r := c.ripe()
	require.Equal(t, uint64(2), r.Eve)
	require.Equal(t, hexf(ex.mugs[0]), hexf(r.Mug))
	require.Equal(t, uint64(1), c.peekCount())
	// Replay events 3 and 4 as one batch, as a king catching up does.
	c.send(ipc.Play{Eve: 3, Events: ex.jobs[1:]})
	p := c.recv()
	require.Equal(t, ipc.PlayDone{Mug: ex.mugs[2]}, p)
	require.Equal(t, uint64(3), c.peekCount())
	var j jobs
	done := c.workDone(j.job(tagged("more")))
	require.Equal(t, uint64(5), done.Eve)
	c.live(ipc.LiveSave{Eve: 5})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	require.Contains(t, c.flogs(), "serf: loaded snapshot of event 2 (mug "+hexf(ex.mugs[0])+")")

	c = startSerf(t, pier, childOpts{})
	r = c.ripe()
	require.Equal(t, uint64(5), r.Eve)
	require.Equal(t, uint64(4), c.peekCount())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestReplayFromEmptyInBatches replays a whole log into a fresh serf: the
// boot %play, then the events in batches, ending at the same mug as the
// serf that computed them.
func TestReplayFromEmptyInBatches(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	require.Equal(t, ex.mugAfterBoot, c.boot(ex.boot))
	c.send(ipc.Play{Eve: 2, Events: ex.jobs[:1]})
	require.Equal(t, ipc.PlayDone{Mug: ex.mugs[0]}, c.recv())
	c.send(ipc.Play{Eve: 3, Events: ex.jobs[1:]})
	require.Equal(t, ipc.PlayDone{Mug: ex.mugs[2]}, c.recv())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestEmptyPlayRefused: as in Urbit's serf, a %play with no events is a
// bad writ, before boot and after: the serf says so and exits 1.
func TestEmptyPlayRefused(t *testing.T) {
	ex := loadExample(t)
	for _, booted := range []bool{false, true} {
		c := startSerf(t, t.TempDir(), childOpts{})
		c.ripe()
		eve := uint64(1)
		if booted {
			c.boot(ex.boot)
			eve = uint64(len(ex.boot)) + 1
		}
		c.send(ipc.Play{Eve: eve})
		c.expectFatal(serf.ExitError, "play.lit: want non-empty list")
	}
}

// TestExitStatus checks that %live %exit ends the serf with the status
// asked for and no reply.
func TestExitStatus(t *testing.T) {
	for _, code := range []uint8{0, 7, 255} {
		c := startSerf(t, t.TempDir(), childOpts{})
		c.ripe()
		c.send(ipc.LiveExit{Code: code})
		stderr := c.expectExit(int(code))
		require.Empty(t, stderr)
	}
}

// TestMeldPack checks that %meld and %pack answer [%live ~] and leave the
// state (and so its mug) as it was.
func TestMeldPack(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.live(ipc.LiveMeld{}) // before boot: nothing to do
	c.boot(ex.boot)
	c.workDone(ex.jobs[0])
	c.live(ipc.LiveMeld{})
	c.live(ipc.LivePack{})
	done := c.workDone(ex.jobs[1])
	require.Equal(t, hexf(ex.mugs[1]), hexf(done.Mug))
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestPeekBeforeBoot checks that a peek of an empty serf bails rather
// than ending it.
func TestPeekBeforeBoot(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.send(ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "x")})
	// As from Urbit's serf, which finds no kernel: %exit, no trace.
	require.Equal(t, ipc.PeekBail{Goof: ipc.Goof{Mote: "exit", Tang: noun.Zero}}, c.recv())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}
