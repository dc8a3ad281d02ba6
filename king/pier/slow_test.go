package pier

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

func TestSlowWatchNamesEventWhileItRuns(t *testing.T) {
	got := make(chan SlowEvent, 4)
	w := newSlowWatch(time.Millisecond, 1, func(ev SlowEvent) { got <- ev })
	job := noun.T(noun.Atom(7), noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero), noun.Cord("wack"), noun.Atom(1))
	w.start(12, 12, job, true, false, time.Now())
	ev := <-got
	w.stop()
	require.Equal(t, uint64(12), ev.Eve)
	require.Equal(t, uint64(12), ev.Last)
	require.Equal(t, "//arvo", ev.Wire)
	require.Equal(t, "%wack", ev.Card)
	require.False(t, ev.Replay)
	require.GreaterOrEqual(t, ev.Elapsed, time.Millisecond)
}

func TestSlowWatchReplayBatchUsesRememberedJob(t *testing.T) {
	got := make(chan SlowEvent, 4)
	w := newSlowWatch(time.Millisecond, 1, func(ev SlowEvent) { got <- ev })
	w.remember(501, noun.T(noun.Atom(7), noun.Path("d", "term", "1"), noun.Cord("belt"), noun.Zero))
	w.start(501, 1000, noun.Zero, false, true, time.Now())
	ev := <-got
	w.stop()
	require.Equal(t, SlowEvent{Eve: 501, Last: 1000, Wire: "/d/term/1", Card: "%belt", Replay: true,
		Elapsed: ev.Elapsed}, ev)
}

func TestSlowWatchStoppedDoesNotReport(t *testing.T) {
	w := newSlowWatch(time.Hour, 0, func(SlowEvent) { t.Error("reported after stop") })
	w.start(1, 1, noun.Zero, false, false, time.Now())
	w.stop()
	var none *slowWatch // a nil watch is inert
	none.start(1, 1, noun.Zero, false, false, time.Now())
	none.remember(1, noun.Zero)
	none.stop()
}

func TestDescribeJob(t *testing.T) {
	cases := []struct {
		eve, life  uint64
		job        noun.Noun
		wire, card string
	}{
		{1, 1, noun.T(noun.Atom(1), noun.Zero), "", "boot formula"},
		{5, 1, noun.T(noun.Atom(1), noun.Path("b", "behn"), noun.Cord("wake"), noun.Zero), "/b/behn", "%wake"},
		{5, 1, noun.T(noun.Atom(1), noun.Atom(3), noun.Atom(4)), "3", "4"},
		{5, 1, noun.Atom(9), "", "not [now ovum]"},
		{5, 1, noun.T(noun.Atom(1), noun.Atom(2)), "", "not [wire card]"},
	}
	for _, c := range cases {
		wire, card := describeJob(c.eve, c.life, c.job)
		require.Equal(t, c.wire, wire, "%s", c.job)
		require.Equal(t, c.card, card, "%s", c.job)
	}
}
