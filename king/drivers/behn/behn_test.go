package behn

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// base is the manual clock's start in the unit tests.
var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// injected records the events a driver injects.
type injected struct {
	mu   sync.Mutex
	ova  []noun.Noun
	ch   chan noun.Noun
	fail error
}

func newInjected() *injected { return &injected{ch: make(chan noun.Noun, 64)} }

func (in *injected) inject(_ context.Context, ov noun.Noun) error {
	in.mu.Lock()
	in.ova = append(in.ova, ov)
	err := in.fail
	in.mu.Unlock()
	in.ch <- ov
	return err
}

func (in *injected) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.ova)
}

// next waits for the next injected event.
func (in *injected) next(t *testing.T) noun.Noun {
	t.Helper()
	select {
	case ov := <-in.ch:
		return ov
	case <-time.After(10 * time.Second):
		t.Fatal("no event injected")
		return noun.Zero
	}
}

// dozeAt is the card argument of a %doze for t, [~ @da].
func dozeAt(t time.Time) noun.Noun { return noun.Cell(noun.Zero, noun.Da(t)) }

func newDriver(t *testing.T, clock *ManualClock, in *injected, state string) *Driver {
	t.Helper()
	d, err := New(Options{Inject: in.inject, Clock: clock, StateFile: state})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return d
}

func TestDozeFiresOnceAtItsTime(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Minute))))
	when, ok := d.Pending()
	require.True(t, ok)
	require.True(t, when.Equal(base.Add(time.Minute)), "pending %v", when)

	clock.Advance(59 * time.Second)
	require.Equal(t, 1, clock.Pending(), "not due yet")
	require.Zero(t, in.count())
	clock.Advance(time.Second)
	require.True(t, noun.Equal(WakeOvum(), in.next(t)))
	require.Equal(t, uint64(1), d.Fired())
	_, ok = d.Pending()
	require.False(t, ok, "a fired wake-up is no longer pending")
	clock.Advance(time.Hour)
	require.Zero(t, clock.Pending())
	require.Equal(t, 1, in.count())
}

func TestDozeInThePastFiresAtOnce(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	require.NoError(t, d.Doze(dozeAt(base.Add(-time.Hour))))
	require.True(t, noun.Equal(WakeOvum(), in.next(t)))
	require.NoError(t, d.Doze(dozeAt(base)))
	require.True(t, noun.Equal(WakeOvum(), in.next(t)), "a wake-up due now fires at once")
}

func TestDozeNullCancels(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Minute))))
	require.Equal(t, 1, clock.Pending())
	require.NoError(t, d.Doze(noun.Zero))
	require.Zero(t, clock.Pending(), "the timer is cancelled")
	_, ok := d.Pending()
	require.False(t, ok)
	clock.Advance(time.Hour)
	require.Zero(t, in.count())
	require.Zero(t, d.Fired())
}

func TestDozeReplacesThePendingWakeUp(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Minute))))
	require.NoError(t, d.Doze(dozeAt(base.Add(2*time.Minute))))
	require.Equal(t, 1, clock.Pending(), "one pending wake-up at a time")
	clock.Advance(time.Minute)
	require.Zero(t, in.count())
	clock.Advance(time.Minute)
	in.next(t)
	// An earlier one replaces a later one too.
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Hour))))
	require.NoError(t, d.Doze(dozeAt(base.Add(3*time.Minute))))
	clock.Advance(time.Minute)
	in.next(t)
	require.Equal(t, 2, in.count())
	require.Zero(t, clock.Pending())
}

func TestHandleEffect(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	wire := noun.T(noun.Zero, noun.Cord("behn"), noun.Zero)
	tests := []struct {
		name    string
		card    noun.Noun
		claimed bool
		armed   bool
	}{
		{"doze set", noun.Cell(noun.Cord("doze"), dozeAt(base.Add(time.Minute))), true, true},
		{"doze clear", noun.Cell(noun.Cord("doze"), noun.Zero), true, false},
		{"doze malformed unit", noun.T(noun.Cord("doze"), noun.Atom(1), noun.Atom(2)), true, false},
		{"doze cell date", noun.T(noun.Cord("doze"), noun.Zero, noun.Cell(noun.Atom(1), noun.Atom(2))), true, false},
		{"other card", noun.Cell(noun.Cord("wait"), noun.Zero), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, d.Doze(noun.Zero))
			ef, err := drivers.ParseEffect(1, noun.Cell(wire, tt.card))
			require.NoError(t, err)
			require.Equal(t, tt.claimed, d.HandleEffect(ef))
			_, armed := d.Pending()
			require.Equal(t, tt.armed, armed)
		})
	}
}

func TestDozeRejectsMalformedUnits(t *testing.T) {
	d := newDriver(t, NewManualClock(base), newInjected(), "")
	for _, bad := range []noun.Noun{
		noun.Atom(5),
		noun.Cell(noun.Atom(1), noun.Da(base)),
		noun.Cell(noun.Zero, noun.Cell(noun.Atom(1), noun.Atom(2))),
	} {
		require.ErrorIs(t, d.Doze(bad), ErrBadDoze, "%s", bad)
	}
}

