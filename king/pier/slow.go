package pier

import (
	"strings"
	"sync"
	"time"

	"github.com/kingserf/king/noun"
)

// DefaultSlowEvent is how long an event (or replay batch) may run before
// it is named as slow, when the options leave it 0.
const DefaultSlowEvent = 5 * time.Second

// SlowEvent names an event, or a replay batch, that has been computing
// for longer than the slow-event threshold. It is reported while it runs,
// and again each time the threshold passes once more, so that a stuck
// serf is diagnosable.
type SlowEvent struct {
	// Eve is the event being computed; for a replay batch, its first
	// event.
	Eve uint64
	// Last is the batch's last event (Eve for a single event). %play
	// answers only per batch, so a replay can say no more than this
	// range.
	Last uint64
	// Wire and Card describe Eve: the ovum's wire as a path and its
	// card's tag ("boot formula" for a raw boot event; "" when Eve's job
	// is not known).
	Wire, Card string
	// Elapsed is how long it has been computing.
	Elapsed time.Duration
	// Replay is true during a replay.
	Replay bool
}

// slowWatch reports the event in progress once it has run for longer
// than after. Its timer callback runs on its own goroutine; mu guards
// everything.
type slowWatch struct {
	after  time.Duration
	report func(SlowEvent)
	life   uint64

	mu    sync.Mutex
	timer *time.Timer
	cur   SlowEvent
	since time.Time
	gen   uint64 // bumped by every start and stop, so stale fires do nothing
	// jobs holds the jobs of events that may become the first of a
	// watched range, to name them.
	jobs map[uint64]noun.Noun
}

// newSlowWatch returns a watch, or nil (a valid, inert watch) when report
// is nil.
func newSlowWatch(after time.Duration, life uint64, report func(SlowEvent)) *slowWatch {
	if report == nil {
		return nil
	}
	if after <= 0 {
		after = DefaultSlowEvent
	}
	return &slowWatch{after: after, report: report, life: life, jobs: make(map[uint64]noun.Noun)}
}

// remember keeps the job of event num for naming it later.
func (w *slowWatch) remember(num uint64, job noun.Noun) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.jobs[num] = job
	w.mu.Unlock()
}

// start watches events first..last from since on (replacing whatever was
// watched). job names first if it is known (else a remembered job does).
func (w *slowWatch) start(first, last uint64, job noun.Noun, hasJob, replay bool, since time.Time) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for n := range w.jobs {
		if n < first {
			delete(w.jobs, n)
		}
	}
	if hasJob {
		w.jobs[first] = job
	}
	w.gen++
	w.cur = SlowEvent{Eve: first, Last: last, Replay: replay}
	w.since = since
	w.arm(w.after - time.Since(since))
}

// stop stops watching.
func (w *slowWatch) stop() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.gen++
	if w.timer != nil {
		w.timer.Stop()
	}
}

// arm sets the timer to fire in d for the current generation. w.mu is
// held.
func (w *slowWatch) arm(d time.Duration) {
	if w.timer != nil {
		w.timer.Stop()
	}
	gen := w.gen
	w.timer = time.AfterFunc(max(d, 0), func() { w.fire(gen) })
}

// fire reports the watched event if it is still the one watched, and
// re-arms for the next report.
func (w *slowWatch) fire(gen uint64) {
	w.mu.Lock()
	if gen != w.gen {
		w.mu.Unlock()
		return
	}
	ev := w.cur
	ev.Elapsed = time.Since(w.since)
	if job, ok := w.jobs[ev.Eve]; ok {
		ev.Wire, ev.Card = describeJob(ev.Eve, w.life, job)
	}
	w.arm(w.after)
	w.mu.Unlock()
	w.report(ev)
}

// describeJob names a logged event's wire and card tag.
func describeJob(eve, life uint64, job noun.Noun) (wire, card string) {
	if eve <= life {
		return "", "boot formula"
	}
	ovum, ok := job.Slot(3)
	if !ok {
		return "", "not [now ovum]"
	}
	w, c, ok := ovum.Uncell()
	if !ok {
		return "", "not [wire card]"
	}
	return describeWire(w), describeCard(c)
}

// describeWire renders a wire as a path, /d/term/1 (an empty segment for
// 0, so [0 %arvo ~] is //arvo), or as noun text if it is not a path.
func describeWire(w noun.Noun) string {
	segs, err := noun.FromPath(w)
	if err != nil {
		return clip(noun.String(w))
	}
	return clip("/" + strings.Join(segs, "/"))
}

// describeCard renders a card's tag as %tag, or the card's head as noun
// text.
func describeCard(c noun.Noun) string {
	head := c
	if h, _, ok := c.Uncell(); ok {
		head = h
	}
	if head.IsAtom() {
		if t, err := noun.FromTerm(head); err == nil && t != "" {
			return "%" + t
		}
	}
	return clip(noun.String(head))
}

// clip shortens s for a log line.
func clip(s string) string {
	const limit = 80
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
