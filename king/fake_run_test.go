package king

import (
	"context"
	"errors"
	"iter"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Run pipelines works, answers them in order with done, swap and bail,
// and runs Save, Pack and Scry alone between them.
func TestFakeRun(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	ctx := context.Background()

	js := jobs(40)
	js[10] = jobCrash
	js[20] = jobBail
	reqs := make(chan Request, 100)
	var results []WorkResult
	var spins []SpinState
	var durable []uint64
	var saved, packed, scried int
	for i, j := range js {
		reqs <- Work{Job: j, Done: func(r WorkResult) { results = append(results, r) }}
		if i == 25 {
			reqs <- Save{Done: func(err error) {
				require.NoError(t, err)
				saved++
			}}
			reqs <- Scry{Gang: ipc.LocalGang(), Path: noun.Path("x"), Done: func(n noun.Noun, err error) {
				require.NoError(t, err)
				// 26 works went before, one of which bailed.
				require.True(t, noun.Equal(noun.Some(noun.T(noun.Cord("noun"), noun.Atom(25))), n), noun.String(n))
				scried++
			}}
			reqs <- Pack{Done: func(err error) {
				require.NoError(t, err)
				packed++
			}}
		}
	}
	reqs <- Kill{}
	reqs <- Work{Job: jobs(1)[0], Done: func(WorkResult) { t.Error("work after Kill ran") }}
	err := s.Run(ctx, reqs, RunOptions{
		MaxInFlight: 7,
		Spinner:     func(sp SpinState) { spins = append(spins, sp) },
		WaitDurable: func(_ context.Context, eve uint64) error {
			durable = append(durable, eve)
			return nil
		},
	})
	require.NoError(t, err)
	require.Equal(t, []uint64{25}, durable)
	require.Equal(t, 1, saved)
	require.Equal(t, 1, packed)
	require.Equal(t, 1, scried)

	require.Len(t, results, len(js))
	var eve uint64
	var mug uint32
	for i, r := range results {
		switch i {
		case 10:
			require.Equal(t, WorkSwap, r.Kind)
			crud := noun.T(noun.Cord("crud"), jobCrash)
			require.True(t, noun.Equal(crud, r.Job))
			eve, mug = eve+1, fakeMug(mug, crud)
		case 20:
			require.Equal(t, WorkBail, r.Kind)
			require.Len(t, r.Goofs, 2)
			require.Equal(t, "exit", r.Goofs[0].Mote)
		default:
			require.Equal(t, WorkDone, r.Kind, "result %d", i)
			require.True(t, noun.Equal(js[i], r.Job))
			require.True(t, noun.Equal(noun.List(js[i]), r.Effects))
			eve, mug = eve+1, fakeMug(mug, js[i])
		}
		require.Equal(t, eve, r.Eve, "result %d", i)
		require.Equal(t, mug, r.Mug, "result %d", i)
	}
	gotEve, gotMug, err := s.LastEvent()
	require.NoError(t, err)
	require.Equal(t, eve, gotEve)
	require.Equal(t, mug, gotMug)

	require.NotEmpty(t, spins)
	require.True(t, spins[0].Busy)
	require.EqualValues(t, 1, spins[0].Eve)
	require.False(t, spins[len(spins)-1].Busy, "the spinner ends idle")
}

// Run returns nil when its channel closes, after draining; its ctx ending
// with nothing in flight returns ctx's error and leaves the serf running.
func TestFakeRunEnds(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	results := runWorks(t, s, jobs(5), 100)
	require.Len(t, results, 5)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, s.Run(ctx, make(chan Request), RunOptions{}), context.Canceled)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 5, eve)

	require.Error(t, s.Run(context.Background(), nil, RunOptions{MaxInFlight: -1}))
}

// A Save whose WaitDurable fails reports it and Run goes on.
func TestFakeRunSaveWaitFails(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	boom := errors.New("log is broken")
	reqs := make(chan Request, 3)
	var saveErr error
	reqs <- Save{Done: func(err error) { saveErr = err }}
	reqs <- Work{Job: jobs(1)[0]}
	close(reqs)
	err := s.Run(context.Background(), reqs, RunOptions{
		WaitDurable: func(context.Context, uint64) error { return boom },
	})
	require.NoError(t, err)
	require.ErrorIs(t, saveErr, boom)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 1, eve)
}

