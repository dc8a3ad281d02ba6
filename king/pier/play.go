package pier

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// Progress reports a replay of logged events into a serf, after each
// batch.
type Progress struct {
	// Eve is the serf's last event.
	Eve uint64
	// Events is how many events this replay has replayed so far.
	Events uint64
	// Total is how many events this replay replays in all.
	Total uint64
	// Elapsed is the time since the replay started.
	Elapsed time.Duration
}

// play is one replay of logged events into a serf: the flow behind
// catch-up at start, recovery and the replay tool.
type play struct {
	log   *eventlog.Log
	life  uint64
	batch int
	// progress, mismatch: callbacks, each may be nil.
	progress func(Progress)
	mismatch func(Mismatch)
	watch    *slowWatch
}

// run replays events eve+1..to into s, whose last event is eve, and
// returns the serf's last event and mug after it. From an empty serf
// (eve 0) the first %play is exactly the life boot formulas: the
// lifecycle formula runs on the whole list of the first %play, so it must
// hold the boot formulas and nothing the kernel expects as later events
// (see the package documentation). A damaged event stops the replay with
// the eventlog's error (wrapped); the serf then holds the events before
// the batch it was in.
func (pl *play) run(ctx context.Context, s *king.Serf, eve uint64, mug uint32, to uint64) (uint64, uint32, error) {
	if to <= eve {
		return eve, mug, nil
	}
	start := time.Now()
	base, total := eve, to-eve
	// A ctx that ends interrupts the batch in progress, which otherwise
	// only ends with the batch.
	stopIntr := context.AfterFunc(ctx, func() { _ = s.SendSIGINT() })
	defer stopIntr()
	defer pl.watch.stop()

	if eve == 0 {
		var err error
		if mug, err = pl.boot(ctx, s, to); err != nil {
			return 0, 0, err
		}
		eve = pl.life
		pl.report(Progress{Eve: eve, Events: eve - base, Total: total, Elapsed: time.Since(start)})
		if to <= eve {
			return eve, mug, nil
		}
	}
	src := &logSource{log: pl.log, from: eve + 1, to: to, batch: uint64(pl.batchSize()), watch: pl.watch}
	pl.watch.start(eve+1, min(eve+uint64(pl.batchSize()), to), noun.Zero, false, true, time.Now())
	err := s.Replay(ctx, src.events(), pl.batchSize(), func(rp king.ReplayProgress) {
		eve, mug = rp.Eve, rp.Mug
		if want, ok := src.loggedMug(rp.Eve); ok && want != rp.Mug {
			pl.mismatched(Mismatch{Eve: rp.Eve, Want: want, Got: rp.Mug})
		}
		if rp.Eve < to {
			pl.watch.start(rp.Eve+1, min(rp.Eve+uint64(pl.batchSize()), to), noun.Zero, false, true, time.Now())
		} else {
			pl.watch.stop()
		}
		pl.report(Progress{Eve: rp.Eve, Events: rp.Eve - base, Total: total,
			Elapsed: time.Since(start)})
	})
	if err != nil {
		var bad *king.EventJamError
		if errors.As(err, &bad) {
			// The log holds a value that does not cue: log damage.
			err = &eventlog.CorruptEventError{Num: bad.Num, Err: bad.Err}
		}
		return eve, mug, fmt.Errorf("pier: replay events %d..%d: %w", eve+1, to, err)
	}
	return eve, mug, nil
}