// TestDozeDatesOutOfRange: a date further from 1970 than time.Time is
// asked to hold is still a date. [~ 5] (and [~ 0]) is long past and
// fires at once; one beyond 128 bits replaces the pending wake-up and
// never fires in practice.
func TestDozeDatesOutOfRange(t *testing.T) {
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, "")
	for _, past := range []uint64{5, 0} {
		require.NoError(t, d.Doze(noun.Cell(noun.Zero, noun.Atom(past))))
		require.True(t, noun.Equal(WakeOvum(), in.next(t)), "[~ %d]", past)
	}
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Minute))))
	require.NoError(t, d.Doze(noun.Cell(noun.Zero, noun.AtomWords([]uint64{0, 0, 1}))))
	when, ok := d.Pending()
	require.True(t, ok)
	require.True(t, when.After(base.AddDate(1000, 0, 0)), "pending %v", when)
	clock.Advance(24 * time.Hour)
	require.Equal(t, 2, in.count(), "the far wake-up replaced the minute's, and did not fire")
}

func TestStateFileSurvivesARestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".urb", "behn.jam")
	clock, in := NewManualClock(base), newInjected()
	d1, err := New(Options{Inject: in.inject, Clock: clock, StateFile: state})
	require.NoError(t, err)
	require.NoError(t, d1.Doze(dozeAt(base.Add(time.Hour))))
	require.NoError(t, d1.Close())
	b, err := os.ReadFile(state)
	require.NoError(t, err)
	require.Equal(t, noun.Jam(dozeAt(base.Add(time.Hour))), b)

	// The next king re-arms it at Start.
	d2 := newDriver(t, clock, in, state)
	require.NoError(t, d2.Start(context.Background()))
	when, ok := d2.Pending()
	require.True(t, ok)
	require.True(t, when.Equal(base.Add(time.Hour)))
	clock.Advance(time.Hour)
	in.next(t)

	// The state file is kept after the wake: a king that stops before
	// the kernel's next %doze delivers the wake again at its start, at
	// once since its time has passed.
	d3 := newDriver(t, clock, in, state)
	require.NoError(t, d3.Start(context.Background()))
	in.next(t)

	// A cleared wake-up is cleared across restarts too.
	require.NoError(t, d3.Doze(noun.Zero))
	d4 := newDriver(t, clock, in, state)
	require.NoError(t, d4.Start(context.Background()))
	_, ok = d4.Pending()
	require.False(t, ok)
}

func TestStartIgnoresDamagedStateFile(t *testing.T) {
	tests := map[string][]byte{
		"garbage":   {0xff, 0xff, 0xff},
		"not unit":  noun.Jam(noun.T(noun.Atom(3), noun.Atom(4))),
		"oversized": make([]byte, maxStateFile+10),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "behn.jam")
			require.NoError(t, os.WriteFile(state, body, 0o600))
			d := newDriver(t, NewManualClock(base), newInjected(), state)
			require.NoError(t, d.Start(context.Background()))
			_, ok := d.Pending()
			require.False(t, ok)
		})
	}
}

func TestStartAfterADozeKeepsTheDoze(t *testing.T) {
	state := filepath.Join(t.TempDir(), "behn.jam")
	require.NoError(t, os.WriteFile(state, noun.Jam(dozeAt(base.Add(time.Hour))), 0o600))
	clock, in := NewManualClock(base), newInjected()
	d := newDriver(t, clock, in, state)
	// A %doze handled before Start is newer than the file.
	require.NoError(t, d.Doze(dozeAt(base.Add(time.Minute))))
	require.NoError(t, d.Start(context.Background()))
	when, _ := d.Pending()
	require.True(t, when.Equal(base.Add(time.Minute)))
}

func TestStartInjectsBorn(t *testing.T) {
	in := newInjected()
	d, err := New(Options{Inject: in.inject, Clock: NewManualClock(base), Born: true})
	require.NoError(t, err)
	defer d.Close()
	require.NoError(t, d.Start(context.Background()))
	require.True(t, noun.Equal(BornOvum(), in.next(t)))
	in.mu.Lock()
	in.fail = errors.New("pier stopped")
	in.mu.Unlock()
	require.Error(t, d.Start(context.Background()))
}

func TestCloseStopsTheTimerAndAWakeInFlight(t *testing.T) {
	clock := NewManualClock(base)
	started := make(chan struct{})
	d, err := New(Options{Clock: clock, Inject: func(ctx context.Context, _ noun.Noun) error {
		close(started)
		<-ctx.Done() // a pier that never accepts the event
		return ctx.Err()
	}})
	require.NoError(t, err)
	require.NoError(t, d.Doze(dozeAt(base)))
	<-started
	require.NoError(t, d.Close(), "Close makes the blocked injection give up")
	require.NoError(t, d.Close(), "Close is idempotent")
	require.NoError(t, d.Doze(dozeAt(base)))
	require.Zero(t, clock.Pending(), "a closed driver arms nothing")
}

func TestNewNeedsInject(t *testing.T) {
	_, err := New(Options{})
	require.Error(t, err)
}

func TestRealClockFires(t *testing.T) {
	in := newInjected()
	d2, err := New(Options{Inject: in.inject})
	require.NoError(t, err)
	defer d2.Close()
	require.NoError(t, d2.Doze(dozeAt(time.Now().Add(10*time.Millisecond))))
	require.True(t, noun.Equal(WakeOvum(), in.next(t)))
}