// When Run's ctx ends with a work the serf never answers, Run waits
// ExitTimeout, then kills the serf.
func TestFakeRunCancelHung(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t, modeOK)
	cfg.ExitTimeout = 100 * time.Millisecond
	s, _, err := Start(context.Background(), cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	reqs := make(chan Request, 2)
	reqs <- Work{Job: jobs(1)[0], Done: func(WorkResult) {}}
	reqs <- Work{Job: jobHang}
	err = s.Run(ctx, reqs, RunOptions{Spinner: func(sp SpinState) {
		if sp.Busy && noun.Equal(sp.Job, jobHang) {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	requireGone(t, s)
	_, _, err = s.LastEvent()
	require.ErrorIs(t, err, ErrSerfNotRunning)
}

// SendSIGINT interrupts the event being computed.
func TestFakeSendSIGINT(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	reqs := make(chan Request, 1)
	reqs <- Work{Job: jobLoop, Done: func(r WorkResult) {
		require.Equal(t, WorkBail, r.Kind)
		require.Equal(t, "intr", r.Goofs[0].Mote)
		close(reqs)
	}}
	err := s.Run(context.Background(), reqs, RunOptions{Spinner: func(sp SpinState) {
		if sp.Busy {
			require.NoError(t, s.SendSIGINT())
		}
	}})
	require.NoError(t, err)
}

// Run notices a serf that dies while it is idle.
func TestFakeRunSerfDiesIdle(t *testing.T) {
	t.Parallel()
	s, _, err := Start(context.Background(), fakeConfig(t, modeOK))
	require.NoError(t, err)
	reqs := make(chan Request)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(context.Background(), reqs, RunOptions{}) }()
	s.kill()
	require.ErrorIs(t, <-errc, ErrSerfNotRunning)
	requireGone(t, s)
}

// Replay sends batches, reports progress, and stops on a bail, a gap or
// a source error.
func TestFakeReplay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := startFake(t, fakeConfig(t, modeOK))

	var progress []ReplayProgress
	require.NoError(t, s.Replay(ctx, events(1, 23), 5, func(p ReplayProgress) { progress = append(progress, p) }))
	var mug uint32
	for i := uint64(1); i <= 23; i++ {
		mug = fakeMug(mug, noun.Atom(i))
	}
	require.Len(t, progress, 5)
	last := progress[4]
	require.EqualValues(t, 23, last.Eve)
	require.Equal(t, mug, last.Mug)
	require.EqualValues(t, 23, last.Events)
	require.EqualValues(t, 5, last.Batches)
	require.EqualValues(t, 10, progress[1].Eve)

	// A gap: the events before it are replayed.
	gappy := func(yield func(ReplayEvent, error) bool) {
		for _, n := range []uint64{24, 25, 27} {
			if !yield(ReplayEvent{Num: n, Job: noun.Atom(n)}, nil) {
				return
			}
		}
	}
	require.Equal(t, &EventNumberError{Want: 26, Got: 27}, s.Replay(ctx, gappy, 0, nil))
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 25, eve)

	// A source error, after a whole batch.
	boom := errors.New("log read failed")
	failing := func(yield func(ReplayEvent, error) bool) {
		for ev := range events(26, 28) {
			if !yield(ev, nil) {
				return
			}
		}
		yield(ReplayEvent{}, boom)
	}
	require.ErrorIs(t, s.Replay(ctx, failing, 2, nil), boom)
	eve, _, err = s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 28, eve)

	// A bail in the second batch: the first batch stays, and so does the
	// start of the second.
	js := []noun.Noun{noun.Atom(1), noun.Atom(2), noun.Atom(3), jobCrash, noun.Atom(5), noun.Atom(6)}
	err = s.Replay(ctx, numbered(29, js), 3, nil)
	var bail *PlayBailError
	require.ErrorAs(t, err, &bail)
	require.EqualValues(t, 31, bail.Eve)
	require.EqualValues(t, 32, bail.Crashed())
	require.Equal(t, "exit", bail.Goof.Mote)
	eve, mug, err = s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 31, eve)
	require.Equal(t, bail.Mug, mug)

	// A cancelled context stops before the first batch.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.Replay(cctx, events(32, 40), 3, nil), context.Canceled)
	require.Error(t, s.Replay(ctx, events(32, 40), -1, nil))
}

