package pier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// pierWithEvents boots a counter pier and runs n events through it,
// leaving it shut down (snapshot at its last event). It returns the mugs
// of the events 2..n+1.
func pierWithEvents(t *testing.T, n int) (string, []uint32) {
	t.Helper()
	dir := newPier(t, "counter")
	rp := runPier(t, dir, RunOptions{})
	var mugs []uint32
	for i := range n {
		res, err := rp.p.Inject(context.Background(), ovum(i))
		require.NoError(t, err)
		mugs = append(mugs, res.Mug)
	}
	require.NoError(t, rp.stop())
	return dir, mugs
}

// notices collects notices.
type notices struct {
	mu   sync.Mutex
	list []Notice
}

func (n *notices) add(x Notice) {
	n.mu.Lock()
	n.list = append(n.list, x)
	n.mu.Unlock()
}

func (n *notices) of(kind NoticeKind) []Notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []Notice
	for _, x := range n.list {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

func TestCorruptSnapshotMovedAsideAndReplayed(t *testing.T) {
	dir, mugs := pierWithEvents(t, 12)
	snap := filepath.Join(Layout{Dir: dir}.Chk(), "serf.snap")
	b, err := os.ReadFile(snap)
	require.NoError(t, err)
	b[len(b)/2] ^= 0xff
	require.NoError(t, os.WriteFile(snap, b, 0o600))

	var ns notices
	var progress []Progress
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add, ReplayBatch: 5,
		Progress: func(p Progress) { progress = append(progress, p) }})
	unusable := ns.of(NoticeSnapshotUnusable)
	require.Len(t, unusable, 1)
	require.Contains(t, unusable[0].Msg, "the serf exited with status 3")
	require.Contains(t, unusable[0].Msg, "moved it to")
	require.ErrorIs(t, unusable[0].Err, ErrSnapshotUnusable)
	moved, err := filepath.Glob(filepath.Join(Layout{Dir: dir}.Urb(), "chk.bad-*"))
	require.NoError(t, err)
	require.Len(t, moved, 1, "the bad snapshot is kept")
	kept, err := os.ReadFile(filepath.Join(moved[0], "serf.snap"))
	require.NoError(t, err)
	require.Equal(t, b, kept)

	// The whole log was replayed: boot, then batches of 5.
	require.NotEmpty(t, progress)
	last := progress[len(progress)-1]
	require.Equal(t, uint64(13), last.Eve)
	require.Equal(t, uint64(13), last.Events)
	require.Equal(t, uint64(13), last.Total)
	require.Empty(t, ns.of(NoticeMugMismatch))
	st := rp.p.Status()
	require.Equal(t, uint64(13), st.LastEvent)
	res, err := rp.p.Inject(context.Background(), ovum(100))
	require.NoError(t, err)
	require.Equal(t, uint64(14), res.Eve)
	require.NoError(t, rp.stop())
	logged := readLog(t, dir)
	require.Equal(t, mugs[11], logged[12].Mug)
}

func TestSnapshotAheadOfLogIsUnusable(t *testing.T) {
	dir, _ := pierWithEvents(t, 6)
	// Cut the log behind the snapshot (as a lost log tail would).
	lg, err := eventlog.Open(Layout{Dir: dir}.Log(), eventlog.Options{})
	require.NoError(t, err)
	_, err = lg.Truncate(context.Background(), 4)
	require.NoError(t, err)
	require.NoError(t, lg.Close())

	var ns notices
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add})
	unusable := ns.of(NoticeSnapshotUnusable)
	require.Len(t, unusable, 1)
	require.Contains(t, unusable[0].Msg, "ahead of the event log")
	require.Equal(t, uint64(4), rp.p.Status().LastEvent)
	res, err := rp.p.Inject(context.Background(), ovum(50))
	require.NoError(t, err)
	require.Equal(t, uint64(5), res.Eve)
	require.NoError(t, rp.stop())
}

func TestTornTailCut(t *testing.T) {
	dir, mugs := pierWithEvents(t, 5)
	// A torn last event (too short to hold a mug and a jam) and one whose
	// bytes do not cue after it.
	putRaw(t, dir, 7, []byte{1, 2})
	putRaw(t, dir, 8, []byte{0, 0, 0, 0, 0xff, 0xff, 0xff})
	// The snapshot is at event 6, so catching up starts at the damage.

	var ns notices
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add})
	cuts := ns.of(NoticeTailCut)
	require.Len(t, cuts, 1)
	require.Contains(t, cuts[0].Msg, "cut events 7 to 8")
	require.Contains(t, cuts[0].Msg, "keeping events 1 to 6")
	last, mug := rp.p.LastCommitted()
	require.Equal(t, uint64(6), last)
	require.Equal(t, mugs[4], mug)
	res, err := rp.p.Inject(context.Background(), ovum(70))
	require.NoError(t, err)
	require.Equal(t, uint64(7), res.Eve)
	require.NoError(t, rp.stop())
}

