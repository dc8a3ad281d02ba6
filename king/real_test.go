package king

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Tests against the real serf: bin/king serf, built once by TestMain, with
// the test kernels of testdata/kernels.

// The counter kernel boots, works (pipelined), peeks and snapshots with
// exactly the mugs and answers of vectors.json, and restarts from its
// snapshot.
func TestRealCounter(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	v := loadKernelExample(t)
	ctx := context.Background()
	pier := t.TempDir()
	s, info := startReal(t, pier)
	require.EqualValues(t, 1, info.Proto)
	require.Zero(t, info.Eve)
	require.Equal(t, ipc.Legacy, info.Framing)

	boot := pill(t, "counter")
	require.True(t, noun.Equal(kingtest.MustParse(t, v.BootList), noun.List(boot...)), "counter.pill is kernel_example's boot list")
	mug, err := s.Boot(ctx, boot)
	require.NoError(t, err)
	require.Equal(t, parseMug(t, v.MugAfterBoot), mug)

	js := make([]noun.Noun, len(v.Events))
	for i, e := range v.Events {
		js[i] = kingtest.MustParse(t, e.Job)
	}
	results := runWorks(t, s, js, 10)
	require.Len(t, results, len(v.Events))
	for i, e := range v.Events {
		r := results[i]
		require.Equal(t, WorkDone, r.Kind)
		require.Equal(t, e.EventNumber, r.Eve)
		require.Equal(t, parseMug(t, e.MugAfter), r.Mug, "event %d", e.EventNumber)
		require.True(t, noun.Equal(kingtest.MustParse(t, e.Effects), r.Effects), "effects %s", r.Effects)
	}

	res, err := s.Peek(ctx, 0, kingtest.MustParse(t, v.PeekSample))
	require.NoError(t, err)
	require.True(t, noun.Equal(kingtest.MustParse(t, v.PeekResult), res), "peek %s", res)
	res, err = s.Scry(ctx, ipc.LocalGang(), noun.Path("x", "base", "count"))
	require.NoError(t, err)
	require.True(t, noun.Equal(kingtest.MustParse(t, v.PeekResult), res), "scry %s", res)

	require.NoError(t, s.Snapshot(ctx))
	require.NoError(t, s.Compact(ctx))
	require.NoError(t, s.Meld(ctx))
	eve, err := s.Cram(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 4, eve)
	require.FileExists(t, filepath.Join(pier, ".urb", "roc", "4.jam"))
	lastMug := parseMug(t, v.Events[len(v.Events)-1].MugAfter)
	gotEve, gotMug, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 4, gotEve)
	require.Equal(t, lastMug, gotMug)
	require.NoError(t, s.Stop(ctx))
	require.NoError(t, s.ExitErr())

	// Restart from the snapshot, then from the rock.
	_, info = startReal(t, pier)
	require.EqualValues(t, 4, info.Eve)
	require.Equal(t, lastMug, info.Mug)
	_, info = startReal(t, pier, func(c *Config) { c.RockEvent = 4 })
	require.EqualValues(t, 4, info.Eve)
	require.Equal(t, lastMug, info.Mug)
}

// Events computed live are replayed after a restart, with the same mugs;
// then Swim recomputes more of them with their effects.
func TestRealRestartReplaySwim(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	ctx := context.Background()
	pier := t.TempDir()
	const n = 305 // events 2..n after the boot event
	mugs := make(map[uint64]uint32)
	var bootMug uint32
	{
		s, _ := startReal(t, pier)
		var err error
		bootMug, err = s.Boot(ctx, pill(t, "counter"))
		require.NoError(t, err)
		require.NoError(t, s.Snapshot(ctx))
		var js []noun.Noun
		for i := uint64(2); i <= n; i++ {
			js = append(js, counterJob(i))
		}
		for _, r := range runWorks(t, s, js, 32) {
			require.Equal(t, WorkDone, r.Kind)
			mugs[r.Eve] = r.Mug
		}
		require.Len(t, mugs, n-1)
		require.NoError(t, s.Stop(ctx))
	}

	s, info := startReal(t, pier)
	require.EqualValues(t, 1, info.Eve, "only the boot was snapshotted")
	require.Equal(t, bootMug, info.Mug)
	source := func(yield func(ReplayEvent, error) bool) {
		for i := uint64(2); i <= 300; i++ {
			if !yield(ReplayEvent{Num: i, Job: counterJob(i)}, nil) {
				return
			}
		}
	}
	var batches int
	err := s.Replay(ctx, source, 64, func(p ReplayProgress) {
		batches++
		require.Equal(t, mugs[p.Eve], p.Mug, "mug after event %d", p.Eve)
	})
	require.NoError(t, err)
	require.Equal(t, 5, batches) // 299 events in batches of 64
	eve, mug, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, 300, eve)
	require.Equal(t, mugs[300], mug)

	swim := func(yield func(ReplayEvent, error) bool) {
		for i := uint64(301); i <= n; i++ {
			if !yield(ReplayEvent{Num: i, Job: counterJob(i)}, nil) {
				return
			}
		}
	}
	var swum []uint64
	err = s.Swim(ctx, swim, func(eve uint64, mug uint32, effects noun.Noun) error {
		swum = append(swum, eve)
		require.Equal(t, mugs[eve], mug, "mug after event %d", eve)
		require.True(t, noun.Equal(noun.List(counterJob(eve).Tail()), effects), "effects %s", effects)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []uint64{301, 302, 303, 304, 305}, swum)
}

