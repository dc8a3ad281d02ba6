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
//
// The running pier starts a watch for every event, so start does no more
// than record the event: one timer serves the whole watch. It is armed for
// the deadline of the event watched when it was armed; when it fires for
// an event that has since been replaced by a newer one, fire finds that
// event not yet due and re-arms for the remainder. So the timer fires at
// most about once per `after` while events keep coming, and start never
// allocates or touches the timer unless it is idle.
type slowWatch struct {
	after  time.Duration
	report func(SlowEvent)
	life   uint64

	mu    sync.Mutex
	timer *time.Timer // nil until the first start; never replaced
	// armed is true while the timer is pending (or its callback is about
	// to take mu), set to fire at deadline; watching is true between
	// start and stop.
	armed, watching bool
	deadline        time.Time
	cur             SlowEvent
	since           time.Time
	// due is how long cur may have run when it is next reported: after,
	// then after more each time it is reported.
	due time.Duration
	// jobs holds the jobs of events that may become the first of a
	// watched range, to name them, by increasing event number.
	jobs []watchedJob
}

// watchedJob is a job kept to name its event.
type watchedJob struct {
	num uint64
	job noun.Noun
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
	return &slowWatch{after: after, report: report, life: life}
}

// remember keeps the job of event num for naming it later.
func (w *slowWatch) remember(num uint64, job noun.Noun) {
	if w == nil {
		return
	}
	w.mu.Lock()
	w.keep(num, job)
	w.mu.Unlock()
}

// keep records job as event num's, forgetting the jobs of num and later
// events (left by an earlier pass over them, such as a replay before a
// restart). w.mu is held.
func (w *slowWatch) keep(num uint64, job noun.Noun) {
	n := len(w.jobs)
	for n > 0 && w.jobs[n-1].num >= num {
		n--
	}
	clear(w.jobs[n:])
	w.jobs = append(w.jobs[:n], watchedJob{num: num, job: job})
}

// start watches events first..last from since on (replacing whatever was
// watched). job names first if it is known (else a remembered job does).
func (w *slowWatch) start(first, last uint64, job noun.Noun, hasJob, replay bool, since time.Time) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// Forget the jobs of events before first, sliding the rest down so
	// the slice does not grow.
	i := 0
	for i < len(w.jobs) && w.jobs[i].num < first {
		i++
	}
	if i > 0 {
		n := copy(w.jobs, w.jobs[i:])
		clear(w.jobs[n:])
		w.jobs = w.jobs[:n]
	}
	if hasJob {
		w.keep(first, job)
	}
	w.cur = SlowEvent{Eve: first, Last: last, Replay: replay}
	w.since, w.due, w.watching = since, w.after, true
	if !w.armed || since.Add(w.after).Before(w.deadline) {
		w.arm(w.after - time.Since(since))
	}
}

// stop stops watching.
func (w *slowWatch) stop() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.watching = false
	if w.armed && w.timer.Stop() {
		w.armed = false
	}
}

// arm sets the timer to fire in d. w.mu is held.
func (w *slowWatch) arm(d time.Duration) {
	d = max(d, 0)
	w.deadline = time.Now().Add(d)
	if w.timer == nil {
		w.timer = time.AfterFunc(d, w.fire)
	} else {
		w.timer.Reset(d)
	}
	w.armed = true
}

// fire reports the watched event if it is due, and re-arms for its next
// report (or, for an event started after the timer was armed, for its
// first).
func (w *slowWatch) fire() {
	w.mu.Lock()
	w.armed = false
	if !w.watching {
		w.mu.Unlock()
		return
	}
	elapsed := time.Since(w.since)
	if elapsed < w.due {
		w.arm(w.due - elapsed)
		w.mu.Unlock()
		return
	}
	ev := w.cur
	ev.Elapsed = elapsed
	for _, j := range w.jobs {
		if j.num == ev.Eve {
			ev.Wire, ev.Card = describeJob(ev.Eve, w.life, j.job)
		}
	}
	w.due = elapsed + w.after
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
