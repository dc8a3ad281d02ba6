package king

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Property: whatever the mix of requests and the pipelining depth, Run
// answers every request exactly once and in order, numbers events without
// gaps (a bail consumes none), and leaves LastEvent at the model's count.
// One fake serf serves every case, so its state carries over.
func TestRunProperty(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	rapid.Check(t, func(rt *rapid.T) {
		eve0, mug0, err := s.LastEvent()
		require.NoError(rt, err)
		depth := rapid.IntRange(1, 20).Draw(rt, "depth")
		kinds := rapid.SliceOfN(rapid.IntRange(0, 9), 1, 60).Draw(rt, "requests")

		type answer struct {
			index int
			kind  ResultKind // 0 for a non-work request
			eve   uint64
			mug   uint32
		}
		var answers []answer
		reqs := make(chan Request, len(kinds))
		eve, mug := eve0, mug0
		var want []answer
		for i, k := range kinds {
			switch {
			case k <= 5: // a normal event
				job := noun.T(noun.Atom(uint64(i)), noun.Path("prop"), noun.Atom(eve))
				eve, mug = eve+1, fakeMug(mug, job)
				want = append(want, answer{i, WorkDone, eve, mug})
				reqs <- Work{Job: job, Done: func(r WorkResult) { answers = append(answers, answer{i, r.Kind, r.Eve, r.Mug}) }}
			case k == 6: // crashes, replaced
				crud := noun.T(noun.Cord("crud"), jobCrash)
				eve, mug = eve+1, fakeMug(mug, crud)
				want = append(want, answer{i, WorkSwap, eve, mug})
				reqs <- Work{Job: jobCrash, Done: func(r WorkResult) { answers = append(answers, answer{i, r.Kind, r.Eve, r.Mug}) }}
			case k == 7: // bails: no event
				want = append(want, answer{i, WorkBail, eve, mug})
				reqs <- Work{Job: jobBail, Done: func(r WorkResult) { answers = append(answers, answer{i, r.Kind, r.Eve, r.Mug}) }}
			case k == 8:
				want = append(want, answer{index: i})
				reqs <- Save{Done: func(err error) {
					require.NoError(rt, err)
					answers = append(answers, answer{index: i})
				}}
			default:
				want = append(want, answer{index: i, eve: eve})
				reqs <- Scry{Gang: ipc.LocalGang(), Path: noun.Path("x"), Done: func(n noun.Noun, err error) {
					require.NoError(rt, err)
					count := n.Tail().Tail() // [~ %noun count]
					c, _ := count.Word()
					answers = append(answers, answer{index: i, eve: c})
				}}
			}
		}
		close(reqs)
		require.NoError(rt, s.Run(context.Background(), reqs, RunOptions{MaxInFlight: depth}))
		require.Equal(rt, want, answers)
		gotEve, gotMug, err := s.LastEvent()
		require.NoError(rt, err)
		require.Equal(rt, eve, gotEve)
		require.Equal(rt, mug, gotMug)
	})
}

// Property: Replay in any batch size ends where replaying the events one
// by one would, reporting progress after each batch.
func TestReplayProperty(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	rapid.Check(t, func(rt *rapid.T) {
		eve0, mug0, err := s.LastEvent()
		require.NoError(rt, err)
		n := rapid.Uint64Range(0, 300).Draw(rt, "events")
		batch := rapid.IntRange(1, 64).Draw(rt, "batch")
		var progress []ReplayProgress
		require.NoError(rt, s.Replay(context.Background(), events(eve0+1, eve0+n), batch,
			func(p ReplayProgress) { progress = append(progress, p) }))
		mug := mug0
		for i := eve0 + 1; i <= eve0+n; i++ {
			mug = fakeMug(mug, noun.Atom(i))
		}
		eve, gotMug, err := s.LastEvent()
		require.NoError(rt, err)
		require.Equal(rt, eve0+n, eve)
		require.Equal(rt, mug, gotMug)
		wantBatches := (n + uint64(batch) - 1) / uint64(batch)
		require.Len(rt, progress, int(wantBatches))
		for i, p := range progress {
			require.EqualValues(rt, i+1, p.Batches)
			require.Equal(rt, min(uint64(i+1)*uint64(batch), n), p.Events)
			require.Equal(rt, eve0+p.Events, p.Eve)
		}
	})
}
