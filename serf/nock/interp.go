package nock

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/kingserf/king/noun"
)

// DefaultStackBudget bounds the frame stack, in bytes, when
// Config.MemoryBudget is 0 (no allocation limit), so that runaway non-tail
// recursion ends in %meme instead of exhausting the machine's memory: about
// 9.5 million frames.
const DefaultStackBudget int64 = 512 << 20

// checkEvery is how many Nock steps pass between checks of the interrupt
// flag, the context and the step limit: often enough to react within tens of
// microseconds, rarely enough to cost nothing measurable.
const checkEvery = 1 << 12

// ErrBusy is returned when an Interpreter is asked to start a computation
// while it is running one (for example from inside a Slog callback).
var ErrBusy = errors.New("nock: interpreter is already running a computation")

// Config configures an Interpreter. The zero value is usable: no %memo
// cache, no memory budget beyond DefaultStackBudget, no step limit, hint
// output discarded, no interrupt flag.
type Config struct {
	// CacheSize is the number of %memo results kept (the serf's cache-size
	// argument). 0 disables %memo caching; the hinted formula still runs.
	CacheSize int
	// MemoryBudget bounds, in bytes, the memory one computation may use: the
	// cells and big atoms it builds (counted as allocated, 48 bytes a cell and
	// 8 bytes a word plus 48 for a big atom, whether or not they are still
	// live) plus the capacity of the frame stack. Exceeding it crashes the
	// computation with %meme. Counting allocations rather than live memory
	// makes the limit deterministic (independent of the garbage collector) and
	// conservative. 0 means no limit on allocations, with the frame stack
	// still bounded by DefaultStackBudget.
	MemoryBudget int64
	// StepLimit, if non-zero, crashes a computation with %alrm once it has
	// taken this many Nock steps (it may overshoot by the few steps of one
	// small formula). Used for deterministic budgets such as fuzzing; the
	// serf uses context deadlines instead.
	StepLimit uint64
	// Slog receives the [pri tank] of %slog hints and the timings of %bout
	// hints (priority 0). It runs synchronously on the computing goroutine
	// and must not call back into the Interpreter. nil discards the output.
	Slog func(pri uint64, tank noun.Noun)
	// HeapLimit, if positive, bounds the process's Go heap while a
	// computation runs, as the reference serf's fixed-size loom bounds its
	// memory: whenever the computation has allocated another HeapLookEvery
	// bytes (as MemoryBudget counts them), the interpreter reads the heap's
	// size, and past HeapLimit it collects garbage and reads it again; a
	// computation that still finds the heap past the limit crashes with
	// %meme. Unlike MemoryBudget it measures what is live, so a long
	// computation that makes much garbage is not cut short, at the price of
	// depending on the collector (and on what else the process holds).
	HeapLimit int64
	// Interrupt, if non-nil, is polled every few thousand steps; when it is
	// true the computation crashes with %intr and the flag is reset to false,
	// so one raise interrupts one computation. The serf's SIGINT handler sets
	// it.
	Interrupt *atomic.Bool
}

// Interpreter evaluates Nock. It is not safe for concurrent use: run one
// computation at a time (the serf computes one event at a time anyway).
type Interpreter struct {
	cfg  Config
	memo *memoCache
	// cells builds the cells computations make (autocons, opcode 8's
	// push, the spines opcode 10 copies), a slab at a time.
	cells *noun.CellAllocator
	// qc caches the compiled forms of formulas (quickcache.go).
	qc qcache
	// calls are the formulas of Poke, Peek and Wish (kernel.go).
	calls []callForm

	// stack[:sp] are the live continuation frames; frames above sp are stale.
	// high is the most frames in use since the stack was last cleared: the
	// stale ones below it still hold nouns, and are cleared when a top-level
	// computation ends so they do not keep old kernels alive.
	stack []frame
	sp    int
	high  int

	busy bool
	ctx  context.Context
	// rendering is set while a %mean trap runs for a crash trace: the
	// interrupt flag and context are then ignored, and nested crashes are
	// not rendered.
	rendering bool

	// steps counts Nock steps (formula evaluations) of the current top-level
	// computation; at nextCheck the interrupt, context and step limit are
	// polled.
	steps     uint64
	nextCheck uint64
	stepLimit uint64

	// alloc is the bytes charged to the memory budget by the current
	// computation, allocLimit what it may reach given the frame stack's
	// current capacity (budget minus stack bytes).
	alloc      int64
	allocLimit int64
	// nextHeapLook is the value of alloc at which poll next reads the
	// heap's size (Config.HeapLimit).
	nextHeapLook int64
}

// cellSlab is the number of cells the interpreter allocates at a time
// (10 KiB): allocation is then a small part of a step (256 measured ~15%
// faster than 64 on the decrement benchmark). Products that outlive a
// computation are moved out of the slabs (Keep), so a slab is only held
// while something transient, such as a poke's effects, still is.
const cellSlab = 256

// New returns an Interpreter configured by cfg.
func New(cfg Config) *Interpreter {
	return &Interpreter{cfg: cfg, memo: newMemoCache(cfg.CacheSize), cells: noun.NewCellAllocator(cellSlab), qc: newQcache()}
}