// A serf of urbit/urbit v1.x sends only the tang in a %play %bail: the
// replay still ends in a *PlayBailError naming the event, with the trace
// and no mote, and the serf keeps the events before it.
func TestFakeReplayTangOnlyBail(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeTangBail))
	ctx := context.Background()
	require.NoError(t, s.Replay(ctx, events(1, 2), 10, nil))
	js := []noun.Noun{noun.Atom(3), jobCrash, noun.Atom(5)}
	err := s.Replay(ctx, numbered(3, js), 10, nil)
	var bail *PlayBailError
	require.ErrorAs(t, err, &bail)
	require.EqualValues(t, 4, bail.Crashed())
	require.Empty(t, bail.Goof.Mote)
	require.True(t, noun.Equal(fakeGoof("exit").Tang, bail.Goof.Tang), "tang %s", noun.String(bail.Goof.Tang))
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 3, eve)
}

// A context ending between batches stops the replay there.
func TestFakeReplayCancelBetweenBatches(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Replay(ctx, events(1, 100), 10, func(p ReplayProgress) {
		if p.Batches == 2 {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	// Batch 3 was encoded but not sent once batch 2 was answered.
	require.EqualValues(t, 20, eve)
}

// Swim yields each event's effects and fails on a swap or a bail.
func TestFakeSwim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	js := jobs(12)
	var got []uint64
	var mug uint32
	err := s.Swim(ctx, numbered(1, js), func(eve uint64, m uint32, effects noun.Noun) error {
		got = append(got, eve)
		mug = fakeMug(mug, js[eve-1])
		require.Equal(t, mug, m)
		require.True(t, noun.Equal(noun.List(js[eve-1]), effects))
		return nil
	})
	require.NoError(t, err)
	require.Len(t, got, 12)

	stop := errors.New("enough")
	err = s.Swim(ctx, numbered(13, jobs(5)), func(eve uint64, _ uint32, _ noun.Noun) error {
		if eve == 14 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 14, eve, "nothing is sent after yield fails")

	err = s.Swim(ctx, numbered(15, []noun.Noun{jobs(1)[0], jobBail, jobs(1)[0]}), nop)
	var bail *BailDuringReplayError
	require.ErrorAs(t, err, &bail)
	require.EqualValues(t, 16, bail.Eve)
	require.Len(t, bail.Goofs, 2)

	err = s.Swim(ctx, numbered(16, []noun.Noun{jobCrash}), nop)
	var swap *SwapDuringReplayError
	require.ErrorAs(t, err, &swap)
	require.EqualValues(t, 16, swap.Eve)

	require.Equal(t, &EventNumberError{Want: 17, Got: 1}, s.Swim(ctx, numbered(1, jobs(1)), nop))
}

func nop(uint64, uint32, noun.Noun) error { return nil }

var _ iter.Seq2[ReplayEvent, error] = events(1, 1)

// A timeout longer than a writ carries (Urbit's serf reads mil as a 32-bit
// word, and refuses more) is sent as ipc.MaxMil, by Run and by Peek.
func TestFakeMilClamped(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	ctx := context.Background()
	_, err := s.Boot(ctx, []noun.Noun{noun.Atom(1)})
	require.NoError(t, err)
	reqs := make(chan Request, 3)
	var res []WorkResult
	for _, j := range jobs(2) {
		reqs <- Work{Job: j, Mil: math.MaxUint64, Done: func(r WorkResult) { res = append(res, r) }}
	}
	reqs <- Kill{}
	require.NoError(t, s.Run(ctx, reqs, RunOptions{}))
	require.Len(t, res, 2)
	for _, r := range res {
		require.Equal(t, WorkDone, r.Kind)
	}
	_, err = s.Peek(ctx, math.MaxUint64, ipc.PeekPath(ipc.LocalGang(), "x"))
	require.NoError(t, err)
}