func TestMidLogDamageStopsRun(t *testing.T) {
	dir, _ := pierWithEvents(t, 8)
	putRaw(t, dir, 4, []byte{0, 0, 0, 0, 0xff, 0xff, 0xff})
	require.NoError(t, os.RemoveAll(Layout{Dir: dir}.Chk()))

	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	err = p.Run(context.Background(), RunOptions{Serf: serfConfig(t)})
	var damage *LogDamageError
	require.True(t, errors.As(err, &damage), "%v", err)
	require.Equal(t, uint64(4), damage.Eve)
	require.Contains(t, err.Error(), "event 4")
	last, _ := p.log.Last()
	require.Equal(t, uint64(9), last, "nothing was cut")
}

func TestReplayDetectsTamperedMug(t *testing.T) {
	dir, mugs := pierWithEvents(t, 10)
	setMug(t, dir, 5, mugs[3]^0x1234)
	setMug(t, dir, 9, 0x0badf00d)
	var progress []Progress
	rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), BatchSize: 1,
		Progress: func(p Progress) { progress = append(progress, p) }})
	require.NoError(t, err)
	require.Equal(t, []Mismatch{
		{Eve: 5, Want: mugs[3] ^ 0x1234, Got: mugs[3]},
		{Eve: 9, Want: 0x0badf00d, Got: mugs[7]},
	}, rep.Mismatches, "every mismatch is reported, not only the first")
	require.Equal(t, uint64(1), rep.First)
	require.Equal(t, uint64(11), rep.Last)
	require.Equal(t, uint64(11), rep.Events)
	require.Equal(t, mugs[9], rep.FinalMug)
	require.Positive(t, rep.EventsPerSecond())
	require.Equal(t, uint64(11), progress[len(progress)-1].Eve)

	// The pier was not modified: no scratch files, the log unchanged.
	logged := readLog(t, dir)
	require.Equal(t, uint32(0x0badf00d), logged[8].Mug)
}

func TestReplayFromSnapshotAndTo(t *testing.T) {
	dir, mugs := pierWithEvents(t, 6)
	rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), FromSnapshot: true})
	require.NoError(t, err)
	require.Equal(t, uint64(0), rep.Events, "the snapshot is at the log's end")
	require.Equal(t, mugs[5], rep.FinalMug)

	rep, err = Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), To: 4, BatchSize: 2})
	require.NoError(t, err)
	require.Equal(t, uint64(4), rep.Last)
	require.Equal(t, mugs[2], rep.FinalMug)
	require.Empty(t, rep.Mismatches)

	_, err = Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), FromSnapshot: true, To: 3})
	require.ErrorContains(t, err, "already at event 7")
	_, err = Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), To: 99})
	require.ErrorContains(t, err, "the log ends at event 7")
}

func TestReplayInPlace(t *testing.T) {
	dir, mugs := pierWithEvents(t, 4)
	rep, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), InPlace: true})
	require.NoError(t, err)
	require.Equal(t, uint64(5), rep.Events)
	old, err := filepath.Glob(filepath.Join(Layout{Dir: dir}.Urb(), "chk.old-*"))
	require.NoError(t, err)
	require.Len(t, old, 1, "the previous snapshot is moved aside, not deleted")
	note, ok, err := ReadSnapshotNote(dir)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, uint64(5), note.Event)
	require.Equal(t, mugs[3], note.Mug)
}

func TestReplayOnRunningPierDoesNotHang(t *testing.T) {
	dir := newPier(t, "counter")
	rp := runPier(t, dir, RunOptions{})
	_, err := Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t)})
	var locked *LockedError
	require.True(t, errors.As(err, &locked), "%v", err)
	require.Equal(t, os.Getpid(), locked.Pid)
	_, err = Replay(context.Background(), dir, ReplayOptions{Serf: serfConfig(t), InPlace: true})
	require.ErrorIs(t, err, ErrLocked)
	require.NoError(t, rp.stop())
}

