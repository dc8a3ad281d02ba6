package pier

import (
	"context"
	"fmt"
	"time"
)

// Status is a running pier's state, for an operator (SIGUSR1).
type Status struct {
	// Pier is the pier directory.
	Pier string
	// Running is true while Run runs.
	Running bool
	// SerfPid is the serf's pid, 0 while no serf runs.
	SerfPid int
	// LastEvent is the serf's last event as the pier knows it.
	LastEvent uint64
	// LastCommitted is the last event durably in the log, and LastMug the
	// mug logged with it.
	LastCommitted uint64
	LastMug       uint32
	// InFlight is how many injected events are pending: accepted and not
	// yet committed (or bailed).
	InFlight int
	// Restarts counts the serf's unexpected deaths followed by a restart.
	Restarts int
	// Uptime is the time since Run started.
	Uptime time.Duration
}

// Status reports the pier's state. It never waits for the serf.
func (p *Pier) Status() Status {
	last, mug := p.log.Last()
	st := Status{Pier: p.dir, LastCommitted: last, LastMug: mug}
	r := p.current()
	if r == nil {
		st.LastEvent = last
		return st
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st.Running = true
	if r.serf != nil {
		st.SerfPid = r.serf.Pid()
	}
	st.LastEvent = r.serfEve
	st.InFlight = int(r.inflight.Load())
	st.Restarts = r.restarts
	st.Uptime = time.Since(r.started)
	return st
}

// String renders a status as one log line.
func (s Status) String() string {
	return fmt.Sprintf("pier %s: serf pid %d, last event %d, last committed %d, in flight %d, restarts %d, up %v",
		s.Pier, s.SerfPid, s.LastEvent, s.LastCommitted, s.InFlight, s.Restarts, s.Uptime.Round(time.Second))
}

// Shutdown stops the running pier gracefully: it stops intake (Inject
// returns ErrShuttingDown), lets the events already accepted be computed
// and committed and their effects released, has the serf snapshot, sends
// it %exit and kills it if it has not exited after its ExitTimeout
// (king.Serf.Stop). It returns Run's result once Run has ended. If ctx ends
// first, the pier is stopped hard (as if Run's ctx ended) and Shutdown
// returns ctx's error once Run has ended.
func (p *Pier) Shutdown(ctx context.Context) error {
	r := p.current()
	if r == nil {
		return ErrNotRunning
	}
	r.beginStop()
	select {
	case <-r.done:
		return r.result
	case <-ctx.Done():
		r.cancel()
		<-r.done
		return fmt.Errorf("pier: shutdown: %w", ctx.Err())
	}
}

// RestartSerf restarts the serf cleanly (for SIGHUP): it drains the work
// in flight, has the serf snapshot, stops it, starts a new one and checks
// that it is at the same event with the same mug (ErrMugMismatch if not;
// the new serf keeps running, since the log is the truth). Intake waits
// meanwhile.
func (p *Pier) RestartSerf(ctx context.Context) error {
	r := p.current()
	if r == nil {
		return ErrNotRunning
	}
	reply := make(chan error, 1)
	select {
	case r.ctl <- ctlReq{reply: reply}:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopCh:
		return ErrShuttingDown
	case <-r.done:
		return ErrNotRunning
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-r.done:
		// supervise answers every accepted request before Run ends.
		select {
		case err := <-reply:
			return err
		default:
			return ErrNotRunning
		}
	}
}
