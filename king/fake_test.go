package king

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// A well-behaved fake: every simple flow, then Stop, which is idempotent.
func TestFakeFlows(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{modeOK, modeNewt} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := fakeConfig(t, mode)
			onDeath, deaths := deathWatch(t)
			cfg.OnDeath = onDeath
			s, info, err := Start(ctx, cfg)
			require.NoError(t, err)
			want := ipc.Legacy
			if mode == modeNewt {
				want = ipc.Newt
			}
			require.Equal(t, Info{Proto: 1, Hon: 141, Nock: 4, Framing: want, Pid: s.Pid()}, info)

			eve, mug, err := s.LastEvent()
			require.NoError(t, err)
			require.Zero(t, eve)
			require.Zero(t, mug)

			boot := []noun.Noun{noun.Atom(1), noun.Atom(2), noun.Atom(3)}
			var wantMug uint32
			for _, j := range boot {
				wantMug = fakeMug(wantMug, j)
			}
			got, err := s.Boot(ctx, boot)
			require.NoError(t, err)
			require.Equal(t, wantMug, got)
			_, err = s.Boot(ctx, boot)
			require.Equal(t, &EventNumberError{Want: 4, Got: 1}, err)

			require.NoError(t, s.Snapshot(ctx))
			require.NoError(t, s.Compact(ctx))
			require.NoError(t, s.Meld(ctx))
			cram, err := s.Cram(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 3, cram)

			res, err := s.Scry(ctx, ipc.LocalGang(), noun.Path("x", "count"))
			require.NoError(t, err)
			require.True(t, noun.Equal(noun.Some(noun.T(noun.Cord("noun"), noun.Atom(3))), res), noun.String(res))
			_, err = s.Peek(ctx, 0, peekCrash)
			var pb *PeekBailError
			require.ErrorAs(t, err, &pb)
			require.Equal(t, "exit", pb.Goof.Mote)

			eve, mug, err = s.LastEvent()
			require.NoError(t, err)
			require.EqualValues(t, 3, eve)
			require.Equal(t, wantMug, mug)

			require.NoError(t, s.Stop(ctx))
			requireGone(t, s)
			require.NoError(t, awaitDeath(t, deaths))
			require.NoError(t, s.ExitErr())
			require.NoError(t, s.Stop(ctx), "Stop is idempotent")
			_, _, err = s.LastEvent()
			require.ErrorIs(t, err, ErrSerfNotRunning)
			require.ErrorIs(t, s.Snapshot(ctx), ErrSerfNotRunning)
			require.ErrorIs(t, s.SendSIGINT(), ErrSerfNotRunning)
			select {
			case err := <-deaths:
				t.Fatalf("OnDeath called twice (%v)", err)
			default:
			}
		})
	}
}

