package king

import (
	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// playBatch gathers the events of one %play writ: as nouns, jammed
// together when the batch ships, or, once an event comes as a jam, spliced
// into the writ's jam as they arrive.
//
// Invariant: while spliced is false every event is in jobs; once it is
// true, every event is in sp and jobs is empty.
type playBatch struct {
	first   uint64
	jobs    []noun.Noun
	sp      writSplicer
	spliced bool
}

// start begins a batch whose first event is first.
func (b *playBatch) start(first uint64) {
	b.first, b.jobs, b.spliced = first, b.jobs[:0], false
}

// len is the number of events in the batch.
func (b *playBatch) len() int {
	if b.spliced {
		return b.sp.len()
	}
	return len(b.jobs)
}

// add adds ev, the batch's next event. A Jam that does not cue is an
// *EventJamError and adds nothing.
func (b *playBatch) add(ev ReplayEvent) error {
	if ev.Jam == nil && !b.spliced {
		b.jobs = append(b.jobs, ev.Job)
		return nil
	}
	if !b.spliced {
		b.sp.begin(b.first)
		for _, job := range b.jobs {
			// A jam made here always cues.
			_ = b.sp.add(noun.Jam(job))
		}
		clear(b.jobs)
		b.jobs, b.spliced = b.jobs[:0], true
	}
	jam := ev.Jam
	if jam == nil {
		jam = noun.Jam(ev.Job)
	}
	if err := b.sp.add(jam); err != nil {
		return &EventJamError{Num: ev.Num, Err: err}
	}
	return nil
}

// frame returns the jam of the batch's %play writ, valid until the next
// add, and empties the batch.
func (b *playBatch) frame() []byte {
	if b.spliced {
		b.spliced = false
		return b.sp.finish()
	}
	f := noun.Jam(ipc.Play{Eve: b.first, Events: b.jobs}.Noun())
	clear(b.jobs)
	b.jobs = b.jobs[:0]
	return f
}
