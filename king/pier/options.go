package pier

import (
	"time"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// Defaults filled in for zero RunOptions fields.
const (
	// DefaultSnapshotInterval is how often a running pier snapshots.
	DefaultSnapshotInterval = 120 * time.Second
	// DefaultMaxPending bounds the events accepted by Inject and not yet
	// settled (computed and committed, or bailed).
	DefaultMaxPending = 1000
	// DefaultMaxRestarts and DefaultRestartWindow are the restart
	// intensity: past DefaultMaxRestarts unexpected serf deaths within
	// DefaultRestartWindow, Run gives up (as Erlang/OTP supervisors do).
	DefaultMaxRestarts   = 5
	DefaultRestartWindow = 60 * time.Second
	// DefaultBackoffMin and DefaultBackoffMax bound the exponential delay
	// before a restart.
	DefaultBackoffMin = 100 * time.Millisecond
	DefaultBackoffMax = 10 * time.Second
	// DefaultSnapshotUnusableExit is the exit status with which our serf
	// (`king serf`) reports a snapshot it cannot load (torn, corrupt or of
	// an unknown format).
	DefaultSnapshotUnusableExit = 3
)

// RunOptions configure Run. The zero value is usable; every zero field
// means the documented default.
type RunOptions struct {
	// Serf says which serf to start and how; its Pier field is set to the
	// pier's directory, and its OnDeath is wrapped.
	Serf king.Config
	// MaxInFlight is how many %work writs may await replies at once; 0
	// means king.DefaultMaxInFlight (10).
	MaxInFlight int
	// MaxPending bounds the events accepted by Inject and not yet settled;
	// Inject waits for room. 0 means DefaultMaxPending.
	MaxPending int
	// WorkTimeout is the serf's timeout for each event (the %work mil);
	// 0 means none. An event that times out fails with %alrm and is
	// replaced by a %crud.
	WorkTimeout time.Duration
	// ReplayBatch is the %play batch size of replays; 0 means
	// king.DefaultReplayBatch.
	ReplayBatch int
	// SnapshotInterval is how often the running pier snapshots; 0 means
	// DefaultSnapshotInterval, a negative value only at shutdown.
	SnapshotInterval time.Duration
	// SlowEvent is how long an event may compute before OnSlowEvent names
	// it; 0 means DefaultSlowEvent.
	SlowEvent time.Duration
	// MaxRestarts and RestartWindow are the restart intensity; 0 means
	// DefaultMaxRestarts and DefaultRestartWindow.
	MaxRestarts   int
	RestartWindow time.Duration
	// BackoffMin and BackoffMax bound the delay before a restart, which
	// doubles with each restart within RestartWindow; 0 means the
	// defaults.
	BackoffMin, BackoffMax time.Duration
	// SnapshotUnusableExit is the serf exit status meaning "my snapshot
	// cannot be loaded"; 0 means DefaultSnapshotUnusableExit.
	SnapshotUnusableExit int

	// Effects receives the effects of each committed event, in event
	// order, on the pier's release goroutine, after the event is durable
	// and before Inject returns it. Nothing computed is released before
	// its commit.
	Effects func(eve uint64, effects noun.Noun)
	// Progress receives the progress of every replay (at start and after a
	// restart).
	Progress func(Progress)
	// OnSlowEvent is told about events (and replay batches) computing for
	// longer than SlowEvent, while they run. Slow events are logged in
	// any case.
	OnSlowEvent func(SlowEvent)
	// OnNotice receives lifecycle and recovery notices (each is logged
	// too).
	OnNotice func(Notice)
	// OnReady is called once, when the pier first accepts events: after
	// the serf started and caught up with the log.
	OnReady func()
}

// withDefaults fills in zero fields.
func (o RunOptions) withDefaults() RunOptions {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = king.DefaultMaxInFlight
	}
	if o.MaxPending <= 0 {
		o.MaxPending = DefaultMaxPending
	}
	if o.SnapshotInterval == 0 {
		o.SnapshotInterval = DefaultSnapshotInterval
	}
	if o.SlowEvent <= 0 {
		o.SlowEvent = DefaultSlowEvent
	}
	if o.MaxRestarts <= 0 {
		o.MaxRestarts = DefaultMaxRestarts
	}
	if o.RestartWindow <= 0 {
		o.RestartWindow = DefaultRestartWindow
	}
	if o.BackoffMin <= 0 {
		o.BackoffMin = DefaultBackoffMin
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.BackoffMax < o.BackoffMin {
		o.BackoffMax = o.BackoffMin
	}
	if o.SnapshotUnusableExit == 0 {
		o.SnapshotUnusableExit = DefaultSnapshotUnusableExit
	}
	return o
}

// workMil is the %work timeout in milliseconds.
func (o RunOptions) workMil() uint64 {
	if o.WorkTimeout <= 0 {
		return 0
	}
	return uint64(max(o.WorkTimeout.Milliseconds(), 1))
}
