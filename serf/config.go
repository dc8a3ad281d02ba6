package serf

import (
	"fmt"
	"io"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
)

// Config configures one run of the serf. In and Out are required; every
// other zero value is usable and documented.
type Config struct {
	// Pier is the pier directory; snapshots live in <Pier>/.urb/chk and
	// crammed state in <Pier>/.urb/roc. "" means no disk at all: nothing
	// is loaded, and %save and %cram are fatal errors.
	Pier string
	// Key is the <key> argument. It is accepted for compatibility and not
	// used (this serf encrypts nothing); it is never logged.
	Key string
	// Flags are the <flags> argument's bits.
	Flags Flags
	// CacheSize bounds the interpreter's %memo cache, in entries; 0
	// disables it.
	CacheSize int
	// RockEvent, if non-zero, loads the kernel from
	// <Pier>/.urb/roc/<RockEvent>.jam (written by %cram) instead of the
	// snapshot.
	RockEvent uint64
	// In carries writs from the king.
	In io.Reader
	// Out carries pleas to the king. No plea is split between Write calls;
	// pleas queued while writs keep arriving go out together (see
	// output.go), and none waits more than a millisecond.
	Out io.Writer
	// Framing is the framing of both streams; ipc.Auto (the zero value)
	// means ipc.Legacy, the framing of 2020–2021 serfs.
	Framing ipc.Framing
	// Interrupt, when set to true, interrupts the computation in progress
	// (it fails with %intr). The serf clears it when it starts handling a
	// writ that computes, so a raise while idle does not poison the next
	// event. nil means the serf cannot be interrupted from outside.
	Interrupt *atomic.Bool
	// Logger receives the serf's own diagnostics; nil means zap.NewNop().
	// Messages for the king go out as %flog pleas instead.
	Logger *zap.Logger
	// MemoryBudget bounds, in bytes, what one computation may allocate
	// (see nock.Config.MemoryBudget); past it the computation fails with
	// %meme. 0 means no limit.
	MemoryBudget int64
	// HeapLimit, if positive, bounds the process's Go heap while an event
	// (or a peek) is computed: a computation that finds the heap past it,
	// after a garbage collection, fails with %meme (see
	// nock.Config.HeapLimit). It is the counterpart of the reference
	// serf's fixed-size loom; `king serf` sets DefaultHeapLimit(). 0 means
	// no limit.
	HeapLimit int64
	// StepLimit, if non-zero, fails any one computation after that many
	// Nock steps with %alrm. It exists for fuzzing and tests, where a
	// deterministic bound matters; a king bounds events with %work's mil.
	StepLimit uint64
	// MaxFrameSize is the largest frame accepted from the king; 0 means
	// ipc.DefaultMaxFrameSize (1 GiB).
	MaxFrameSize uint64
}

// withDefaults checks cfg and fills in the documented zero values.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.In == nil || cfg.Out == nil {
		return cfg, fmt.Errorf("%w: In and Out are required", ErrConfig)
	}
	switch cfg.Framing {
	case ipc.Auto:
		cfg.Framing = ipc.Legacy
	case ipc.Legacy, ipc.Newt:
	default:
		return cfg, fmt.Errorf("%w: framing %d is neither legacy nor newt", ErrConfig, cfg.Framing)
	}
	if cfg.CacheSize < 0 {
		return cfg, fmt.Errorf("%w: negative cache size %d", ErrConfig, cfg.CacheSize)
	}
	if cfg.MemoryBudget < 0 {
		return cfg, fmt.Errorf("%w: negative memory budget %d", ErrConfig, cfg.MemoryBudget)
	}
	if cfg.HeapLimit < 0 {
		return cfg, fmt.Errorf("%w: negative heap limit %d", ErrConfig, cfg.HeapLimit)
	}
	if cfg.RockEvent != 0 && cfg.Pier == "" {
		return cfg, fmt.Errorf("%w: rock event %d needs a pier", ErrConfig, cfg.RockEvent)
	}
	if cfg.Interrupt == nil {
		cfg.Interrupt = new(atomic.Bool)
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return cfg, nil
}
