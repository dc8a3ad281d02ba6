package king

import (
	"context"
	"iter"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// Replay sources whose events come as jams, as a log holds them: Replay
// splices them into its writs; the serf must see the same events.

// jammed yields the events first.. of jobs, each as a jam where asJam
// says so, as a noun otherwise; bad, if not 0, is an event whose jam is
// replaced by one that does not cue.
func jammed(first uint64, jobs []noun.Noun, asJam func(i int) bool, bad uint64) iter.Seq2[ReplayEvent, error] {
	return func(yield func(ReplayEvent, error) bool) {
		for i, j := range jobs {
			ev := ReplayEvent{Num: first + uint64(i)}
			switch {
			case ev.Num == bad:
				ev.Jam = []byte{0x01} // a cell cut short
			case asJam(i):
				ev.Jam = noun.Jam(j)
			default:
				ev.Job = j
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// Property: events as jams, nouns or a mix replay as the nouns would; a
// jam that does not cue stops the replay with an *EventJamError after the
// events before it.
func TestReplayJamProperty(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	rapid.Check(t, func(rt *rapid.T) {
		eve0, mug0, err := s.LastEvent()
		require.NoError(rt, err)
		n := rapid.IntRange(0, 120).Draw(rt, "events")
		batch := rapid.IntRange(1, 32).Draw(rt, "batch")
		kinds := rapid.SliceOfN(rapid.Bool(), n, n).Draw(rt, "asJam")
		var bad uint64
		if n > 0 && rapid.Bool().Draw(rt, "damaged") {
			bad = eve0 + 1 + uint64(rapid.IntRange(0, n-1).Draw(rt, "bad"))
		}
		js := make([]noun.Noun, n)
		for i := range js {
			js[i] = noun.T(noun.Atom(eve0+uint64(i)+1), noun.Path("job"), noun.Cord("x"), noun.Cord("x"))
		}
		var progress []ReplayProgress
		err = s.Replay(context.Background(), jammed(eve0+1, js, func(i int) bool { return kinds[i] }, bad),
			batch, func(p ReplayProgress) { progress = append(progress, p) })
		want := eve0 + uint64(n)
		if bad != 0 {
			var jamErr *EventJamError
			require.ErrorAs(rt, err, &jamErr)
			require.Equal(rt, bad, jamErr.Num)
			require.ErrorIs(rt, err, noun.ErrCueTruncated)
			want = bad - 1
		} else {
			require.NoError(rt, err)
		}
		mug := mug0
		for i := eve0 + 1; i <= want; i++ {
			mug = fakeMug(mug, js[i-eve0-1])
		}
		eve, gotMug, err := s.LastEvent()
		require.NoError(rt, err)
		require.Equal(rt, want, eve)
		require.Equal(rt, mug, gotMug)
		if len(progress) > 0 {
			require.Equal(rt, want, progress[len(progress)-1].Eve)
			require.Equal(rt, mug, progress[len(progress)-1].Mug)
		}
	})
}

// Swim cues events that come as jams.
func TestSwimJams(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	js := jobs(6)
	var mug uint32
	err := s.Swim(ctx, jammed(1, js, func(i int) bool { return i%2 == 0 }, 0),
		func(eve uint64, m uint32, effects noun.Noun) error {
			mug = fakeMug(mug, js[eve-1])
			require.Equal(t, mug, m)
			return nil
		})
	require.NoError(t, err)
	err = s.Swim(ctx, jammed(7, jobs(3), func(int) bool { return true }, 8),
		func(uint64, uint32, noun.Noun) error { return nil })
	var jamErr *EventJamError
	require.ErrorAs(t, err, &jamErr)
	require.EqualValues(t, 8, jamErr.Num)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 7, eve)
}

// The real serf computes spliced %play writs as the jammed ones: the same
// mug after every batch.
func TestRealReplayJams(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	ctx := context.Background()
	var js []noun.Noun
	for i := uint64(2); i <= 400; i++ {
		js = append(js, counterJob(i))
	}
	mugsOf := func(source iter.Seq2[ReplayEvent, error]) []uint32 {
		s, _ := startReal(t, t.TempDir())
		_, err := s.Boot(ctx, pill(t, "counter"))
		require.NoError(t, err)
		var mugs []uint32
		require.NoError(t, s.Replay(ctx, source, 50, func(p ReplayProgress) { mugs = append(mugs, p.Mug) }))
		return mugs
	}
	asNouns := mugsOf(numbered(2, js))
	require.Len(t, asNouns, 8)
	require.Equal(t, asNouns, mugsOf(jammed(2, js, func(int) bool { return true }, 0)))
	require.Equal(t, asNouns, mugsOf(jammed(2, js, func(i int) bool { return i%7 == 3 }, 0)))
}