// arvoJob is [now [[0 %arvo ~] card]] with the given card text.
func arvoJob(t testing.TB, i uint64, card string) noun.Noun {
	job := counterJob(i)
	return noun.T(job.Head(), noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero), kingtest.MustParse(t, card))
}

// The crashy kernel: %swap, %bail, a %work timeout, %slog, SIGINT
// interrupting a looping event, and a crash during replay.
func TestRealCrashy(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	ctx := context.Background()
	slogged := make(chan noun.Noun, 10)
	s, _ := startReal(t, t.TempDir(), func(c *Config) {
		c.OnSlog = func(_ uint64, tank noun.Noun) { slogged <- tank }
	})
	_, err := s.Boot(ctx, pill(t, "crashy"))
	require.NoError(t, err)

	reqs := make(chan Request, 10)
	var results []WorkResult
	collect := func(r WorkResult) { results = append(results, r) }
	reqs <- Work{Job: arvoJob(t, 2, "[%hello ~]"), Done: collect}
	reqs <- Work{Job: arvoJob(t, 3, "[%crash ~]"), Done: collect}
	reqs <- Work{Job: arvoJob(t, 4, "[%crash-twice ~]"), Done: collect}
	reqs <- Work{Job: arvoJob(t, 5, "[%loop ~]"), Mil: 50, Done: collect}
	reqs <- Work{Job: arvoJob(t, 6, "[%slog ~]"), Done: collect}
	close(reqs)
	require.NoError(t, s.Run(ctx, reqs, RunOptions{}))
	require.Len(t, results, 5)
	kinds := []ResultKind{WorkDone, WorkSwap, WorkBail, WorkSwap, WorkDone}
	eves := []uint64{2, 3, 3, 4, 5}
	for i, r := range results {
		require.Equal(t, kinds[i], r.Kind, "result %d", i)
		require.Equal(t, eves[i], r.Eve, "result %d", i)
	}
	requireCrud(t, results[1].Job, "exit")
	require.Len(t, results[2].Goofs, 2)
	require.Equal(t, "exit", results[2].Goofs[0].Mote)
	requireCrud(t, results[3].Job, "alrm")
	// The slog came before the reply that ended Run.
	require.Len(t, slogged, 1)
	tank := <-slogged
	require.True(t, noun.Equal(noun.T(noun.Cord("leaf"), noun.Tape("crashy: slog")), tank), "slog %s", tank)

	// SIGINT interrupts a looping event. The serf drops an interrupt that
	// lands before it starts computing, so it is repeated until the event
	// ends.
	reqs = make(chan Request, 1)
	var loop WorkResult
	reqs <- Work{Job: arvoJob(t, 7, "[%loop ~]"), Done: func(r WorkResult) {
		loop = r
		close(reqs)
	}}
	stopSig := make(chan struct{})
	var sigs sync.WaitGroup
	err = s.Run(ctx, reqs, RunOptions{Spinner: func(sp SpinState) {
		if !sp.Busy {
			return
		}
		sigs.Add(1)
		go func() {
			defer sigs.Done()
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				if err := s.SendSIGINT(); err != nil {
					t.Errorf("SendSIGINT: %v", err)
					return
				}
				select {
				case <-stopSig:
					return
				case <-tick.C:
				}
			}
		}()
	}})
	close(stopSig)
	sigs.Wait()
	require.NoError(t, err)
	switch loop.Kind {
	case WorkSwap: // interrupted; the %crud retry ran
		requireCrud(t, loop.Job, "intr")
	case WorkBail: // a second SIGINT also caught the retry
		require.Equal(t, "intr", loop.Goofs[len(loop.Goofs)-1].Mote)
	default:
		t.Fatalf("looping event ended %v", loop.Kind)
	}

	// A crash during replay.
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	crashAt := eve + 2
	source := func(yield func(ReplayEvent, error) bool) {
		for i := eve + 1; i <= eve+3; i++ {
			card := "[%hello ~]"
			if i == crashAt {
				card = "[%crash ~]"
			}
			if !yield(ReplayEvent{Num: i, Job: arvoJob(t, i, card)}, nil) {
				return
			}
		}
	}
	err = s.Replay(ctx, source, 10, nil)
	var bail *PlayBailError
	require.ErrorAs(t, err, &bail)
	require.Equal(t, crashAt, bail.Crashed())
	require.Equal(t, "exit", bail.Goof.Mote)
	last, lastMug, err := s.LastEvent()
	require.NoError(t, err)
	require.Equal(t, crashAt-1, last)
	require.Equal(t, bail.Mug, lastMug)
	// The serf goes on from there.
	res, err := s.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
	require.NoError(t, err)
	require.True(t, noun.Equal(noun.T(noun.Zero, noun.Cord("noun"), noun.Atom(crashAt-2)), res), "peek %s", res)
}