// Start's failures: each kills and reaps the process and says why.
func TestFakeStartFailures(t *testing.T) {
	t.Parallel()
	badFrame := func(want error) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			require.ErrorIs(t, err, ErrBadPleaFrame)
			require.ErrorIs(t, err, want)
		}
	}
	tests := []struct {
		mode  string
		ripe  time.Duration
		check func(t *testing.T, err error)
		// bytes, for modeBytes, is what the fake writes on stdout.
		bytes string
	}{
		{modeNoRipe, 300 * time.Millisecond, func(t *testing.T, err error) {
			require.ErrorIs(t, err, ErrRipeTimeout)
		}, ""},
		{modeGarbageRipe, 0, func(t *testing.T, err error) {
			var bad *BadPleaAtomError
			require.ErrorAs(t, err, &bad)
			require.Equal(t, []byte{0x01}, bad.Frame)
			require.ErrorIs(t, err, ipc.ErrBadNoun)
		}, ""},
		{modeProto2, 0, func(t *testing.T, err error) {
			require.Equal(t, &ProtocolVersionError{Got: 2}, err)
		}, ""},
		{modeWrongPlea, 0, func(t *testing.T, err error) {
			// wrongplea answers writs, not the handshake: it sends a good
			// %ripe, so Start succeeds; covered by TestFakeBrokenFlows.
			require.NoError(t, err)
		}, ""},
		{modeStderrExit, 0, func(t *testing.T, err error) {
			require.ErrorIs(t, err, ErrConnectionClosed)
			var exit *ExitError
			require.ErrorAs(t, err, &exit)
			require.Equal(t, 7, exit.ExitCode())
			require.Len(t, exit.Stderr, stderrKeep)
			require.Equal(t, "line 59", exit.Stderr[stderrKeep-1])
			require.Contains(t, err.Error(), "line 59")
		}, ""},
		// Output that is not framed at all: ErrBadPleaFrame, and the ipc
		// error saying how.
		{modeBytes, 0, badFrame(ipc.ErrFrameTooLarge), "hello, this is not a frame\n"},
		{modeBytes, 0, badFrame(ipc.ErrZeroLength), "\x00\x00\x00\x00\x00"},
		{modeBytes, 0, func(t *testing.T, err error) { // a newt frame that does not cue
			var bad *BadPleaAtomError
			require.ErrorAs(t, err, &bad)
			require.NotErrorIs(t, err, ErrBadPleaFrame)
		}, "\x00\x05\x00\x00\x00garbage"},
	}
	for _, tc := range tests {
		name := tc.mode
		if tc.bytes != "" {
			name += fmt.Sprintf(" %q", tc.bytes)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := fakeConfig(t, tc.mode)
			cfg.Env = append(cfg.Env, fakeBytesEnv+"="+hex.EncodeToString([]byte(tc.bytes)))
			cfg.RipeTimeout = tc.ripe
			var pids pidCatcher
			cfg.OnStderr = pids.line
			onDeath, deaths := deathWatch(t)
			cfg.OnDeath = onDeath
			s, _, err := Start(context.Background(), cfg)
			tc.check(t, err)
			if err == nil {
				require.NoError(t, s.Stop(context.Background()))
			} else {
				require.Nil(t, s)
			}
			awaitDeath(t, deaths)
			require.NotZero(t, pids.get(), "fake wrote no pid line")
			requirePidGone(t, pids.get())
		})
	}
}

// A serf binary that does not exist fails Start cleanly.
func TestStartMissingBinary(t *testing.T) {
	_, _, err := Start(context.Background(), Config{SerfPath: "/nonexistent/serf"})
	require.ErrorIs(t, err, os.ErrNotExist)
}

// Start gives up when its context ends, killing the serf.
func TestStartContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := fakeConfig(t, modeNoRipe)
	var pids pidCatcher
	cfg.OnStderr = pids.line
	cfg.OnStderr = func(l string) {
		pids.line(l)
		cancel() // the first stderr line proves the process runs
	}
	onDeath, deaths := deathWatch(t)
	cfg.OnDeath = onDeath
	_, _, err := Start(ctx, cfg)
	require.ErrorIs(t, err, context.Canceled)
	awaitDeath(t, deaths)
	requirePidGone(t, pids.get())
}

// Flows broken half-way by a misbehaving serf: the call returns the
// documented error, the serf is killed and reaped, later calls return
// ErrSerfNotRunning.
func TestFakeBrokenFlows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode  string
		flow  func(s *Serf) error
		check func(t *testing.T, err error)
	}{
		{modeGarbage, snapshotFlow, func(t *testing.T, err error) {
			var bad *BadPleaAtomError
			require.ErrorAs(t, err, &bad)
		}},
		{modeBadNoun, snapshotFlow, func(t *testing.T, err error) {
			var bad *BadPleaNounError
			require.ErrorAs(t, err, &bad)
			require.Equal(t, "work.done.mug", bad.Field)
			require.ErrorIs(t, err, ipc.ErrMalformed)
		}},
		{modeWrongPlea, runOneWork, func(t *testing.T, err error) {
			var un *UnexpectedPleaError
			require.ErrorAs(t, err, &un)
			require.Contains(t, un.Want, "%work")
		}},
		{modeWrongEve, runOneWork, func(t *testing.T, err error) {
			var un *UnexpectedPleaError
			require.ErrorAs(t, err, &un)
		}},
		{modeDiePlay, replayThree, func(t *testing.T, err error) {
			require.ErrorIs(t, err, ErrConnectionClosed)
			var exit *ExitError
			require.ErrorAs(t, err, &exit)
			require.Equal(t, 3, exit.ExitCode())
			require.Contains(t, exit.Stderr, "fake-serf: dying mid-batch")
		}},
		{modeCloseStdout, snapshotFlow, func(t *testing.T, err error) {
			require.ErrorIs(t, err, ErrConnectionClosed)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			cfg := fakeConfig(t, tc.mode)
			onDeath, deaths := deathWatch(t)
			cfg.OnDeath = onDeath
			s, _, err := Start(context.Background(), cfg)
			require.NoError(t, err)
			err = tc.flow(s)
			tc.check(t, err)
			// The serf is gone before the failing call returns.
			select {
			case <-s.Done():
			default:
				t.Fatal("serf still running after a broken flow")
			}
			requirePidGone(t, s.Pid())
			awaitDeath(t, deaths)
			_, _, err = s.LastEvent()
			require.ErrorIs(t, err, ErrSerfNotRunning)
			require.ErrorIs(t, s.Compact(context.Background()), ErrSerfNotRunning)
			require.NoError(t, s.Stop(context.Background()))
		})
	}
}

