package serf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

// Versions reported in %ripe: protocol 1, Hoon 141 (what the serfs of
// 2020–2021 report) and Nock 4.
const (
	ProtocolVersion = 1
	HoonVersion     = 141
	NockVersion     = 4
)

// Run runs the serf: it loads the state of cfg.Pier (or the rock of
// cfg.RockEvent), sends %ripe, and answers the writs read from cfg.In, in
// order, on cfg.Out, until a %live %exit writ or a fatal error.
//
// It returns the exit status the process should end with and, for every
// status but one a %live %exit asked for, the error that ended it: a
// *StateError (status ExitBadState) if the state file is unusable;
// otherwise (status ExitError) an error matching one of this package's
// sentinels for bad input, ctx's error if ctx ended, or the I/O error of a
// failed read or write. A fatal error is never preceded by a partial reply
// or a partial snapshot.
//
// ctx bounds Run: once it is done, the computation in progress is abandoned
// without a reply and Run returns ctx's error. Run notices ctx only while
// computing or between writs; to end a Run blocked reading cfg.In, close
// cfg.In.
func Run(ctx context.Context, cfg Config) (exitCode int, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return ExitError, err
	}
	// The error is returned, not logged: the caller reports it once.
	s := newSerf(cfg)
	code, err := s.run(ctx)
	// Pleas queued before the end, a reply before a fatal error included,
	// still reach the king.
	if cerr := s.q.Close(); cerr != nil && err == nil {
		return ExitError, fmt.Errorf("%w: %v", ErrWrite, cerr)
	}
	return code, err
}

// serf is the state of one Run.
//
// Invariants: eve is the number of the last event computed (0 before
// boot); kernel is the kernel after event eve (0 before boot); unless
// mugStale, mug is noun.Mug(kernel), or 0 before boot.
type serf struct {
	cfg Config
	log *zap.Logger
	r   *ipc.Reader
	w   *ipc.Writer
	q   *pleaQueue // under w
	it  *nock.Interpreter

	eve      uint64
	mug      uint32
	mugStale bool
	kernel   noun.Noun

	// slogErr is the first error writing a %slog plea from inside a
	// computation, where it cannot be returned; it is fatal once the
	// computation ends.
	slogErr error
}

func newSerf(cfg Config) *serf {
	q := newPleaQueue(cfg.Out)
	s := &serf{
		cfg: cfg,
		log: cfg.Logger,
		r:   ipc.NewReader(flushingReader{cfg.In, q}, ipc.WithFraming(cfg.Framing), ipc.WithMaxFrameSize(cfg.MaxFrameSize)),
		w:   ipc.NewWriter(q, cfg.Framing),
		q:   q,
	}
	nc := nock.Config{
		CacheSize:    cfg.CacheSize,
		MemoryBudget: cfg.MemoryBudget,
		HeapLimit:    cfg.HeapLimit,
		StepLimit:    cfg.StepLimit,
		Interrupt:    cfg.Interrupt,
		Slog:         s.slog,
	}
	if cfg.Flags.Has(Quiet) {
		// As in the reference interpreter, quiet drops %slog hints.
		nc.Slog = nil
	}
	s.it = nock.New(nc)
	return s
}

func (s *serf) run(ctx context.Context) (int, error) {
	loaded, err := s.load()
	if err != nil {
		return exitCode(err), err
	}
	ripe := ipc.Ripe{Proto: ProtocolVersion, Hon: HoonVersion, Nock: NockVersion, Eve: s.eve, Mug: s.mug}
	if err := s.send(ripe); err != nil {
		return ExitError, err
	}
	if loaded != "" {
		if err := s.note(loaded); err != nil {
			return ExitError, err
		}
	}
	if err := s.noteFlags(); err != nil {
		return ExitError, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return ExitError, fmt.Errorf("serf: %w", err)
		}
		writ, err := s.readWrit()
		if err != nil {
			return ExitError, err
		}
		if exit, ok := writ.(ipc.LiveExit); ok {
			s.log.Info("exit", zap.Uint8("code", exit.Code))
			return int(exit.Code), nil
		}
		if err := s.handle(ctx, writ); err != nil {
			return exitCode(err), err
		}
	}
}

// load loads the rock or snapshot, if any, and returns a note about it for
// the king ("" when the serf starts empty).
func (s *serf) load() (string, error) {
	if s.cfg.Pier == "" {
		return "", nil
	}
	var (
		st   state
		from string
	)
	if s.cfg.RockEvent != 0 {
		path := rockPath(s.cfg.Pier, s.cfg.RockEvent)
		var err error
		if st, err = readRock(path, s.cfg.RockEvent); err != nil {
			return "", err
		}
		from = "rock"
	} else {
		path := snapshotPath(s.cfg.Pier)
		var (
			ok  bool
			err error
		)
		if st, ok, err = readSnapshot(path); err != nil || !ok {
			return "", err
		}
		from = "snapshot"
	}
	s.eve, s.mug, s.kernel = st.eve, st.mug, st.kernel
	s.log.Info("loaded state", zap.String("from", from), zap.Uint64("eve", st.eve), zap.Uint32("mug", st.mug))
	return fmt.Sprintf("serf: loaded %s of event %d (mug %#08x)", from, st.eve, st.mug), nil
}

