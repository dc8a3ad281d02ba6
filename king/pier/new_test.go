package pier

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

func TestNewFromTaggedPill(t *testing.T) {
	counter := loadPill(t, "counter")
	kova := noun.T(noun.Path("k"), noun.Cord("veer"), noun.Zero)
	uova := noun.T(noun.Path("u"), noun.Cord("park"), noun.Zero)
	pill, err := PillFromNoun(testPill(counter.Formulas, []noun.Noun{kova}, []noun.Noun{uova}))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pier")
	who := noun.Atom(0x1234)
	rep, err := New(context.Background(), dir, pill, NewOptions{Who: who, Fake: true, Serf: serfConfig(t),
		Now: time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC), Entropy: noun.Atom(77)})
	require.NoError(t, err)
	// formula, %whom, %wack, kernel ovum, %boot, userspace ovum
	require.Equal(t, uint64(6), rep.Events)
	require.Equal(t, uint64(1), rep.Life)
	require.NotZero(t, rep.Mug)

	info, err := Info(dir)
	require.NoError(t, err)
	require.True(t, noun.Equal(who, info.Who))
	require.True(t, info.Fake)
	require.Equal(t, uint64(1), info.Life)
	require.Equal(t, uint64(6), info.Events)
	require.Equal(t, uint64(6), info.SnapshotEvent)
	require.Equal(t, rep.Mug, info.SnapshotMug)

	logged := readLog(t, dir)
	for _, ev := range logged {
		require.Zero(t, ev.Mug, "boot events are logged with mug 0")
	}
	job, err := noun.Cue(logged[4].Jam)
	require.NoError(t, err)
	boot, _ := job.Slot(7)
	require.True(t, noun.Equal(noun.T(noun.Cord("boot"), noun.One, noun.Cord("fake"), who), boot), "%s", boot)

	// A replay of the log from nothing rebuilds the booted state.
	rr, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t)})
	require.NoError(t, err)
	require.Equal(t, rep.Mug, rr.FinalMug)
}

func TestNewLiveShipFromTaggedPillRefused(t *testing.T) {
	counter := loadPill(t, "counter")
	pill, err := PillFromNoun(testPill(counter.Formulas, nil, nil))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pier")
	_, err = New(context.Background(), dir, pill, NewOptions{Serf: serfConfig(t)})
	require.ErrorIs(t, err, ErrLiveShip)
	require.NoDirExists(t, dir)
}
