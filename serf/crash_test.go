package serf_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// crudOf returns the replacement job the serf must make for job crashing
// with goof.
func crudOf(t *testing.T, job noun.Noun, g ipc.Goof) noun.Noun {
	t.Helper()
	crud, err := nock.Crud(job, g.Noun())
	require.NoError(t, err)
	return crud
}

// requireSwap checks a %work %swap for job that crashed with mote.
func requireSwap(t *testing.T, p ipc.Plea, eve uint64, job noun.Noun, mote string) ipc.WorkSwap {
	t.Helper()
	swap, ok := p.(ipc.WorkSwap)
	require.True(t, ok, "want %%work %%swap, got %s", p)
	require.Equal(t, eve, swap.Eve)
	_, _, card, ok := splitJob(swap.Job)
	require.True(t, ok)
	tag, rest, _ := card.Uncell()
	require.Equal(t, noun.Cord("crud"), tag)
	goof, err := ipc.DecodeGoof(rest.Head())
	require.NoError(t, err)
	require.Equal(t, mote, goof.Mote)
	require.True(t, noun.Equal(crudOf(t, job, goof), swap.Job), "swap job %s", noun.String(swap.Job))
	// The effects are those of the %crud event: it echoes its ovum.
	require.True(t, noun.Equal(noun.List(swap.Job.Tail()), swap.Effects))
	return swap
}

// splitJob splits [now wire card].
func splitJob(job noun.Noun) (now, wire, card noun.Noun, ok bool) {
	now, ovum, ok := job.Uncell()
	if !ok {
		return
	}
	wire, card, ok = ovum.Uncell()
	return
}

// TestCrudSwapAndBail: a crashing event is retried as %crud and swapped;
// one whose retry crashes too bails with both goofs and consumes no event
// number; the mug after a swap is that of the kernel that ran the %crud.
func TestCrudSwapAndBail(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.boot(pill(t, "crashy"))
	var j jobs

	crash := j.job(tagged("crash"))
	swap := requireSwap(t, c.work(0, crash), 2, crash, "exit")
	g, err := ipc.DecodeGoof(swap.Job.Tail().Tail().Tail().Head())
	require.NoError(t, err)
	// The tang is the kernel's +mook's, as Urbit's serf makes it: crashy's
	// renders nothing. The interpreter's rendering goes out as a %flog.
	require.True(t, g.Tang.IsZero(), "tang %s", noun.String(g.Tang))
	require.Contains(t, c.flogs(), "serf: %exit crash trace:\ncrashy: %crash card")
	require.Contains(t, c.flogs(), "serf: event 2 crashed (%exit); retrying as %crud")

	twice := j.job(tagged("crash-twice"))
	p := c.work(0, twice)
	bail, ok := p.(ipc.WorkBail)
	require.True(t, ok, "want %%work %%bail, got %s", p)
	require.Equal(t, []string{"exit", "exit"}, goofMotes(bail.Goofs))
	// The replacement's goof comes first.
	require.True(t, bail.Goofs[0].Tang.IsZero())
	require.Contains(t, c.flogs(), "serf: %exit crash trace:\ncrashy: %crud of %crash-twice")

	done := c.workDone(j.job(tagged("fine")))
	require.Equal(t, uint64(3), done.Eve, "a bail consumes no event number")
	require.Equal(t, uint64(2), c.peekCount())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestSlogPlea checks that a %slog hint reaches the king as a %slog plea
// before the event's reply.
// TestGoofTangFromKernelMook: the goof's tang is what the kernel's +mook
// makes of [2 trace], the raw frames innermost first. This kernel's mook
// hands the frames back as they came.
func TestGoofTangFromKernelMook(t *testing.T) {
	crashy := kernels.Crashy()
	_, peekPoke, _ := crashy.Battery.Tail().Uncell()
	identity := kernels.Gate(kernels.Slot(6)) // [2 tax] -> [2 tax]
	wish := kernels.Const(kernels.Gate(kernels.Const(identity)))
	k := kernels.Kernel{Name: "mirror", Battery: noun.T(kernels.Const(noun.Zero), wish, peekPoke), State: crashy.State}
	p := runInProcess(t, context.Background(), serf.Config{Pier: t.TempDir()})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: mustList(t, k.BootList())})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	var j jobs
	crash := j.job(tagged("crash"))
	p.send(ipc.Work{Job: crash})
	swap := requireSwap(t, p.recv(), 2, crash, "exit")
	g, err := ipc.DecodeGoof(swap.Job.Tail().Tail().Tail().Head())
	require.NoError(t, err)
	want := noun.T(noun.T(noun.Cord("lose"), noun.Cord("crashy: %crash card")), noun.Zero)
	require.True(t, noun.Equal(want, g.Tang), "tang %s", noun.String(g.Tang))

	// Nested frames reach +mook innermost first: a poke that always
	// crashes inside two %lose hints bails with that trace twice.
	poke := kernels.GateArm(kernels.HintClue("lose", kernels.Const(noun.Cord("outer")),
		kernels.HintClue("lose", kernels.Const(noun.Cord("inner")), kernels.Crash())))
	peek, _, _ := peekPoke.Uncell()
	k = kernels.Kernel{Name: "mirror2", Battery: noun.T(kernels.Const(noun.Zero), wish, peek, poke)}
	p = runInProcess(t, context.Background(), serf.Config{Pier: t.TempDir()})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: mustList(t, k.BootList())})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	p.send(ipc.Work{Job: j.job(tagged("x"))})
	pl := p.recv()
	bail, ok := pl.(ipc.WorkBail)
	require.True(t, ok, "want %%work %%bail, got %s", pl)
	want = noun.T(noun.T(noun.Cord("lose"), noun.Cord("inner")), noun.T(noun.Cord("lose"), noun.Cord("outer")), noun.Zero)
	for i, g := range bail.Goofs {
		require.True(t, noun.Equal(want, g.Tang), "goof %d tang %s", i, noun.String(g.Tang))
	}
}

