package serf

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// The computing writs: %play (boot and replay), %work and %peek
// (PROTOCOL.md §3.4). Each starts by clearing the interrupt flag, so that
// a SIGINT that arrived while the serf was idle does not fail the next
// computation; a SIGINT during the computation (including the %crud retry
// of a %work) interrupts it.

// play answers [%play eve lit]: the lifecycle boot on an empty serf,
// otherwise a replay of each event in turn.
func (s *serf) play(ctx context.Context, w ipc.Play) error {
	if w.Eve != s.eve+1 {
		return fmt.Errorf("%w: %%play of event %d, want %d", ErrOutOfOrder, w.Eve, s.eve+1)
	}
	if uint64(len(w.Events)) > math.MaxUint64-s.eve {
		return fmt.Errorf("%w: %%play of %d events overflows the event number", ErrOutOfOrder, len(w.Events))
	}
	s.cfg.Interrupt.Store(false)
	start := s.clock()
	if s.eve == 0 {
		return s.boot(ctx, w.Events, start)
	}
	for i, job := range w.Events {
		if !job.IsCell() {
			return fmt.Errorf("%w: %%play event %d is an atom", ErrBadJob, w.Eve+uint64(i))
		}
	}
	for _, job := range w.Events {
		_, next, err := s.it.Poke(ctx, s.kernel, job)
		crash, err := s.outcome(ctx, err)
		if err != nil {
			return err
		}
		if crash != nil {
			s.log.Info("replay crashed", zap.Uint64("eve", s.eve+1), zap.String("mote", crash.Mote))
			goof, err := s.goofOf(ctx, crash)
			if err != nil {
				return err
			}
			// The state stays that of the last event that succeeded.
			return s.send(ipc.PlayBail{Eve: s.eve, Mug: s.currentMug(), Goof: goof})
		}
		s.commit(next)
	}
	if err := s.timing(func() string { return fmt.Sprintf("play of events %d to %d", w.Eve, s.eve) }, start); err != nil {
		return err
	}
	return s.send(ipc.PlayDone{Mug: s.currentMug()})
}

// boot runs the lifecycle formula on the whole boot list; the serf's last
// event becomes the length of the list.
func (s *serf) boot(ctx context.Context, events []noun.Noun, start time.Time) error {
	kernel, err := s.it.Boot(ctx, noun.List(events...))
	crash, err := s.outcome(ctx, err)
	if err != nil {
		return err
	}
	if crash != nil {
		s.log.Info("boot crashed", zap.String("mote", crash.Mote))
		goof, err := s.goofOf(ctx, crash)
		if err != nil {
			return err
		}
		return s.send(ipc.PlayBail{Eve: 0, Mug: 0, Goof: goof})
	}
	s.eve, s.kernel, s.mug = uint64(len(events)), kernel, noun.Mug(kernel)
	s.log.Info("booted", zap.Uint64("eve", s.eve), zap.Uint32("mug", s.mug))
	if err := s.timing(func() string { return fmt.Sprintf("boot of %d events", len(events)) }, start); err != nil {
		return err
	}
	return s.send(ipc.PlayDone{Mug: s.mug})
}

// work answers [%work mil job]: poke, and on a crash retry once with the
// %crud of the crash; %done, %swap or %bail.
func (s *serf) work(ctx context.Context, w ipc.Work) error {
	if s.eve == 0 {
		return fmt.Errorf("%w: %%work before boot", ErrOutOfOrder)
	}
	if s.eve == math.MaxUint64 {
		return fmt.Errorf("%w: %%work after event %d", ErrOutOfOrder, s.eve)
	}
	if now, _, ok := w.Job.Uncell(); !ok || !now.IsAtom() {
		return fmt.Errorf("%w: %%work job %s", ErrBadJob, describe(w.Job))
	}
	s.cfg.Interrupt.Store(false)
	start := s.clock()
	eve := s.eve + 1
	if s.cfg.Flags.Has(Verbose) {
		if err := s.flog(fmt.Sprintf("serf: work: computing event %d", eve)); err != nil {
			return err
		}
	}
	effects, next, err := s.poke(ctx, w.Mil, w.Job)
	crash, err := s.outcome(ctx, err)
	if err != nil {
		return err
	}
	if crash == nil {
		s.commit(next)
		if err := s.timing(func() string { return fmt.Sprintf("work of event %d", eve) }, start); err != nil {
			return err
		}
		return s.send(ipc.WorkDone{Eve: s.eve, Mug: s.currentMug(), Effects: effects})
	}
	first, err := s.goofOf(ctx, crash)
	if err != nil {
		return err
	}
	crud, err := nock.Crud(w.Job, first.Noun())
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadJob, err)
	}
	if err := s.note(fmt.Sprintf("serf: event %d crashed (%s); retrying as %%crud", eve, first)); err != nil {
		return err
	}
	effects, next, err = s.poke(ctx, w.Mil, crud)
	crash, err = s.outcome(ctx, err)
	if err != nil {
		return err
	}
	if crash == nil {
		s.commit(next)
		if err := s.timing(func() string { return fmt.Sprintf("work of event %d (%%crud)", eve) }, start); err != nil {
			return err
		}
		return s.send(ipc.WorkSwap{Eve: s.eve, Mug: s.currentMug(), Job: crud, Effects: effects})
	}
	s.log.Info("work bailed", zap.Uint64("eve", eve), zap.String("mote", crash.Mote), zap.String("first", first.Mote))
	second, err := s.goofOf(ctx, crash)
	if err != nil {
		return err
	}
	return s.send(ipc.WorkBail{Goofs: []ipc.Goof{second, first}})
}

