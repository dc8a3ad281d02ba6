package serf_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
	k "github.com/kingserf/king/serf/kernels"
)

// inproc is serf.Run on pipes in this process.
type inproc struct {
	t      testing.TB
	in     *io.PipeWriter
	w      *ipc.Writer
	r      *ipc.Reader
	done   chan runResult
	result *runResult
}

type runResult struct {
	code int
	err  error
}

// runInProcess starts serf.Run(ctx, cfg) on pipes; cfg's streams are set
// here. Its end is awaited when the test ends.
func runInProcess(t testing.TB, ctx context.Context, cfg serf.Config) *inproc {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cfg.In, cfg.Out = inR, outW
	framing := cfg.Framing
	if framing == ipc.Auto {
		framing = ipc.Legacy
	}
	p := &inproc{t: t, in: inW, w: ipc.NewWriter(inW, framing), r: ipc.NewReader(outR, ipc.WithFraming(framing)),
		done: make(chan runResult, 1)}
	go func() {
		code, err := serf.Run(ctx, cfg)
		_ = outW.Close()
		_ = inR.Close()
		p.done <- runResult{code, err}
	}()
	t.Cleanup(func() {
		_ = inW.Close()
		_, _ = io.Copy(io.Discard, outR)
		p.wait()
	})
	return p
}

func (p *inproc) send(w ipc.Writ) {
	p.t.Helper()
	require.NoError(p.t, p.w.WriteWrit(w))
}

// recv returns the next plea that is not a %slog or %flog.
func (p *inproc) recv() ipc.Plea {
	p.t.Helper()
	for {
		pl, err := p.r.ReadPlea()
		require.NoError(p.t, err)
		switch pl.(type) {
		case ipc.Slog, ipc.Flog:
		default:
			return pl
		}
	}
}

// wait waits for Run to return.
func (p *inproc) wait() runResult {
	if p.result == nil {
		r := <-p.done
		p.result = &r
	}
	return *p.result
}

// TestIdleInterruptDoesNotPoison: an interrupt raised while the serf is
// idle is dropped when the next event starts.
func TestIdleInterruptDoesNotPoison(t *testing.T) {
	ex := loadExample(t)
	var intr atomic.Bool
	p := runInProcess(t, context.Background(), serf.Config{Pier: t.TempDir(), Interrupt: &intr})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: ex.boot})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	intr.Store(true)
	p.send(ipc.Work{Job: ex.jobs[0]})
	pl := p.recv()
	require.IsType(t, ipc.WorkDone{}, pl)
	require.Equal(t, ex.mugs[0], pl.(ipc.WorkDone).Mug)
	p.send(ipc.LiveExit{Code: 3})
	r := p.wait()
	require.NoError(t, r.err)
	require.Equal(t, 3, r.code)
}

// TestContextEndsRun: cancelling ctx during a computation ends Run with
// ctx's error and no reply to the writ.
func TestContextEndsRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := runInProcess(t, ctx, serf.Config{Pier: t.TempDir()})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: sulkyBoot(t)})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	var j jobs
	p.send(ipc.Work{Job: j.job(tagged("hang"))})
	pl, err := p.r.ReadPlea()
	require.NoError(t, err)
	require.IsType(t, ipc.Slog{}, pl, "the hang has begun")
	cancel()
	_, err = p.r.ReadPlea()
	require.ErrorIs(t, err, io.EOF, "no reply after cancellation")
	r := p.wait()
	require.ErrorIs(t, r.err, context.Canceled)
	require.Equal(t, serf.ExitError, r.code)
}

// TestMemoryBudget: an event that allocates past Config.MemoryBudget fails
// with %meme and is retried as %crud.
func TestMemoryBudget(t *testing.T) {
	p := runInProcess(t, context.Background(), serf.Config{Pier: t.TempDir(), MemoryBudget: 8 << 20})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: pill(t, "crashy")})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	var j jobs
	meme := j.job(tagged("meme"))
	p.send(ipc.Work{Job: meme})
	requireSwap(t, p.recv(), 2, meme, "meme")
}

// odd is a kernel whose peek produces the atom 5 and whose poke produces
// effects [1 2], which is not a list: neither could reach the king intact.
func odd() k.Kernel {
	poke := k.GateArm(k.Cons(k.Const(noun.Cell(noun.One, noun.Atom(2))), k.Slot(7)))
	peek := k.GateArm(k.Const(noun.Atom(5)))
	wish := k.Const(k.Gate(k.Const(noun.Zero)))
	return k.Kernel{Name: "odd", Battery: noun.T(k.Const(noun.Zero), wish, peek, poke)}
}

// TestMalformedProducts: a peek product that is not a (unit (cask)) goes
// to the king as it is, and effects that are not a list are a crash (here
// of the retry too, so a bail).
func TestMalformedProducts(t *testing.T) {
	p := runInProcess(t, context.Background(), serf.Config{Pier: t.TempDir()})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: mustList(t, odd().BootList())})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	// A peek's product goes out as it is, as Urbit's serf sends it.
	p.send(ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "x")})
	require.Equal(t, ipc.PeekDone{Result: noun.Atom(5)}, p.recv())
	var j jobs
	p.send(ipc.Work{Job: j.job(tagged("x"))})
	pl := p.recv()
	require.IsType(t, ipc.WorkBail{}, pl)
	bail := pl.(ipc.WorkBail)
	require.Equal(t, []string{"exit", "exit"}, goofMotes(bail.Goofs))
	lines, err := noun.RenderTang(bail.Goofs[1].Tang, 80)
	require.NoError(t, err)
	require.Equal(t, []string{"serf: poke effects are not a list"}, lines)
}

// TestNoPier: without a pier nothing is loaded, and %save is fatal.
func TestNoPier(t *testing.T) {
	ex := loadExample(t)
	p := runInProcess(t, context.Background(), serf.Config{})
	require.Equal(t, ipc.Ripe{Proto: 1, Hon: 141, Nock: 4}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: ex.boot})
	require.IsType(t, ipc.PlayDone{}, p.recv())
	p.send(ipc.LiveSave{Eve: 1})
	r := p.wait()
	require.ErrorIs(t, r.err, serf.ErrConfig)
	require.Equal(t, serf.ExitError, r.code)
}

// TestRunConfigErrors checks the Config Run refuses.
func TestRunConfigErrors(t *testing.T) {
	out := io.Discard
	tests := []struct {
		name string
		cfg  serf.Config
	}{
		{"no streams", serf.Config{}},
		{"no input", serf.Config{Out: out}},
		{"bad framing", serf.Config{In: noInput{}, Out: out, Framing: 9}},
		{"negative cache", serf.Config{In: noInput{}, Out: out, CacheSize: -1}},
		{"negative budget", serf.Config{In: noInput{}, Out: out, MemoryBudget: -1}},
		{"rock without pier", serf.Config{In: noInput{}, Out: out, RockEvent: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, err := serf.Run(context.Background(), tt.cfg)
			require.ErrorIs(t, err, serf.ErrConfig)
			require.Equal(t, serf.ExitError, code)
		})
	}
}

// noInput is a stream that is already at its end.
type noInput struct{}

func (noInput) Read([]byte) (int, error) { return 0, io.EOF }

// TestStdinClosedInProcess: the end of input is ErrStdinClosed.
func TestStdinClosedInProcess(t *testing.T) {
	code, err := serf.Run(context.Background(), serf.Config{In: noInput{}, Out: io.Discard})
	require.True(t, errors.Is(err, serf.ErrStdinClosed), "got %v", err)
	require.Equal(t, serf.ExitError, code)
}
