package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"

	"github.com/kingserf/king/king/pier"
)

const (
	// barThreshold is the smallest replay that gets a progress bar: a
	// short one is over before a bar could tell anything.
	barThreshold = 2000
	// progressLogEvery is how often a replay's progress is logged when
	// stderr is not a terminal (no bar).
	progressLogEvery = 5 * time.Second
)

// replayProgress shows the progress of replays (at boot, at start, after a
// serf restart, in `king replay`): a progress bar with events/s on stderr
// when stderr is a terminal and the replay is long, otherwise a log line
// every progressLogEvery. Its report method is safe for concurrent use.
type replayProgress struct {
	w      io.Writer
	tty    bool
	what   string
	logger *zap.Logger

	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	lastLog time.Time
}

// newReplayProgress returns a progress display for replays described by
// what ("replay", "boot") on stderr.
func newReplayProgress(logger *zap.Logger, what string) *replayProgress {
	return &replayProgress{w: os.Stderr, tty: isTerminal(os.Stderr), what: what, logger: logger}
}

// report takes one progress report from the pier library.
func (rp *replayProgress) report(p pier.Progress) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.tty && p.Total >= barThreshold {
		rp.showBar(p)
		return
	}
	// Without a bar: long replays only, every progressLogEvery and at
	// the end.
	now := time.Now()
	if p.Total < barThreshold || (p.Events < p.Total && now.Sub(rp.lastLog) < progressLogEvery) {
		return
	}
	rp.lastLog = now
	rp.logger.Info(rp.what+" progress", zap.Uint64("events", p.Events), zap.Uint64("total", p.Total),
		zap.Uint64("eve", p.Eve), zap.String("events_per_second", fmt.Sprintf("%.0f", rate(p.Events, p.Elapsed))))
}

// showBar draws the bar, making it on the first report of a replay.
func (rp *replayProgress) showBar(p pier.Progress) {
	if rp.bar == nil || rp.bar.IsFinished() || int64(p.Total) != rp.bar.GetMax64() {
		if rp.bar != nil && !rp.bar.IsFinished() {
			_ = rp.bar.Exit()
		}
		rp.bar = progressbar.NewOptions64(int64(p.Total),
			progressbar.OptionSetWriter(rp.w),
			progressbar.OptionSetDescription(rp.what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("events"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(rp.w) }),
		)
	}
	_ = rp.bar.Set64(int64(p.Events))
}

// done ends any bar still drawn.
func (rp *replayProgress) done() {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.bar != nil && !rp.bar.IsFinished() {
		_ = rp.bar.Exit()
		fmt.Fprintln(rp.w)
	}
	rp.bar = nil
}

// rate is events per second.
func rate(events uint64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(events) / d.Seconds()
}
