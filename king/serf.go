package king

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
)

// Serf is the king's handle on one serf process: it owns the process, its
// pipes and the goroutines reading them, and offers each flow of the
// protocol as a method. All methods are safe for concurrent use; flows are
// serialised by the state lock.
//
// Three goroutines serve each serf: the process goroutine (spawns, reaps,
// fires OnDeath), the plea reader (stdout) and the stderr reader.
type Serf struct {
	cfg Config
	log *zap.Logger

	proc *os.Process
	info Info

	// stdin is the write end of the serf's stdin; w frames writs into bw,
	// which buffers them so that Run can send several in one write(2).
	// Only the holder of the state lock writes (Stop included), and it
	// flushes before it waits for a reply.
	stdin *os.File
	bw    *bufio.Writer
	w     *ipc.Writer

	// pleas carries, in order, every plea but %slog and %flog from the
	// plea reader to whichever flow holds the state lock. The reader ends
	// it with one message carrying the error that stopped it, then closes
	// it. Only the holder of the state lock receives from it.
	pleas chan pleaMsg

	// state is the state lock: a channel holding the one *serfState.
	// Taking the value out locks, putting it back unlocks, so the lock can
	// be waited for together with a context.
	state chan *serfState

	// reaped is closed once the process has been reaped. done is closed
	// after that, once the pipe readers have finished; exitErr is set
	// before done is closed and never changes afterwards.
	reaped  chan struct{}
	done    chan struct{}
	exitErr error
	// stdoutDone and stderrDone are closed when the pipe readers return.
	stdoutDone, stderrDone chan struct{}

	stderr lineRing
}

// serfState is what the state lock guards.
//
// Invariant: eve and mug are the serf's last event and the mug of its
// kernel after it, as of the last reply received; dead is nil while the
// serf can take writs, and once set it is never cleared.
type serfState struct {
	eve  uint64
	mug  uint32
	dead error
}

// pleaMsg is one message from the plea reader: a plea, or the error that
// ended the stream. framing is the framing the reader detected.
type pleaMsg struct {
	plea    ipc.Plea
	err     error
	framing ipc.Framing
}

// deathGrace is how long a flow that lost its connection waits for the
// process to exit on its own before killing it, so that the error can
// report the real exit status rather than our SIGKILL.
const deathGrace = 250 * time.Millisecond

// Pid returns the serf's process id.
func (s *Serf) Pid() int { return s.info.Pid }

// Done returns a channel closed once the serf process has been reaped and
// its pipes drained.
func (s *Serf) Done() <-chan struct{} { return s.done }

// ExitErr returns how the serf process ended: nil while it runs or if it
// exited with status 0, otherwise an *ExitError.
func (s *Serf) ExitErr() error {
	select {
	case <-s.done:
		return s.exitErr
	default:
		return nil
	}
}

// LastStderr returns the last lines (up to 50) the serf wrote to stderr,
// oldest first.
func (s *Serf) LastStderr() []string { return s.stderr.lines() }

// LastEvent returns the serf's last event number and the mug of its kernel
// after that event. It waits while a flow holds the state lock (Run holds
// it while it has work in flight). err is ErrSerfNotRunning once the serf
// is gone; eve and mug are then the last known values.
func (s *Serf) LastEvent() (eve uint64, mug uint32, err error) {
	st := <-s.state
	defer s.unlock(st)
	s.noticeExit(st)
	if st.dead != nil {
		return st.eve, st.mug, notRunning(st.dead)
	}
	return st.eve, st.mug, nil
}

