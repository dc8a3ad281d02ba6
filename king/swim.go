package king

import (
	"context"
	"fmt"
	"iter"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Swim replays the events of source through %work, one at a time, calling
// yield with each event's number, the mug after it and its effects, which
// %play does not produce. It is for regenerating effects or checking a log
// event by event.
//
// Numbering is as for Replay (*EventNumberError), and so is an event whose
// Jam does not cue (*EventJamError). An event that crashes
// is an error: *BailDuringReplayError if it bailed (no event consumed), or
// *SwapDuringReplayError if the serf replaced it with a %crud (the serf has
// then computed that replacement, so its state no longer follows the log).
// An error from yield stops Swim and is returned as is; an error from
// source is returned wrapped. ctx is checked between events.
//
// While the serf computes one event Swim pulls and encodes the next, but
// it sends it only after yield has seen the previous one.
func (s *Serf) Swim(ctx context.Context, source iter.Seq2[ReplayEvent, error],
	yield func(eve uint64, mug uint32, effects noun.Noun) error) error {
	st, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer s.unlock(st)

	next := st.eve + 1
	pending := false // an event, numbered next-1, awaits its reply
	var stop error
	for ev, err := range source {
		if err != nil {
			stop = fmt.Errorf("king: swim source: %w", err)
			break
		}
		if ev.Num != next {
			stop = &EventNumberError{Want: next, Got: ev.Num}
			break
		}
		job := ev.Job
		if ev.Jam != nil {
			if job, err = noun.Cue(ev.Jam); err != nil {
				stop = &EventJamError{Num: ev.Num, Err: err}
				break
			}
		}
		frame := noun.Jam(ipc.Work{Job: job}.Noun())
		if pending {
			pending = false
			if stop = s.swimReply(ctx, st, next-1, yield); stop != nil {
				break
			}
		}
		if stop = ctx.Err(); stop != nil {
			break
		}
		if stop = s.sendFrame(st, frame); stop != nil {
			break
		}
		pending = true
		next++
	}
	if pending {
		if err := s.swimReply(ctx, st, next-1, yield); err != nil {
			return err
		}
	}
	return stop
}

// swimReply waits for the %work reply for event eve and yields it.
func (s *Serf) swimReply(ctx context.Context, st *serfState, eve uint64,
	yield func(uint64, uint32, noun.Noun) error) error {
	p, err := s.recv(ctx, st)
	if err != nil {
		return err
	}
	switch p := p.(type) {
	case ipc.WorkDone:
		if p.Eve != eve {
			return s.unexpected(st, p, fmt.Sprintf("%%work %%done for event %d", eve))
		}
		st.eve, st.mug = p.Eve, p.Mug
		return yield(p.Eve, p.Mug, p.Effects)
	case ipc.WorkSwap:
		if p.Eve != eve {
			return s.unexpected(st, p, fmt.Sprintf("%%work %%swap for event %d", eve))
		}
		st.eve, st.mug = p.Eve, p.Mug
		return &SwapDuringReplayError{Eve: p.Eve, Mug: p.Mug, Job: p.Job, Effects: p.Effects}
	case ipc.WorkBail:
		return &BailDuringReplayError{Eve: eve, Goofs: p.Goofs}
	default:
		return s.unexpected(st, p, "%work reply")
	}
}