// Steps returns the number of Nock steps (formula evaluations, counting
// autocons cells) taken by the last or current top-level computation.
func (it *Interpreter) Steps() uint64 { return it.steps }

// Nock evaluates formula against subject (*[subject formula]). A crash is
// returned as a *Crash. Cancelling ctx crashes the computation with %intr,
// and its deadline passing with %alrm; both are noticed within a few
// thousand steps.
func (it *Interpreter) Nock(ctx context.Context, subject, formula noun.Noun) (product noun.Noun, err error) {
	// The product outlives the computation (a kernel is the next event's
	// subject): move its new cells out of the slabs, or each event's slab
	// garbage would stay reachable from the next kernel, forever.
	return it.compute(ctx, subject, formula, it.cells.Keep)
}

// compute is Nock with the product passed through keep before the
// computation's cells become the previous epoch's: keep moves out of the
// slabs what the caller holds on to (Keep for all of it, something less
// for a product only part of which outlives the call).
func (it *Interpreter) compute(ctx context.Context, subject, formula noun.Noun, keep func(noun.Noun) noun.Noun) (product noun.Noun, err error) {
	if it.busy {
		return noun.Zero, ErrBusy
	}
	it.begin(ctx)
	defer it.end()
	defer func() {
		// A Go panic here is an interpreter bug; it must still not escape
		// into the serf's protocol loop.
		if r := recover(); r != nil {
			product = noun.Zero
			err = &Crash{Mote: MoteFail, Reason: fmt.Sprint("internal error: ", r)}
		}
	}()
	res, c := it.run(subject, formula)
	if c != nil {
		return noun.Zero, c
	}
	return keep(res), nil
}

// Slam calls a gate with a sample: the gate's axis 6 is replaced by sample
// and the formula at the gate's axis 2 runs against the result
// (PROTOCOL.md §3.4).
func (it *Interpreter) Slam(ctx context.Context, gate, sample noun.Noun) (noun.Noun, error) {
	core, ok := gate.Edit(6, sample)
	if !ok {
		return noun.Zero, &Crash{Mote: MoteExit, Reason: "slam: the gate has no sample (axis 6)"}
	}
	return it.Nock(ctx, core, kickFormula())
}

// kickFormula returns [9 2 0 1]: run the arm at axis 2 of the subject
// against the subject.
func kickFormula() noun.Noun {
	return noun.T(noun.Atom(9), noun.Atom(2), noun.Atom(0), noun.Atom(1))
}

// begin resets the per-computation state.
func (it *Interpreter) begin(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	it.busy = true
	it.ctx = ctx
	it.sp = 0
	it.steps = 0
	it.stepLimit = it.cfg.StepLimit
	it.nextCheck = it.nextPoll()
	it.alloc = 0
	it.allocLimit = it.limitFor(int64(cap(it.stack)) * frameBytes)
	it.nextHeapLook = HeapLookEvery
}

// end releases what the computation left on the frame stack: a stack grown
// very large is dropped, a small one is cleared so stale frames do not keep
// old nouns alive.
func (it *Interpreter) end() {
	if cap(it.stack) > keepFrames {
		it.stack = nil
	} else {
		clear(it.stack[:it.high])
	}
	it.sp, it.high = 0, 0
	// The next computation's cells are a new epoch for Keep.
	it.cells.Reset()
	it.qc.release()
	it.rendering = false
	it.ctx = nil
	it.busy = false
}

// limitFor returns the allocation limit left when the frame stack holds
// stackBytes.
func (it *Interpreter) limitFor(stackBytes int64) int64 {
	if it.cfg.MemoryBudget <= 0 {
		return math.MaxInt64
	}
	return it.cfg.MemoryBudget - stackBytes
}

// nextPoll returns the step count at which to poll next.
func (it *Interpreter) nextPoll() uint64 {
	next := it.steps + checkEvery
	if it.stepLimit != 0 && next > it.stepLimit {
		next = it.stepLimit
	}
	return next
}

// poll checks the interrupt flag, the context and the step limit. It
// returns the mote and reason of a crash, or "" to continue.
func (it *Interpreter) poll() (mote, reason string) {
	it.nextCheck = it.nextPoll()
	if !it.rendering {
		if f := it.cfg.Interrupt; f != nil && f.Load() {
			f.Store(false)
			return MoteIntr, "interrupted"
		}
		if err := it.ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return MoteAlrm, "deadline passed"
			}
			return MoteIntr, "context cancelled"
		}
	}
	if it.stepLimit != 0 && it.steps >= it.stepLimit {
		return MoteAlrm, fmt.Sprintf("step limit of %d reached", it.stepLimit)
	}
	if it.cfg.HeapLimit > 0 && it.alloc >= it.nextHeapLook && !it.rendering {
		it.nextHeapLook = it.alloc + HeapLookEvery
		if heap, ok := heapWithin(uint64(it.cfg.HeapLimit)); !ok {
			return MoteMeme, fmt.Sprintf("heap of %d bytes past the limit of %d bytes", heap, it.cfg.HeapLimit)
		}
	}
	return "", ""
}
