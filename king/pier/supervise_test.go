package pier

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

func TestSerfKilledMidStreamNothingLost(t *testing.T) {
	dir := newPier(t, "counter")
	const waves, perWave = 3, 40
	const n = waves * perWave
	var rp *running
	var mu sync.Mutex
	killAt := uint64(0) // the next release at which to kill; 0: none
	killed := map[int]bool{}
	released := map[uint64]int{}
	deaths := 0
	rp = runPier(t, dir, RunOptions{
		BackoffMin: time.Millisecond,
		OnNotice: func(n Notice) {
			if n.Kind == NoticeSerfDied {
				mu.Lock()
				deaths++
				mu.Unlock()
			}
		},
		Effects: func(eve uint64, _ noun.Noun) {
			mu.Lock()
			defer mu.Unlock()
			released[eve]++
			if killAt != 0 && eve >= killAt {
				// The serf has more events in flight by now. Each serf
				// is killed at most once.
				if pid := rp.p.Status().SerfPid; pid > 0 && !killed[pid] {
					require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
					killed[pid] = true
					killAt = 0
				}
			}
		},
	})
	tickets := make([]*Ticket, n)
	for w := range waves {
		mu.Lock()
		killAt = uint64(w*perWave + 10)
		mu.Unlock()
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w*perWave + g; i < (w+1)*perWave; i += 4 {
					tk, err := rp.p.InjectAsync(context.Background(), ovum(i))
					if err != nil {
						t.Errorf("inject %d: %v", i, err)
						return
					}
					tickets[i] = tk
				}
			}()
		}
		wg.Wait()
		for i := w * perWave; i < (w+1)*perWave; i++ {
			_, err := tickets[i].Wait(context.Background())
			require.NoError(t, err, "event %d", i)
		}
	}
	seen := map[uint64]int{}
	for i, tk := range tickets {
		res, err := tk.Result()
		require.NoError(t, err, "event %d", i)
		ovm, _ := res.Job.Slot(3)
		require.True(t, noun.Equal(ovum(i), ovm), "event %d logged with its own ovum", i)
		seen[res.Eve]++
	}
	for eve := uint64(2); eve <= n+1; eve++ {
		require.Equal(t, 1, seen[eve], "event %d computed exactly once", eve)
	}
	require.Equal(t, uint64(n+1), rp.p.Status().LastEvent)
	require.NoError(t, rp.stop())
	mu.Lock()
	require.Len(t, killed, waves)
	require.Equal(t, len(killed), deaths, "every kill was noticed and survived")
	require.Len(t, released, n)
	for eve, c := range released {
		require.Equal(t, 1, c, "effects of %d released once", eve)
	}
	mu.Unlock()

	// The log is gapless and replays to the mugs it recorded.
	logged := readLog(t, dir)
	require.Len(t, logged, n+1)
	rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), BatchSize: 7})
	require.NoError(t, err)
	require.Empty(t, rep.Mismatches)
	require.Equal(t, logged[n].Mug, rep.FinalMug)
}

func TestSerfKilledWithEventsInFlight(t *testing.T) {
	dir := newPier(t, "crashy")
	var rp *running
	var once sync.Once
	var mu sync.Mutex
	var died []string
	rp = runPier(t, dir, RunOptions{
		BackoffMin:  time.Millisecond,
		WorkTimeout: 300 * time.Millisecond,
		SlowEvent:   20 * time.Millisecond,
		OnSlowEvent: func(ev SlowEvent) {
			// The serf is stuck in the %loop event with the others queued
			// behind it: kill it there, once.
			once.Do(func() {
				require.Equal(t, "%loop", ev.Card)
				require.NoError(t, syscall.Kill(rp.p.Status().SerfPid, syscall.SIGKILL))
			})
		},
		OnNotice: func(n Notice) {
			if n.Kind == NoticeSerfDied {
				mu.Lock()
				died = append(died, n.Msg)
				mu.Unlock()
			}
		},
	})
	loop, err := rp.p.InjectAsync(context.Background(), card("loop"))
	require.NoError(t, err)
	var tks []*Ticket
	for i := range 9 {
		tk, err := rp.p.InjectAsync(context.Background(), ovum(i))
		require.NoError(t, err)
		tks = append(tks, tk)
	}
	res, err := loop.Wait(context.Background())
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Eve, "the interrupted event was computed again, under its number")
	for i, tk := range tks {
		res, err := tk.Wait(context.Background())
		require.NoError(t, err)
		require.Equal(t, uint64(i+3), res.Eve)
	}
	require.NoError(t, rp.stop())
	mu.Lock()
	require.Len(t, died, 1)
	require.Contains(t, died[0], "10 event(s) not yet computed will be sent to the next serf")
	mu.Unlock()
	logged := readLog(t, dir)
	require.Len(t, logged, 11)
	for i := range 9 {
		job, err := noun.Cue(logged[i+2].Jam)
		require.NoError(t, err)
		ovm, _ := job.Slot(3)
		require.True(t, noun.Equal(ovum(i), ovm), "event %d", i+3)
	}
}

// crashingSerf writes a wrapper that runs the real serf the first time
// and, every later time, prints a line to stderr and exits 7.
func crashingSerf(t *testing.T) (path string, env []string) {
	t.Helper()
	cfg := serfConfig(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "started-once")
	path = filepath.Join(dir, "serf.sh")
	script := fmt.Sprintf(`#!/bin/sh
if [ -e %q ]; then
	echo "serf: simulated crash at start ($*)" >&2
	exit 7
fi
: > %q
exec %q "$@"
`, mark, mark, cfg.SerfPath)
	require.NoError(t, os.WriteFile(path, []byte(script), 0o755))
	return path, os.Environ()
}