// requireCrud checks that job is a %crud replacement with the given mote.
func requireCrud(t testing.TB, job noun.Noun, mote string) {
	t.Helper()
	card, ok := job.Slot(7) // [now [wire card]]: card
	require.True(t, ok)
	tag, rest, err := noun.Tagged(card)
	require.NoError(t, err)
	require.Equal(t, "crud", tag)
	got, err := noun.FromTerm(rest.Head().Head())
	require.NoError(t, err)
	require.Equal(t, mote, got)
}

// The echo kernel answers terminal input with blits.
func TestRealEcho(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	ctx := context.Background()
	s, _ := startReal(t, t.TempDir())
	_, err := s.Boot(ctx, pill(t, "echo"))
	require.NoError(t, err)
	job := noun.T(counterJob(2).Head(), kingtest.MustParse(t, `[[%d %term '1' ~] %belt %txt ~[104 105]]`))
	results := runWorks(t, s, []noun.Noun{job}, 1)
	require.Len(t, results, 1)
	want := kingtest.MustParse(t, `~[[[0 %term '1' ~] %blit ~[[%lin ~[62 32 104 105]]]]]`)
	require.True(t, noun.Equal(want, results[0].Effects), "effects %s", results[0].Effects)
}

// The newt framing is detected from the real serf's %ripe.
func TestRealNewt(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	s, info := startReal(t, t.TempDir(), func(c *Config) {
		c.Env = append(os.Environ(), "KING_SERF_FRAMING=newt")
	})
	require.Equal(t, ipc.Newt, info.Framing)
	_, err := s.Boot(context.Background(), pill(t, "counter"))
	require.NoError(t, err)
}

// Works that bring their job's jam get the same answers as in
// TestRealCounter; one whose JobJam does not cue is sent jammed from Job.
func TestRealWorkJobJam(t *testing.T) {
	t.Parallel()
	requireRealSerf(t)
	v := loadKernelExample(t)
	ctx := context.Background()
	s, _ := startReal(t, t.TempDir())
	_, err := s.Boot(ctx, pill(t, "counter"))
	require.NoError(t, err)
	reqs := make(chan Request)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, reqs, RunOptions{MaxInFlight: 3}) }()
	var results []WorkResult
	for i, e := range v.Events {
		job := kingtest.MustParse(t, e.Job)
		jam := noun.Jam(job)
		if i == 1 {
			jam = []byte{0x0f} // a backref to nothing
		}
		reqs <- Work{Job: job, JobJam: jam, Done: func(r WorkResult) { results = append(results, r) }}
	}
	close(reqs)
	require.NoError(t, <-errc)
	require.Len(t, results, len(v.Events))
	for i, e := range v.Events {
		require.Equal(t, WorkDone, results[i].Kind)
		require.Equal(t, e.EventNumber, results[i].Eve)
		require.Equal(t, parseMug(t, e.MugAfter), results[i].Mug, "event %d", e.EventNumber)
		require.True(t, noun.Equal(kingtest.MustParse(t, e.Effects), results[i].Effects))
	}
}