func TestPackMeldCram(t *testing.T) {
	dir, mugs := pierWithEvents(t, 3)
	require.NoError(t, Pack(context.Background(), dir, MaintOptions{Serf: serfConfig(t)}))
	require.NoError(t, Meld(context.Background(), dir, MaintOptions{Serf: serfConfig(t)}))
	eve, path, err := Cram(context.Background(), dir, MaintOptions{Serf: serfConfig(t)})
	require.NoError(t, err)
	require.Equal(t, uint64(4), eve)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	rock, err := noun.Cue(b)
	require.NoError(t, err)
	tag, _, err := noun.Tagged(rock)
	require.NoError(t, err)
	require.Equal(t, "arvo", tag)
	// The state survived: the pier runs on from the same mug.
	info, err := Info(dir)
	require.NoError(t, err)
	require.Equal(t, uint64(4), info.SnapshotEvent)
	require.Equal(t, mugs[2], info.SnapshotMug)
	rp := runPier(t, dir, RunOptions{Progress: func(Progress) { t.Error("no replay expected") }})
	res, err := rp.p.Inject(context.Background(), ovum(3))
	require.NoError(t, err)
	require.Equal(t, uint64(5), res.Eve)
	require.NoError(t, rp.stop())
}

func TestRunReportsMugMismatchAndRunsOn(t *testing.T) {
	dir, mugs := pierWithEvents(t, 6)
	setMug(t, dir, 7, mugs[5]^1)
	require.NoError(t, os.RemoveAll(Layout{Dir: dir}.Chk()))
	var ns notices
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add})
	mm := ns.of(NoticeMugMismatch)
	require.Len(t, mm, 1)
	var mugErr *ReplayMugError
	require.True(t, errors.As(mm[0].Err, &mugErr))
	require.Equal(t, Mismatch{Eve: 7, Want: mugs[5] ^ 1, Got: mugs[5]}, mugErr.Mismatch)
	require.ErrorIs(t, mm[0].Err, ErrMugMismatch)
	res, err := rp.p.Inject(context.Background(), ovum(60))
	require.NoError(t, err)
	require.Equal(t, uint64(8), res.Eve)
	require.NoError(t, rp.stop())
}

// A snapshot whose mug differs from the one logged for its event is
// reported as a mismatch at start, and the pier runs on.
func TestRunReportsSnapshotMugMismatch(t *testing.T) {
	dir, mugs := pierWithEvents(t, 3)
	info, err := Info(dir)
	require.NoError(t, err)
	require.Equal(t, uint64(4), info.SnapshotEvent)
	setMug(t, dir, 4, mugs[2]^1)
	var ns notices
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add, Progress: func(Progress) { t.Error("no replay expected") }})
	mm := ns.of(NoticeMugMismatch)
	require.Len(t, mm, 1)
	var mugErr *ReplayMugError
	require.True(t, errors.As(mm[0].Err, &mugErr))
	require.Equal(t, Mismatch{Eve: 4, Want: mugs[2] ^ 1, Got: mugs[2]}, mugErr.Mismatch)
	res, err := rp.p.Inject(context.Background(), ovum(60))
	require.NoError(t, err)
	require.Equal(t, uint64(5), res.Eve)
	require.NoError(t, rp.stop())
}

func TestShutdownDuringCatchUp(t *testing.T) {
	dir, _ := pierWithEvents(t, 30)
	require.NoError(t, os.RemoveAll(Layout{Dir: dir}.Chk()))
	p, err := Open(dir, Options{})
	require.NoError(t, err)
	defer p.Close()
	errc := make(chan error, 1)
	shut := make(chan error, 1)
	go func() {
		errc <- p.Run(context.Background(), RunOptions{Serf: serfConfig(t), ReplayBatch: 1,
			Progress: func(pr Progress) {
				if pr.Eve == 10 {
					// Shut down from inside the replay, and go on only once
					// the shutdown has begun.
					go func() { shut <- p.Shutdown(context.Background()) }()
					<-p.current().stopCh
				}
			},
			OnReady: func() { t.Error("the pier should stop before it is ready") }})
	}()
	require.NoError(t, <-errc)
	require.NoError(t, <-shut)
	_, err = p.Inject(context.Background(), ovum(1))
	require.ErrorIs(t, err, ErrNotRunning)
}

func TestDamagedLastEventCoveredBySnapshot(t *testing.T) {
	dir, mugs := pierWithEvents(t, 5)
	// The snapshot is at event 6, the log's last event; damage that event,
	// so no replay would ever read it.
	putRaw(t, dir, 6, []byte{0, 0, 0, 0, 0xff, 0xff, 0xff})

	var ns notices
	rp := runPier(t, dir, RunOptions{OnNotice: ns.add})
	cuts := ns.of(NoticeTailCut)
	require.Len(t, cuts, 1)
	require.Contains(t, cuts[0].Msg, "keeping events 1 to 5")
	require.Len(t, ns.of(NoticeSnapshotUnusable), 1, "the snapshot ahead of the cut log is moved aside")
	last, mug := rp.p.LastCommitted()
	require.Equal(t, uint64(5), last)
	require.Equal(t, mugs[3], mug)
	res, err := rp.p.Inject(context.Background(), ovum(71))
	require.NoError(t, err)
	require.Equal(t, uint64(6), res.Eve)
	require.NoError(t, rp.stop())
}
