package king

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
)

// errStopped is the state of a serf that Stop ended.
var errStopped = errors.New("king: serf stopped")

// Stop ends the serf. The sequence, like os/exec's Cancel and WaitDelay:
//
//  1. take the state lock, waiting at most ExitTimeout for a flow in
//     progress to finish;
//  2. send [%live %exit 0];
//  3. wait up to ExitTimeout for the process to exit;
//  4. if it has not (or step 1 timed out), SIGKILL it;
//  5. reap it.
//
// Stop returns nil once the serf is gone, however it went (ExitErr tells
// how), or ctx's error if ctx ended first; the serf is then killed and
// reaped all the same. It is idempotent and safe to call concurrently with
// other calls and with a serf that is dying on its own; every later flow
// returns ErrSerfNotRunning.
func (s *Serf) Stop(ctx context.Context) error {
	select {
	case <-s.done:
		return nil
	default:
	}
	lockWait := time.NewTimer(s.cfg.ExitTimeout)
	defer lockWait.Stop()
	var st *serfState
	select {
	case st = <-s.state:
	case <-s.done:
		return nil
	case <-lockWait.C:
		// A flow holds the lock and is not finishing (a looping event,
		// say). Killing the serf ends that flow, which then fails.
		s.log.Warn("serf busy; killing it to stop it", zap.Int("pid", s.info.Pid))
		return s.killAndReap(nil)
	case <-ctx.Done():
		return s.killAndReap(ctx.Err())
	}
	defer s.unlock(st)
	s.noticeExit(st)
	if st.dead != nil {
		// Only a serf already reaped is marked dead.
		<-s.done
		return nil
	}
	st.dead = errStopped
	err := s.w.WriteWrit(ipc.LiveExit{Code: 0})
	if err == nil {
		err = s.bw.Flush()
	}
	if err != nil {
		s.log.Debug("send %exit", zap.Error(err))
	}
	exitWait := time.NewTimer(s.cfg.ExitTimeout)
	defer exitWait.Stop()
	select {
	case <-s.reaped:
		<-s.done
		return nil
	case <-exitWait.C:
		s.log.Warn("serf ignored %exit; killing it", zap.Int("pid", s.info.Pid),
			zap.Duration("waited", s.cfg.ExitTimeout))
		return s.killAndReap(nil)
	case <-ctx.Done():
		return s.killAndReap(ctx.Err())
	}
}

// killAndReap SIGKILLs the serf, waits until it is reaped and returns err.
func (s *Serf) killAndReap(err error) error {
	s.kill()
	<-s.done
	return err
}
