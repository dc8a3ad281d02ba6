//go:build unix

package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// waitOvum is the timer kernel's request for a wake-up at t.
func waitOvum(t time.Time) noun.Noun {
	return noun.T(noun.T(noun.Cord("b"), noun.Cord("behn"), noun.Zero), noun.Cord("wait"), noun.Da(t))
}

// timerState peeks the timer kernel: the wakes it had and its pending
// wake-up, a (unit @da).
func timerState(t *testing.T, dir string) (wakes uint64, pending noun.Noun) {
	t.Helper()
	cl := dialPierClient(t, dir)
	defer cl.Close()
	st := peekState(t, cl)
	require.True(t, st.IsCell(), "timer state %s", st)
	wakes, ok := st.Head().Word()
	require.True(t, ok)
	return wakes, st.Tail()
}

// TestRunTimer: the timer kernel's %doze effects set the behn driver's
// wake-up through `king run`; when it is due the driver injects %wake.
func TestRunTimer(t *testing.T) {
	dir := newTestPier(t, "timer")
	k, _ := runningKing(t, dir, "--log-level", "debug")
	cl := dialPierClient(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()

	res, err := cl.Poke(ctx, waitOvum(time.Now().Add(200*time.Millisecond)))
	require.NoError(t, err)
	k.waitMsg("behn: wake")
	require.Eventually(t, func() bool { w, _ := timerState(t, dir); return w == 1 }, waitLimit, 5*time.Millisecond)
	_, pending := timerState(t, dir)
	require.True(t, pending.IsZero(), "nothing pending after the wake: %s", pending)

	// A date in the past fires at once; a cleared one never.
	_, err = cl.Poke(ctx, waitOvum(time.Now().Add(-time.Hour)))
	require.NoError(t, err)
	require.Eventually(t, func() bool { w, _ := timerState(t, dir); return w == 2 }, waitLimit, 5*time.Millisecond)
	_, err = cl.Poke(ctx, waitOvum(time.Now().Add(time.Minute)))
	require.NoError(t, err)
	rest, err := cl.Poke(ctx, noun.T(noun.T(noun.Cord("b"), noun.Cord("behn"), noun.Zero), noun.Cord("rest"), noun.Zero))
	require.NoError(t, err)
	require.NoError(t, cl.Close())

	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
	stderr := k.stderr()
	require.Equal(t, 2, countMsg(stderr, "behn: wake"), "the cleared wake-up never fired")
	// Every event was the kernel's: the start's %born, the waits, the
	// wakes, the rest.
	require.Greater(t, rest.Eve, res.Eve)
	require.Equal(t, rest.Eve, pierInfo(t, dir).Events)
}

// TestRunTimerAcrossRestarts: a wake-up pending when the king stops fires
// after the next start (re-armed from the driver's state file and sent
// again by the kernel on %born).
func TestRunTimerAcrossRestarts(t *testing.T) {
	dir := newTestPier(t, "timer")
	k, _ := runningKing(t, dir, "--log-level", "debug")
	cl := dialPierClient(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_, err := cl.Poke(ctx, waitOvum(time.Now().Add(1500*time.Millisecond)))
	require.NoError(t, err)
	require.NoError(t, cl.Close())
	k.signal(syscall.SIGTERM)
	require.Equal(t, 0, k.wait(), k.stderr())
	require.Zero(t, countMsg(k.stderr(), "behn: wake"),
		"the king took more than 1.5 s to stop: the wake-up fired before the restart")

	k2, _ := runningKing(t, dir, "--log-level", "debug")
	k2.waitMsg("behn: wake")
	require.Eventually(t, func() bool { w, _ := timerState(t, dir); return w == 1 }, waitLimit, 5*time.Millisecond)
	k2.signal(syscall.SIGTERM)
	require.Equal(t, 0, k2.wait(), k2.stderr())
	require.Contains(t, k2.stderr(), "behn: re-arming the wake-up kept from the last run")
}

// countMsg counts the JSON log lines with message msg.
func countMsg(stderr, msg string) int {
	n := 0
	for _, l := range parseLogLines(stderr) {
		if l.msg() == msg {
			n++
		}
	}
	return n
}