// boot plays the life boot formulas into an empty serf.
func (pl *play) boot(ctx context.Context, s *king.Serf, to uint64) (uint32, error) {
	if pl.life == 0 {
		return 0, fmt.Errorf("pier: replay from an empty serf: the log's life is 0 (no boot formulas)")
	}
	if to < pl.life {
		return 0, fmt.Errorf("pier: cannot replay to event %d: the boot sequence (%d events) is played as one",
			to, pl.life)
	}
	evs, err := pl.log.Read(1, int(min(pl.life, uint64(maxInt))))
	if err != nil {
		return 0, fmt.Errorf("pier: read boot sequence: %w", err)
	}
	if uint64(len(evs)) != pl.life {
		return 0, fmt.Errorf("pier: boot sequence: the log holds %d of its %d boot events", len(evs), pl.life)
	}
	jobs := make([]noun.Noun, len(evs))
	for i, ev := range evs {
		job, err := noun.Cue(ev.Jam)
		if err != nil {
			return 0, fmt.Errorf("pier: boot sequence: %w", &eventlog.CorruptEventError{Num: ev.Num, Err: err})
		}
		jobs[i] = job
	}
	pl.watch.start(1, pl.life, jobs[0], true, true, time.Now())
	mug, err := s.Boot(ctx, jobs)
	pl.watch.stop()
	if err != nil {
		return 0, fmt.Errorf("pier: boot from the log: %w", err)
	}
	if want := evs[len(evs)-1].Mug; want != 0 && want != mug {
		pl.mismatched(Mismatch{Eve: pl.life, Want: want, Got: mug})
	}
	return mug, nil
}

// batchSize is the %play batch size.
func (pl *play) batchSize() int {
	if pl.batch <= 0 {
		return king.DefaultReplayBatch
	}
	return pl.batch
}

func (pl *play) report(p Progress) {
	if pl.progress != nil {
		pl.progress(p)
	}
}

func (pl *play) mismatched(m Mismatch) {
	if pl.mismatch != nil {
		pl.mismatch(m)
	}
}

// maxInt bounds a count passed as int.
const maxInt = int(^uint(0) >> 1)

// logSource turns a range of logged events into a replay source. It
// hands each event's jam to the Serf as it is (the Serf splices it into
// the %play writ and checks it there), cueing only the first event of each
// batch, which the slow-event watch names; and it keeps the logged mugs of
// events a batch may end on until the batch is answered.
type logSource struct {
	log      *eventlog.Log
	from, to uint64
	batch    uint64
	watch    *slowWatch

	// mugs are the logged non-zero mugs not yet compared, by increasing
	// event number from mugs[head] on. The source and the progress
	// callback run on the same goroutine (Replay's), but mu keeps that
	// an implementation detail of Replay.
	mu   sync.Mutex
	mugs []loggedMug
	head int
}

// loggedMug is the mug the log holds for an event.
type loggedMug struct {
	num uint64
	mug uint32
}

// events iterates over the range as king.ReplayEvents.
func (ls *logSource) events() iter.Seq2[king.ReplayEvent, error] {
	return func(yield func(king.ReplayEvent, error) bool) {
		for ev, err := range ls.log.Events(ls.from, ls.to) {
			if err != nil {
				yield(king.ReplayEvent{}, err)
				return
			}
			if ev.Mug != 0 {
				ls.mu.Lock()
				ls.mugs = append(ls.mugs, loggedMug{num: ev.Num, mug: ev.Mug})
				ls.mu.Unlock()
			}
			if (ev.Num-ls.from)%ls.batch == 0 && ls.watch != nil {
				job, err := noun.Cue(ev.Jam)
				if err != nil {
					yield(king.ReplayEvent{}, &eventlog.CorruptEventError{Num: ev.Num, Err: err})
					return
				}
				ls.watch.remember(ev.Num, job)
			}
			if !yield(king.ReplayEvent{Num: ev.Num, Jam: ev.Jam}, nil) {
				return
			}
		}
	}
}

// loggedMug returns the logged mug of eve, if non-zero, and forgets the
// mugs of every event up to eve.
func (ls *logSource) loggedMug(eve uint64) (uint32, bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var mug uint32
	var ok bool
	for ls.head < len(ls.mugs) && ls.mugs[ls.head].num <= eve {
		if m := ls.mugs[ls.head]; m.num == eve {
			mug, ok = m.mug, true
		}
		ls.head++
	}
	if ls.head == len(ls.mugs) {
		ls.mugs, ls.head = ls.mugs[:0], 0
	} else if ls.head > len(ls.mugs)/2 {
		// Slide the pending mugs down rather than let the slice grow.
		n := copy(ls.mugs, ls.mugs[ls.head:])
		ls.mugs, ls.head = ls.mugs[:n], 0
	}
	return mug, ok
}
