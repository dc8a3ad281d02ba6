package pier

import (
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king"
)

// died handles an unexpected end of the serf s (nil if it never got
// going): it counts the death against the restart intensity and waits out
// the backoff. A non-nil result ends Run: the restart limit was passed,
// ctx ended, or a commit failed.
func (r *runner) died(s *king.Serf, cause error) error {
	var stderr []string
	if s != nil {
		stderr = s.LastStderr()
	} else {
		var exit *king.ExitError
		if errors.As(cause, &exit) {
			stderr = exit.Stderr
		}
	}
	now := time.Now()
	kept := r.deaths[:0]
	for _, t := range r.deaths {
		if now.Sub(t) < r.opts.RestartWindow {
			kept = append(kept, t)
		}
	}
	r.deaths = append(kept, now)
	r.mu.Lock()
	r.serf = nil
	r.mu.Unlock()
	msg := fmt.Sprintf("the serf died unexpectedly (%d time(s) within %v; %d event(s) not yet computed will be sent to the next serf): %v",
		len(r.deaths), r.opts.RestartWindow, len(r.toSend), cause)
	notify(r.logger, r.opts.OnNotice, Notice{Kind: NoticeSerfDied, Msg: msg, Err: cause})
	if len(r.deaths) > r.opts.MaxRestarts {
		return &RestartLimitError{Deaths: len(r.deaths), Window: r.opts.RestartWindow, Err: cause, Stderr: stderr}
	}
	delay := r.backoff(len(r.deaths))
	r.logger.Info("restarting the serf", zap.Duration("after", delay))
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.ctx.Done():
		return r.ctx.Err()
	case <-r.fatalCh:
		return r.fatalErr()
	}
	r.mu.Lock()
	r.restarts++
	r.mu.Unlock()
	return nil
}

// backoff is the delay before the n-th restart within the window:
// BackoffMin doubled n-1 times, at most BackoffMax.
func (r *runner) backoff(n int) time.Duration {
	d := r.opts.BackoffMin
	for i := 1; i < n && d < r.opts.BackoffMax; i++ {
		d *= 2
	}
	return min(d, r.opts.BackoffMax)
}