func snapshotFlow(s *Serf) error { return s.Snapshot(context.Background()) }

func runOneWork(s *Serf) error {
	reqs := make(chan Request, 1)
	reqs <- Work{Job: jobs(1)[0], Done: func(WorkResult) { panic("no result expected") }}
	close(reqs)
	return s.Run(context.Background(), reqs, RunOptions{})
}

func replayThree(s *Serf) error {
	return s.Replay(context.Background(), events(1, 3), 3, nil)
}

// %slog and %flog flooding in between replies reach their callbacks and
// disturb nothing.
func TestFakeSlogFlood(t *testing.T) {
	t.Parallel()
	cfg := fakeConfig(t, modeSlogFlood)
	var slogs, flogs atomic.Int64
	cfg.OnSlog = func(pri uint64, tank noun.Noun) {
		if pri < 3 && noun.Equal(tank, noun.T(noun.Cord("leaf"), noun.Tape("flood"))) {
			slogs.Add(1)
		}
	}
	cfg.OnFlog = func(text string) {
		if text == "flog flood" {
			flogs.Add(1)
		}
	}
	s, _ := startFake(t, cfg)
	const n = 30
	results := runWorks(t, s, jobs(n), 10)
	for i, r := range results {
		require.Equal(t, WorkDone, r.Kind)
		require.EqualValues(t, i+1, r.Eve)
	}
	require.EqualValues(t, n*floodSlogs, slogs.Load())
	require.EqualValues(t, n*floodFlogs, flogs.Load())
}

// Calls from many goroutines at once, including a Run, are serialised by
// the state lock (run with -race).
func TestFakeConcurrentCalls(t *testing.T) {
	t.Parallel()
	s, _ := startFake(t, fakeConfig(t, modeOK))
	ctx := context.Background()
	reqs := make(chan Request)
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx, reqs, RunOptions{MaxInFlight: 4}) }()
	const workers, each = 4, 25
	var done atomic.Int64
	var flows sync.WaitGroup
	for w := range workers {
		flows.Add(1)
		go func() {
			defer flows.Done()
			for i := range each {
				switch (w + i) % 4 {
				case 0:
					sendReq(t, reqs, runErr, Work{Job: jobs(i + 1)[i], Done: func(r WorkResult) {
						if r.Kind == WorkDone {
							done.Add(1)
						}
					}})
				case 1:
					_, err := s.Scry(ctx, ipc.LocalGang(), noun.Path("x"))
					require.NoError(t, err)
				case 2:
					require.NoError(t, s.Snapshot(ctx))
				case 3:
					_, _, err := s.LastEvent()
					require.NoError(t, err)
				}
			}
		}()
	}
	flows.Wait()
	sendReq(t, reqs, runErr, Kill{})
	require.NoError(t, <-runErr)
	eve, _, err := s.LastEvent()
	require.NoError(t, err)
	require.EqualValues(t, done.Load(), eve)
	require.NotZero(t, eve)
}

// sendReq sends req to a Run, failing if Run has returned instead.
func sendReq(t testing.TB, reqs chan<- Request, runErr chan error, req Request) {
	select {
	case reqs <- req:
	case err := <-runErr:
		runErr <- err
		t.Errorf("Run returned early: %v", err)
	}
}