func TestRestartIntensityExceeded(t *testing.T) {
	dir := newPier(t, "counter")
	path, env := crashingSerf(t)
	cfg := serfConfig(t)
	cfg.SerfPath, cfg.Env = path, env
	var deaths []Notice
	var mu sync.Mutex
	rp := runPier(t, dir, RunOptions{Serf: cfg, MaxRestarts: 3, BackoffMin: time.Millisecond,
		BackoffMax: 4 * time.Millisecond, OnNotice: func(n Notice) {
			if n.Kind == NoticeSerfDied {
				mu.Lock()
				deaths = append(deaths, n)
				mu.Unlock()
			}
		}})
	res, err := rp.p.Inject(context.Background(), ovum(1))
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Eve)
	require.NoError(t, syscall.Kill(rp.p.Status().SerfPid, syscall.SIGKILL))

	err = rp.wait()
	var limit *RestartLimitError
	require.True(t, errors.As(err, &limit), "%v", err)
	require.Equal(t, 4, limit.Deaths)
	require.Contains(t, err.Error(), "serf: simulated crash at start", "the serf's last stderr lines are in the error")
	mu.Lock()
	require.Len(t, deaths, 4)
	mu.Unlock()
	// Nothing committed was lost.
	require.Len(t, readLog(t, dir), 2)
}

func TestBackoffDoublesToMax(t *testing.T) {
	r := &runner{opts: RunOptions{BackoffMin: 100 * time.Millisecond, BackoffMax: 10 * time.Second}}
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000}
	for i, w := range want {
		require.Equal(t, w*time.Millisecond, r.backoff(i+1), "restart %d", i+1)
	}
}

func TestRestartSerfKeepsEveAndMug(t *testing.T) {
	dir := newPier(t, "counter")
	var started []Notice
	var mu sync.Mutex
	rp := runPier(t, dir, RunOptions{OnNotice: func(n Notice) {
		if n.Kind == NoticeSerfStarted {
			mu.Lock()
			started = append(started, n)
			mu.Unlock()
		}
	}})
	for i := range 3 {
		_, err := rp.p.Inject(context.Background(), ovum(i))
		require.NoError(t, err)
	}
	// Events still in flight when the restart is asked for are computed
	// by the old serf first; the new one must be at the same event.
	var tks []*Ticket
	for i := range 10 {
		tk, err := rp.p.InjectAsync(context.Background(), ovum(10+i))
		require.NoError(t, err)
		tks = append(tks, tk)
	}
	pid := rp.p.Status().SerfPid
	require.NoError(t, rp.p.RestartSerf(context.Background()))
	for _, tk := range tks {
		_, err := tk.Wait(context.Background())
		require.NoError(t, err)
	}
	st := rp.p.Status()
	require.NotEqual(t, pid, st.SerfPid)
	require.Equal(t, uint64(14), st.LastEvent)
	require.Zero(t, st.Restarts, "a requested restart is not a death")
	require.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "the old serf is gone")
	res, err := rp.p.Inject(context.Background(), ovum(9))
	require.NoError(t, err)
	require.Equal(t, uint64(15), res.Eve)
	mu.Lock()
	require.Len(t, started, 2)
	mu.Unlock()
	require.NoError(t, rp.stop())
	note, ok, err := ReadSnapshotNote(dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, uint64(15), note.Event)
	require.Equal(t, res.Mug, note.Mug)
}

func TestSnapshotInterval(t *testing.T) {
	dir := newPier(t, "counter")
	snaps := make(chan uint64, 16)
	rp := runPier(t, dir, RunOptions{SnapshotInterval: 20 * time.Millisecond, OnNotice: func(n Notice) {
		if n.Kind == NoticeSnapshot {
			select {
			case snaps <- n.Eve:
			default:
			}
		}
	}})
	_, err := rp.p.Inject(context.Background(), ovum(1))
	require.NoError(t, err)
	// A periodic snapshot comes at the serf's event, which the log holds.
	for eve := range snaps {
		if eve == 2 {
			break
		}
	}
	note, ok, err := ReadSnapshotNote(dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.GreaterOrEqual(t, note.Event, uint64(2))
	last, _ := rp.p.log.Last()
	require.LessOrEqual(t, note.Event, last, "a snapshot is never ahead of the log")
	require.NoError(t, rp.stop())
}

func TestShutdownStopsIntake(t *testing.T) {
	dir := newPier(t, "counter")
	rp := runPier(t, dir, RunOptions{})
	tks := make([]*Ticket, 20)
	for i := range tks {
		tk, err := rp.p.InjectAsync(context.Background(), ovum(i))
		require.NoError(t, err)
		tks[i] = tk
	}
	require.NoError(t, rp.p.Shutdown(context.Background()))
	// Everything accepted before the shutdown was computed and committed.
	for i, tk := range tks {
		res, err := tk.Result()
		require.NoError(t, err, "event %d", i)
		require.Equal(t, uint64(i+2), res.Eve)
	}
	_, err := rp.p.Inject(context.Background(), ovum(99))
	require.ErrorIs(t, err, ErrNotRunning)
	require.NoError(t, rp.stop())
	lg, err := eventlog.Open(Layout{Dir: dir}.Log(), eventlog.Options{ReadOnly: true})
	require.NoError(t, err)
	last, _ := lg.Last()
	require.NoError(t, lg.Close())
	require.Equal(t, uint64(21), last)
	note, _, err := ReadSnapshotNote(dir)
	require.NoError(t, err)
	require.Equal(t, uint64(21), note.Event)
}
