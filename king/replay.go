package king

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/kingserf/king/noun"
)

// DefaultReplayBatch is the %play batch size when Replay is given 0.
const DefaultReplayBatch = 500

// ReplayEvent is one event of a replay source: its number and its job as
// logged ([now ovum], or a raw boot formula).
type ReplayEvent struct {
	Num uint64
	Job noun.Noun
	// Jam, if not nil, is the jam of the job, as a log holds it; it then
	// stands for the job and Job is ignored (a source may leave it zero).
	// Replay copies it into the %play writ without cueing it, checking it
	// as it goes; Swim cues it. A Jam that does not cue ends the replay
	// like a source error, with an *EventJamError.
	Jam []byte
}

// ReplayProgress reports a replay after each batch.
type ReplayProgress struct {
	// Eve is the serf's last event, the last one of the batch.
	Eve uint64
	// Mug is the mug of the kernel after Eve; the caller compares it with
	// the mug it logged.
	Mug uint32
	// Events is how many events this Replay call has replayed so far.
	Events uint64
	// Batches is how many batches it has sent and seen answered.
	Batches uint64
	// Elapsed is the time since Replay started.
	Elapsed time.Duration
}

// Replay feeds the events of source to the serf in %play batches of
// batchSize (0 means DefaultReplayBatch) and calls progress, if not nil,
// after each batch is answered.
//
// The events must be numbered from LastEvent()+1 without gaps; otherwise
// Replay replays the events before the offending one and returns an
// *EventNumberError. An error from source likewise ends the replay after
// the events before it, and is returned wrapped, as does an event whose
// Jam does not cue (*EventJamError). A batch that crashes
// stops the replay with a *PlayBailError; the serf keeps the state before
// the crashed event. ctx is checked between batches.
//
// On an empty serf the first batch is the boot, whose lifecycle formula
// needs every boot formula in that one batch (PROTOCOL.md §3.4): boot an
// empty serf with Boot and the log's first life events, as the pier does,
// then Replay the rest; or give a batchSize of at least life.
//
// While the serf computes one batch, Replay pulls and encodes the next,
// but it sends it only once the previous one succeeded: a batch sent
// behind one that bails would not follow the serf's last event.
func (s *Serf) Replay(ctx context.Context, source iter.Seq2[ReplayEvent, error], batchSize int,
	progress func(ReplayProgress)) error {
	if batchSize < 0 {
		return fmt.Errorf("king: replay: negative batch size %d", batchSize)
	}
	if batchSize == 0 {
		batchSize = DefaultReplayBatch
	}
	st, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer s.unlock(st)
	r := replayer{s: s, ctx: ctx, st: st, progress: progress, start: time.Now()}
	b := playBatch{jobs: make([]noun.Noun, 0, min(batchSize, 1<<16))}

	next := st.eve + 1
	var stop error    // why the source loop ended early
	var shipErr error // a failure while sending or settling
	for ev, err := range source {
		if err != nil {
			stop = fmt.Errorf("king: replay source: %w", err)
			break
		}
		if ev.Num != next {
			stop = &EventNumberError{Want: next, Got: ev.Num}
			break
		}
		if b.len() == 0 {
			b.start(next)
		}
		if stop = b.add(ev); stop != nil {
			break
		}
		next++
		if b.len() == batchSize {
			if shipErr = r.ship(&b); shipErr != nil {
				break
			}
		}
	}
	// The events before a gap, a bad jam or a source error are good:
	// replay them.
	if shipErr == nil && b.len() > 0 {
		shipErr = r.ship(&b)
	}
	if shipErr == nil {
		shipErr = r.settle()
	}
	if shipErr != nil {
		// It concerns events before whatever else stopped the loop.
		return shipErr
	}
	return stop
}

// replayer is the state of one Replay call.
type replayer struct {
	s        *Serf
	ctx      context.Context
	st       *serfState
	progress func(ReplayProgress)
	start    time.Time

	// inflight is true while a batch (first..last) awaits its reply.
	inflight    bool
	first, last uint64
	events      uint64
	batches     uint64
}

// ship encodes the batch, waits for the batch in flight, checks ctx and
// sends the new one. The batch is empty when ship returns.
func (r *replayer) ship(b *playBatch) error {
	first, n := b.first, b.len()
	frame := b.frame()
	if err := r.settle(); err != nil {
		return err
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if err := r.s.sendFrame(r.st, frame); err != nil {
		return err
	}
	r.inflight, r.first, r.last = true, first, first+uint64(n)-1
	return nil
}

// settle waits for the reply to the batch in flight, if any, and reports
// progress.
func (r *replayer) settle() error {
	if !r.inflight {
		return nil
	}
	r.inflight = false
	if err := r.s.playReply(r.ctx, r.st, r.first, r.last); err != nil {
		return err
	}
	r.events += r.last - r.first + 1
	r.batches++
	if r.progress != nil {
		r.progress(ReplayProgress{Eve: r.st.eve, Mug: r.st.mug, Events: r.events,
			Batches: r.batches, Elapsed: time.Since(r.start)})
	}
	return nil
}
