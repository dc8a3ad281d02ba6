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

// TestSlowWatchReportsAgainAndAgain: a stuck event is named each time the
// threshold passes once more.
func TestSlowWatchReportsAgainAndAgain(t *testing.T) {
	const after = 5 * time.Millisecond
	got := make(chan SlowEvent, 8)
	w := newSlowWatch(after, 0, func(ev SlowEvent) { got <- ev })
	w.start(3, 3, noun.Zero, false, false, time.Now())
	var prev time.Duration
	for i := range 3 {
		ev := <-got
		require.Equal(t, uint64(3), ev.Eve)
		require.Greater(t, ev.Elapsed, prev)
		require.GreaterOrEqual(t, ev.Elapsed, time.Duration(i+1)*after)
		prev = ev.Elapsed
	}
	w.stop()
}

// TestSlowWatchNewEventPostponesReport: an event that replaces the watched
// one before it is due is reported only once it has itself run for the
// threshold (the timer, armed for the first, fires early and re-arms).
func TestSlowWatchNewEventPostponesReport(t *testing.T) {
	const after = 40 * time.Millisecond
	got := make(chan SlowEvent, 4)
	w := newSlowWatch(after, 0, func(ev SlowEvent) { got <- ev })
	w.start(1, 1, noun.Zero, false, false, time.Now())
	time.Sleep(after / 2)
	w.start(2, 2, noun.Zero, false, false, time.Now())
	ev := <-got
	w.stop()
	require.Equal(t, uint64(2), ev.Eve)
	require.GreaterOrEqual(t, ev.Elapsed, after)
}

// TestSlowWatchRestartsAfterStop: the one timer serves watch after watch.
func TestSlowWatchRestartsAfterStop(t *testing.T) {
	got := make(chan SlowEvent, 8)
	w := newSlowWatch(time.Millisecond, 0, func(ev SlowEvent) { got <- ev })
	for eve := uint64(1); eve <= 3; eve++ {
		w.start(eve, eve, noun.Zero, false, false, time.Now())
		ev := <-got
		w.stop()
		require.Equal(t, eve, ev.Eve)
		for len(got) > 0 { // reports that raced the stop
			<-got
		}
	}
}

// TestSlowWatchForgetsJobsOfAnEarlierPass: remembering an event number at
// or below those already kept (a replay after a restart) drops the later
// ones, and starting a range drops the jobs before it.
func TestSlowWatchForgetsJobsOfAnEarlierPass(t *testing.T) {
	w := newSlowWatch(time.Hour, 1, func(SlowEvent) {})
	job := func(tag string) noun.Noun { return noun.T(noun.Atom(1), noun.Path("t"), noun.Cord(tag), noun.Zero) }
	w.remember(10, job("ten"))
	w.remember(11, job("eleven"))
	w.remember(5, job("five"))
	require.Len(t, w.jobs, 1)
	require.Equal(t, uint64(5), w.jobs[0].num)
	w.remember(6, job("six"))
	w.start(6, 6, noun.Zero, false, false, time.Now())
	require.Len(t, w.jobs, 1)
	require.Equal(t, uint64(6), w.jobs[0].num)
	w.start(7, 7, job("seven"), true, false, time.Now())
	require.Len(t, w.jobs, 1)
	require.Equal(t, uint64(7), w.jobs[0].num)
	require.True(t, noun.Equal(job("seven"), w.jobs[0].job))
	w.stop()
}