// lock takes the state lock, or gives up when ctx ends.
func (s *Serf) lock(ctx context.Context) (*serfState, error) {
	select {
	case st := <-s.state:
		return st, nil
	default:
	}
	select {
	case st := <-s.state:
		return st, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// unlock puts the state back.
func (s *Serf) unlock(st *serfState) { s.state <- st }

// begin takes the state lock for a flow and checks that the serf can take
// writs; on error the lock is not held.
func (s *Serf) begin(ctx context.Context) (*serfState, error) {
	st, err := s.lock(ctx)
	if err != nil {
		return nil, err
	}
	s.noticeExit(st)
	if st.dead != nil {
		s.unlock(st)
		return nil, notRunning(st.dead)
	}
	return st, nil
}

// noticeExit marks the state dead if the process has ended while no flow
// was running.
func (s *Serf) noticeExit(st *serfState) {
	if st.dead != nil {
		return
	}
	select {
	case <-s.done:
		st.dead = s.exitCause()
	default:
	}
}

// exitCause describes a process that has ended; it must only be called
// once done is closed.
func (s *Serf) exitCause() error {
	if s.exitErr != nil {
		return s.exitErr
	}
	return errors.New("king: serf exited with status 0")
}

// notRunning wraps the reason a serf is gone in ErrSerfNotRunning, naming
// the cause without making it matchable: the later call did not itself
// fail that way.
func notRunning(cause error) error {
	if errors.Is(cause, ErrSerfNotRunning) {
		return cause
	}
	return fmt.Errorf("%w (%v)", ErrSerfNotRunning, cause)
}

// send writes one writ; a failed write fails the serf.
func (s *Serf) send(st *serfState, w ipc.Writ) error {
	if err := s.stageWrit(st, w); err != nil {
		return err
	}
	return s.flush(st)
}

// stageWrit buffers one writ, jammed straight into the frame buffer,
// without writing it yet.
func (s *Serf) stageWrit(st *serfState, w ipc.Writ) error {
	if err := s.w.WriteWrit(w); err != nil {
		return s.fail(st, fmt.Errorf("%w: write writ: %w", ErrConnectionClosed, err))
	}
	return nil
}

// sendFrame writes one jammed writ; a failed write fails the serf.
func (s *Serf) sendFrame(st *serfState, payload []byte) error {
	if err := s.stageFrame(st, payload); err != nil {
		return err
	}
	return s.flush(st)
}

// stageFrame buffers one jammed writ without writing it yet.
func (s *Serf) stageFrame(st *serfState, payload []byte) error {
	if err := s.w.WriteFrame(payload); err != nil {
		return s.fail(st, fmt.Errorf("%w: write writ: %w", ErrConnectionClosed, err))
	}
	return nil
}

// flush writes the buffered writs; a failed write fails the serf.
func (s *Serf) flush(st *serfState) error {
	if err := s.bw.Flush(); err != nil {
		return s.fail(st, fmt.Errorf("%w: write writ: %w", ErrConnectionClosed, err))
	}
	return nil
}

// recv waits for the next reply. If ctx ends first, the reply is still
// owed, and abandoning it would leave the stream out of step; so recv
// waits up to ExitTimeout more, and then fails the serf with ctx's error.
// Any error from the stream fails the serf.
func (s *Serf) recv(ctx context.Context, st *serfState) (ipc.Plea, error) {
	select {
	case m, ok := <-s.pleas:
		return s.received(st, m, ok)
	case <-ctx.Done():
	}
	grace := time.NewTimer(s.cfg.ExitTimeout)
	defer grace.Stop()
	select {
	case m, ok := <-s.pleas:
		return s.received(st, m, ok)
	case <-grace.C:
		return nil, s.fail(st, fmt.Errorf("king: serf still busy %v after the context ended: %w",
			s.cfg.ExitTimeout, ctx.Err()))
	}
}

// received turns one message from the plea reader into a plea or an error
// that has failed the serf.
func (s *Serf) received(st *serfState, m pleaMsg, ok bool) (ipc.Plea, error) {
	if !ok {
		return nil, s.fail(st, ErrConnectionClosed)
	}
	if m.err != nil {
		return nil, s.fail(st, m.err)
	}
	return m.plea, nil
}

// unexpected fails the serf for a plea the flow did not expect.
func (s *Serf) unexpected(st *serfState, got ipc.Plea, want string) error {
	return s.fail(st, &UnexpectedPleaError{Got: got.String(), Want: want})
}

// fail ends a flow that broke half-way: the serf's state relative to the
// king is unknown, so it is SIGKILLed and reaped, and the state is marked
// dead. It returns the error to report, which wraps cause (and, for a lost
// connection, the *ExitError of a serf that died on its own).
func (s *Serf) fail(st *serfState, cause error) error {
	err := cause
	diedAlone := false
	if errors.Is(cause, ErrConnectionClosed) {
		t := time.NewTimer(deathGrace)
		select {
		case <-s.reaped:
			diedAlone = true
		case <-t.C:
		}
		t.Stop()
	}
	s.kill()
	<-s.done
	if diedAlone {
		err = fmt.Errorf("%w: %w", cause, s.exitCause())
	}
	st.dead = err
	s.log.Warn("serf failed; killed", zap.Int("pid", s.info.Pid), zap.Error(err))
	return err
}

// kill sends SIGKILL; a process already reaped is not an error.
func (s *Serf) kill() {
	if err := s.proc.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		s.log.Warn("kill serf", zap.Int("pid", s.info.Pid), zap.Error(err))
	}
}