// noteFlags reports flag bits that change nothing.
func (s *serf) noteFlags() error {
	if u := s.cfg.Flags.Unknown(); u != 0 {
		if err := s.flog(fmt.Sprintf("serf: ignoring unknown flag bits %#x", uint32(u))); err != nil {
			return err
		}
	}
	if inert := inert(s.cfg.Flags); inert != 0 {
		return s.note(fmt.Sprintf("serf: flags %s have no effect in this serf", inert))
	}
	return nil
}

// readWrit reads the next writ, turning every way the stream can be bad
// into a fatal error that names the problem.
func (s *serf) readWrit() (ipc.Writ, error) {
	writ, err := s.r.ReadWrit()
	if err == nil {
		return writ, nil
	}
	var (
		bad *ipc.BadNounError
		dec *ipc.DecodeError
		fe  flushError
	)
	switch {
	case errors.As(err, &fe):
		return nil, fmt.Errorf("%w: %v", ErrWrite, fe.err)
	case errors.Is(err, io.EOF):
		return nil, ErrStdinClosed
	case errors.As(err, &bad):
		return nil, fmt.Errorf("%w: %d bytes: %v", ErrBadNoun, len(bad.Frame), bad.Err)
	case errors.As(err, &dec):
		return nil, fmt.Errorf("%w: %v", ErrBadWrit, dec)
	case errors.Is(err, ipc.ErrZeroLength), errors.Is(err, ipc.ErrBadTag),
		errors.Is(err, ipc.ErrFrameTooLarge), errors.Is(err, ipc.ErrTruncated):
		return nil, fmt.Errorf("%w: %v", ErrBadFrame, err)
	default:
		return nil, fmt.Errorf("serf: read writ: %w", err)
	}
}

// handle answers one writ other than %live %exit.
func (s *serf) handle(ctx context.Context, writ ipc.Writ) error {
	// Replies still queued must not wait for this writ's computation.
	s.q.ArmIfPending()
	switch w := writ.(type) {
	case ipc.Play:
		return s.play(ctx, w)
	case ipc.Work:
		return s.work(ctx, w)
	case ipc.Peek:
		return s.peek(ctx, w)
	case ipc.LiveSave:
		return s.save(w)
	case ipc.LiveCram:
		return s.cram(w)
	case ipc.LiveMeld:
		return s.meld("meld")
	case ipc.LivePack:
		return s.meld("pack")
	default:
		return fmt.Errorf("%w: unexpected writ %s", ErrBadWrit, writ)
	}
}

// send writes one plea.
func (s *serf) send(p ipc.Plea) error {
	if err := s.w.WritePlea(p); err != nil {
		return fmt.Errorf("%w: %v", ErrWrite, err)
	}
	// Once the replies queued are as long as the writs still buffered,
	// send them: the king refills its pipeline while this serf works
	// through the rest, instead of the two taking turns.
	if s.q.Len() >= s.r.Buffered() {
		if err := s.q.Flush(); err != nil {
			return fmt.Errorf("%w: %v", ErrWrite, err)
		}
	}
	return nil
}

// flog sends a runtime message to the king.
func (s *serf) flog(text string) error { return s.send(ipc.Flog{Text: text}) }

// note sends an informational message, unless the Quiet flag is set.
func (s *serf) note(text string) error {
	if s.cfg.Flags.Has(Quiet) {
		return nil
	}
	return s.flog(text)
}

// clock returns the time a computation starts, for timing; without the
// Verbose flag it is not read (a small event costs little more than that).
func (s *serf) clock() time.Time {
	if !s.cfg.Flags.Has(Verbose) {
		return time.Time{}
	}
	return time.Now()
}

// timing reports how long a computation took, with the Verbose flag. what
// names it; it is called only then, so the hot paths format nothing.
func (s *serf) timing(what func() string, start time.Time) error {
	if !s.cfg.Flags.Has(Verbose) {
		return nil
	}
	return s.flog(fmt.Sprintf("serf: %s took %s", what(), time.Since(start).Round(time.Microsecond)))
}

// named is a constant name for timing.
func named(what string) func() string { return func() string { return what } }

// slog is the interpreter's hint output: a %slog plea to the king. It runs
// inside a computation, so a write error is kept for later.
func (s *serf) slog(pri uint64, tank noun.Noun) {
	if s.slogErr != nil {
		return
	}
	err := s.send(ipc.Slog{Priority: pri, Tank: tank})
	if err == nil {
		// The king shows it while the computation runs.
		if ferr := s.q.Flush(); ferr != nil {
			err = fmt.Errorf("%w: %v", ErrWrite, ferr)
		}
	}
	if err != nil {
		s.slogErr = err
	}
}