func TestSlogPlea(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.boot(pill(t, "crashy"))
	var j jobs
	c.send(ipc.Work{Job: j.job(tagged("slog"))})
	s := c.waitSlog()
	require.Equal(t, uint64(0), s.Priority)
	lines, err := noun.RenderTank(s.Tank, 80)
	require.NoError(t, err)
	require.Equal(t, []string{"crashy: slog"}, lines)
	require.IsType(t, ipc.WorkDone{}, c.recv())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestQuietDropsSlog: with the quiet flag, as in the reference
// interpreter, a %slog hint sends nothing; the event computes as before.
func TestQuietDropsSlog(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{flags: serf.Quiet})
	c.ripe()
	c.boot(pill(t, "crashy"))
	var j jobs
	c.send(ipc.Work{Job: j.job(tagged("slog"))})
	for {
		p := c.next()
		_, slog := p.(ipc.Slog)
		require.False(t, slog, "quiet serf sent %s", p)
		if _, ok := p.(ipc.Flog); ok {
			continue
		}
		require.IsType(t, ipc.WorkDone{}, p)
		break
	}
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestTimeout: an event that loops past its mil fails with %alrm; its
// %crud retry runs with the same limit.
func TestTimeout(t *testing.T) {
	t.Run("crashy loop swaps", func(t *testing.T) {
		t.Parallel()
		c := startSerf(t, t.TempDir(), childOpts{})
		c.ripe()
		c.boot(pill(t, "crashy"))
		var j jobs
		loop := j.job(tagged("loop"))
		requireSwap(t, c.work(50, loop), 2, loop, "alrm")
		c.send(ipc.LiveExit{Code: 0})
		c.expectExit(0)
	})
	t.Run("retry loops too", func(t *testing.T) {
		t.Parallel()
		c := startSerf(t, t.TempDir(), childOpts{})
		c.ripe()
		c.boot(sulkyBoot(t))
		var j jobs
		p := c.work(30, j.job(tagged("hang-twice")))
		bail, ok := p.(ipc.WorkBail)
		require.True(t, ok, "want %%work %%bail, got %s", p)
		require.Equal(t, []string{"alrm", "alrm"}, goofMotes(bail.Goofs))
		done := c.workDone(j.job(tagged("fine")))
		require.Equal(t, uint64(2), done.Eve)
		c.send(ipc.LiveExit{Code: 0})
		c.expectExit(0)
	})
}

// TestHeapLimit: `king serf` bounds its heap as the reference serf's loom
// bounds its memory, so an event that builds an ever longer list fails
// with %meme (and its %crud retry succeeds) instead of exhausting the
// machine; GOMEMLIMIT sets the limit. The serf then computes on.
func TestHeapLimit(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{env: []string{"GOMEMLIMIT=256MiB"}})
	c.ripe()
	c.boot(pill(t, "crashy"))
	var j jobs
	meme := j.job(tagged("meme"))
	swap := requireSwap(t, c.work(0, meme), 2, meme, "meme")
	done := c.workDone(j.job(tagged("fine")))
	require.Equal(t, swap.Eve+1, done.Eve)
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// sulkyBoot is the boot list of the sulky test kernel.
func sulkyBoot(t *testing.T) []noun.Noun { return mustList(t, sulky().BootList()) }

// TestSIGINT interrupts looping events with SIGINT: the event fails with
// %intr and is retried as %crud (a swap when the retry succeeds, a bail
// with two %intr goofs when the retry is interrupted too), and the serf
// keeps running. The kernel's %slog says when each computation has begun.
func TestSIGINT(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.boot(sulkyBoot(t))
	var j jobs

	hang := j.job(tagged("hang"))
	c.send(ipc.Work{Job: hang})
	c.waitSlog()
	c.interrupt()
	requireSwap(t, c.recv(), 2, hang, "intr")

	c.send(ipc.Work{Job: j.job(tagged("hang-twice"))})
	c.waitSlog()
	c.interrupt()
	c.waitSlog() // the %crud retry has begun
	c.interrupt()
	p := c.recv()
	bail, ok := p.(ipc.WorkBail)
	require.True(t, ok, "want %%work %%bail, got %s", p)
	require.Equal(t, []string{"intr", "intr"}, goofMotes(bail.Goofs))

	done := c.workDone(j.job(tagged("fine")))
	require.Equal(t, uint64(3), done.Eve)
	require.Equal(t, uint64(2), c.peekCount())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestPlayBail: a replayed event that crashes stops the batch with the
// event number and mug of the last event that succeeded, which is the
// state the serf keeps.
func TestPlayBail(t *testing.T) {
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.boot(pill(t, "crashy"))
	var j jobs
	c.send(ipc.Play{Eve: 2, Events: []noun.Noun{j.job(tagged("a")), j.job(tagged("b"))}})
	p := c.recv()
	require.IsType(t, ipc.PlayDone{}, p)
	good := p.(ipc.PlayDone).Mug

	c.send(ipc.Play{Eve: 4, Events: []noun.Noun{j.job(tagged("c")), j.job(tagged("crash")), j.job(tagged("d"))}})
	p = c.recv()
	bail, ok := p.(ipc.PlayBail)
	require.True(t, ok, "want %%play %%bail, got %s", p)
	require.Equal(t, uint64(4), bail.Eve, "eve of the last good event")
	require.NotEqual(t, good, bail.Mug)
	require.Equal(t, "exit", bail.Goof.Mote)
	require.Equal(t, uint64(3), c.peekCount(), "three events counted after boot")

	// The serf is at event 4: the next batch starts at 5.
	c.send(ipc.Play{Eve: 5, Events: []noun.Noun{j.job(tagged("e"))}})
	require.IsType(t, ipc.PlayDone{}, c.recv())
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestBootBail: a boot list whose lifecycle crashes bails with eve and mug
// 0 and leaves the serf empty, ready for another boot.
func TestBootBail(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{})
	c.ripe()
	c.send(ipc.Play{Eve: 1, Events: []noun.Noun{noun.T(noun.Zero, noun.Zero)}})
	p := c.recv()
	bail, ok := p.(ipc.PlayBail)
	require.True(t, ok, "want %%play %%bail, got %s", p)
	require.Equal(t, ipc.PlayBail{Eve: 0, Mug: 0, Goof: bail.Goof}, bail)
	require.Equal(t, "exit", bail.Goof.Mote)
	require.Equal(t, ex.mugAfterBoot, c.boot(ex.boot))
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
}

// TestVerboseTimings checks the Verbose flag's %flog lines.
func TestVerboseTimings(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{flags: serf.Verbose})
	c.ripe()
	c.boot(ex.boot)
	c.workDone(ex.jobs[0])
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)
	flogs := c.flogs()
	require.Contains(t, flogs, "serf: work: computing event 2")
	var timed int
	for _, f := range flogs {
		if strings.Contains(f, "boot of 1 events took") || strings.Contains(f, "work of event 2 took") {
			timed++
		}
	}
	require.Equal(t, 2, timed, "flogs: %q", flogs)
}
