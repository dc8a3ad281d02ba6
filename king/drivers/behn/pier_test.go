package behn

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// timerKing is a pier running the timer kernel with a behn driver routed
// its effects, as `king run` wires them.
type timerKing struct {
	t     *testing.T
	p     *pier.Pier
	d     *Driver
	woke  chan struct{} // a wake was injected and committed
	runc  chan error
	state string
}

// newTimerPier boots a pier from testdata/kernels/timer.pill.
func newTimerPier(t *testing.T) string {
	t.Helper()
	if kingPath == "" {
		t.Skipf("the king binary could not be built, so the real serf is unavailable: %v", kingErr)
	}
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", "timer.pill"))
	require.NoError(t, err)
	pill, err := pier.LoadPill(b)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pier")
	_, err = pier.New(context.Background(), dir, pill, pier.NewOptions{Fake: true, Serf: serf()})
	require.NoError(t, err)
	return dir
}

func serf() king.Config {
	return king.Config{SerfPath: kingPath, OnStderr: func(string) {}, OnSlog: func(uint64, noun.Noun) {},
		OnFlog: func(string) {}}
}

// startTimerKing opens and runs the pier with a fresh driver on clock,
// started once the pier is ready.
func startTimerKing(t *testing.T, dir string, clock Clock, born bool) *timerKing {
	t.Helper()
	p, err := pier.Open(dir, pier.Options{})
	require.NoError(t, err)
	k := &timerKing{t: t, p: p, woke: make(chan struct{}, 16), runc: make(chan error, 1), state: StatePath(dir)}
	k.d, err = New(Options{Clock: clock, StateFile: k.state, Born: born,
		Inject: func(ctx context.Context, ov noun.Noun) error {
			_, err := p.Inject(ctx, ov)
			if err == nil && noun.Equal(ov, WakeOvum()) {
				k.woke <- struct{}{}
			}
			return err
		}})
	require.NoError(t, err)
	router := drivers.NewRouter(drivers.RouterOptions{})
	router.Handle(Vane, k.d)
	ready := make(chan struct{})
	go func() {
		k.runc <- p.Run(context.Background(), pier.RunOptions{Serf: serf(), Effects: router.Route,
			OnReady: func() { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-k.runc:
		t.Fatalf("pier stopped before it was ready: %v", err)
	}
	require.NoError(t, k.d.Start(context.Background()))
	t.Cleanup(k.stop)
	return k
}

// stop closes the driver, then shuts the pier down and closes it.
func (k *timerKing) stop() {
	if k.p == nil {
		return
	}
	require.NoError(k.t, k.d.Close())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = k.p.Shutdown(ctx)
	require.NoError(k.t, <-k.runc)
	require.NoError(k.t, k.p.Close())
	k.p = nil
}

// waitOvum is the timer kernel's [%wait at] event.
func waitOvum(at time.Time) noun.Noun {
	return noun.T(noun.T(noun.Cord("b"), noun.Cord("behn"), noun.Zero), noun.Cord("wait"), noun.Da(at))
}

// wait injects [%wait at], a time to come, and checks the driver armed it.
func (k *timerKing) wait(at time.Time) {
	k.t.Helper()
	_, err := k.p.Inject(context.Background(), waitOvum(at))
	require.NoError(k.t, err)
	when, ok := k.d.Pending()
	require.True(k.t, ok, "the %doze effect was released with the event")
	require.True(k.t, when.Equal(at), "pending %v, want %v", when, at)
}

// awaitWake waits for a wake to be committed.
func (k *timerKing) awaitWake() {
	k.t.Helper()
	select {
	case <-k.woke:
	case <-time.After(30 * time.Second):
		k.t.Fatal("no wake was committed")
	}
}

// requireState checks the kernel's state [wakes pending] by a peek.
func (k *timerKing) requireState(want string) {
	k.t.Helper()
	got, err := k.p.Scry(context.Background(), ipc.LocalGang(), noun.Path("x"))
	require.NoError(k.t, err)
	w, err := noun.Parse("[0 %noun " + want + "]")
	require.NoError(k.t, err)
	require.True(k.t, noun.Equal(w, got), "kernel state %s, want %s", got, w)
}

func TestTimerKernelThroughAPier(t *testing.T) {
	dir := newTimerPier(t)
	clock := NewManualClock(base)
	k := startTimerKing(t, dir, clock, false)

	// A timer fires at its time; the kernel's answer (%doze ~) clears it.
	k.wait(base.Add(time.Hour))
	clock.Advance(time.Hour)
	k.awaitWake()
	k.requireState("[1 0]")
	_, ok := k.d.Pending()
	require.False(t, ok)

	// A serf restart does not disturb the pending time.
	k.wait(base.Add(2 * time.Hour))
	require.NoError(t, k.p.RestartSerf(context.Background()))
	clock.Advance(time.Hour)
	k.awaitWake()
	k.requireState("[2 0]")

	// A king restart re-arms it from the state file.
	at := base.Add(3 * time.Hour)
	k.wait(at)
	k.stop()
	k = startTimerKing(t, dir, clock, false)
	when, ok := k.d.Pending()
	require.True(t, ok, "re-armed from the state file")
	require.True(t, when.Equal(at))
	clock.Advance(time.Hour)
	k.awaitWake()
	k.requireState("[3 0]")

	// With the state file lost, %born makes the kernel send it again.
	at = base.Add(5 * time.Hour)
	k.wait(at)
	k.stop()
	require.NoError(t, os.Remove(StatePath(dir)))
	k = startTimerKing(t, dir, clock, true)
	when, ok = k.d.Pending()
	require.True(t, ok, "re-learned from the kernel's answer to %born")
	require.True(t, when.Equal(at))
	// A time that passed while the king was down fires at once.
	_, err := k.p.Inject(context.Background(), waitOvum(base.Add(time.Minute)))
	require.NoError(t, err)
	k.awaitWake()
	k.requireState("[4 0]")
}