// poke computes one event against the current kernel within mil
// milliseconds (0: no limit). Effects that are not a list make the event a
// crash: they could not be sent to the king.
func (s *serf) poke(ctx context.Context, mil uint64, job noun.Noun) (effects, next noun.Noun, err error) {
	ctx, cancel := withMil(ctx, mil)
	defer cancel()
	effects, next, err = s.it.Poke(ctx, s.kernel, job)
	if err == nil && !isList(effects) {
		return noun.Zero, noun.Zero, &nock.Crash{Mote: nock.MoteExit,
			Trace:  []noun.Noun{nock.Leaf("serf: poke effects are not a list")},
			Reason: "poke effects are not a null-terminated list"}
	}
	return effects, next, err
}

// peek answers [%peek mil sam] with what the kernel's peek produced (as
// Urbit's serf, it does not check that it is a (unit (cask))), or a %bail.
func (s *serf) peek(ctx context.Context, w ipc.Peek) error {
	if s.eve == 0 {
		// Urbit's serf finds no kernel to peek into: an %exit crash with
		// no trace.
		s.log.Info("peek before boot")
		return s.send(ipc.PeekBail{Goof: ipc.Goof{Mote: nock.MoteExit, Tang: noun.Zero}})
	}
	s.cfg.Interrupt.Store(false)
	start := s.clock()
	pctx, cancel := withMil(ctx, w.Mil)
	res, err := s.it.Peek(pctx, s.kernel, w.Sample)
	cancel()
	crash, err := s.outcome(ctx, err)
	if err != nil {
		return err
	}
	if crash != nil {
		goof, err := s.goofOf(ctx, crash)
		if err != nil {
			return err
		}
		return s.send(ipc.PeekBail{Goof: goof})
	}
	if err := s.timing(named("peek"), start); err != nil {
		return err
	}
	return s.send(ipc.PeekDone{Result: res})
}

// commit makes next the kernel after the next event. Its mug is computed
// when asked for: a replay batch reports only the last one, and mugging
// each kernel of the batch would mug cells the next event discards.
func (s *serf) commit(next noun.Noun) {
	s.eve++
	s.kernel = next
	s.mugStale = true
}

// currentMug returns the mug of the kernel.
func (s *serf) currentMug() uint32 {
	if s.mugStale {
		s.mug = noun.Mug(s.kernel)
		s.mugStale = false
	}
	return s.mug
}

// outcome sorts the error of a computation: a crash to report (crash
// non-nil), or a fatal error (err non-nil): ctx done, a %slog that could
// not be written, or an interpreter error that is not a crash.
func (s *serf) outcome(ctx context.Context, cerr error) (crash *nock.Crash, err error) {
	if s.slogErr != nil {
		return nil, s.slogErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("serf: %w", err)
	}
	if cerr == nil {
		return nil, nil
	}
	if errors.As(cerr, &crash) {
		return crash, nil
	}
	return nil, fmt.Errorf("serf: interpreter: %w", cerr)
}

// withMil bounds ctx by mil milliseconds; 0 means no bound.
func withMil(ctx context.Context, mil uint64) (context.Context, context.CancelFunc) {
	if mil == 0 {
		return ctx, func() {}
	}
	const maxMil = uint64(math.MaxInt64 / int64(time.Millisecond))
	if mil > maxMil {
		mil = maxMil
	}
	return context.WithTimeout(ctx, time.Duration(mil)*time.Millisecond)
}

// isList reports whether n is a null-terminated list.
func isList(n noun.Noun) bool {
	for {
		_, t, ok := n.Uncell()
		if !ok {
			return n.IsZero()
		}
		n = t
	}
}

// describe names the shape of a noun for an error message without printing
// it whole.
func describe(n noun.Noun) string {
	if n.IsAtom() {
		return fmt.Sprintf("is an atom of %d bits, not [now ovum]", n.BitLen())
	}
	return "has a cell for now"
}
