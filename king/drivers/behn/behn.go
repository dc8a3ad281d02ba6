// Package behn is the king's timer driver (Urbit's behn I/O driver).
//
// The kernel keeps its timers itself and tells the king only the next
// wake-up: an effect [%doze (unit @da)] on a behn wire sets the one
// pending wake-up (or, with ~, clears it). When that time comes the
// driver injects [[%b %behn ~] [%wake ~]], and the kernel answers with its
// next %doze. A date already past fires at once. (PROTOCOL.md §6.)
//
// # Restarts
//
// A serf restart changes nothing here: the driver lives in the king, and
// effects are released only for new events, never for replayed ones, so
// the pending time stands.
//
// A king restart loses the in-memory timer, so the driver keeps the
// pending wake-up in a state file, <pier>/.urb/behn.jam (StatePath): the
// jam of the (unit @da) of the last %doze handled, rewritten (temporary
// file and rename) on every %doze. Start reads it back and arms it; a time
// that passed while the king was down fires at once. The file is not
// removed when the timer fires, only replaced by the kernel's next %doze,
// so a wake whose injection was lost (the pier stopped first) is
// delivered at the next start; a wake delivered twice is harmless (Arvo's
// behn, like the timer kernel, ignores a wake with nothing due). The file
// is written without fsync: it survives the king's death, not the
// machine's, which at worst costs one early, late or missing wake.
//
// For kernels that re-send their timer on request (Arvo's behn does, on
// [%born ~]), Options.Born makes Start inject [[%b %behn ~] [%born ~]] as
// vere does, so the pending time is re-learned from the kernel itself,
// the source of truth.
package behn

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// Vane is the vane name behn effects are routed by: their wire is
// [0 %behn ...].
const Vane = "behn"

// maxStateFile bounds the state file read at Start: a (unit @da) is a few
// bytes of jam.
const maxStateFile = 4096

// ErrBadDoze is what the errors of Doze match: a %doze card whose
// argument is not a (unit @da).
var ErrBadDoze = errors.New("behn: malformed %doze")

// StatePath returns the driver's state file of the pier in dir,
// <pier>/.urb/behn.jam.
func StatePath(dir string) string { return filepath.Join(dir, ".urb", "behn.jam") }

// WakeOvum returns the event the driver injects when the wake-up is due,
// [[%b %behn ~] [%wake ~]].
func WakeOvum() noun.Noun { return behnOvum("wake") }

// BornOvum returns the event Start injects with Options.Born,
// [[%b %behn ~] [%born ~]].
func BornOvum() noun.Noun { return behnOvum("born") }

func behnOvum(tag string) noun.Noun {
	return noun.T(noun.T(noun.Cord("b"), noun.Cord("behn"), noun.Zero), noun.Cord(tag), noun.Zero)
}

// Options configure a Driver.
type Options struct {
	// Inject injects an event into the pier. The driver calls it on its
	// own goroutine; it may wait for the event's outcome. Required.
	Inject func(ctx context.Context, ovum noun.Noun) error
	// StateFile is where the pending wake-up is kept across king
	// restarts, usually StatePath(pier); "" keeps it in memory only.
	StateFile string
	// Clock is the time source; nil means RealClock.
	Clock Clock
	// Logger receives the driver's lines; nil means zap.NewNop().
	Logger *zap.Logger
	// Born makes Start inject BornOvum, asking the kernel to re-send its
	// pending wake-up.
	Born bool
}

// Driver is the timer driver. Its methods are safe for concurrent use.
type Driver struct {
	inject    func(context.Context, noun.Noun) error
	stateFile string
	clock     Clock
	logger    *zap.Logger
	born      bool

	ctx    context.Context // ends at Close: injections in progress give up
	cancel context.CancelFunc
	wg     sync.WaitGroup // the timer goroutines armed or running

	mu      sync.Mutex
	gen     uint64      // bumped by every arm; a timer fires only if still current
	pending time.Time   // valid when armed
	armed   bool        // a wake-up is pending and has not fired
	stop    func() bool // cancels the current timer
	dozed   bool        // a %doze was handled: the state file is not news
	closed  bool
	fired   uint64
}

// New returns a timer driver with no wake-up pending.
func New(opts Options) (*Driver, error) {
	if opts.Inject == nil {
		return nil, errors.New("behn: Options.Inject is required")
	}
	d := &Driver{inject: opts.Inject, stateFile: opts.StateFile, clock: opts.Clock, logger: opts.Logger,
		born: opts.Born}
	if d.clock == nil {
		d.clock = RealClock{}
	}
	if d.logger == nil {
		d.logger = zap.NewNop()
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Start arms the wake-up kept in the state file, unless a %doze has
// already been handled, and injects BornOvum if Options.Born is set.
// Call it once the pier accepts events. A damaged state file is logged
// and ignored.
func (d *Driver) Start(ctx context.Context) error {
	if d.stateFile != "" {
		if unit, ok := d.readState(); ok {
			d.mu.Lock()
			dozed := d.dozed
			d.mu.Unlock()
			if !dozed {
				if when, set, err := parseUnitDa(unit); err != nil {
					d.logger.Warn("behn: ignoring the state file", zap.String("file", d.stateFile), zap.Error(err))
				} else if set {
					d.logger.Info("behn: re-arming the wake-up kept from the last run", zap.Time("at", when))
					d.arm(when, true)
				}
			}
		}
	}
	if d.born {
		if err := d.inject(ctx, BornOvum()); err != nil {
			return fmt.Errorf("behn: inject %%born: %w", err)
		}
	}
	return nil
}

// HandleEffect claims %doze cards. A malformed one is claimed too (it was
// meant for this driver) and logged.
func (d *Driver) HandleEffect(ef drivers.Effect) bool {
	if ef.Tag != "doze" {
		return false
	}
	_, arg, _ := ef.Card.Uncell()
	if err := d.Doze(arg); err != nil {
		d.logger.Warn("behn: ignoring a malformed %doze", zap.Uint64("eve", ef.Eve), zap.Error(err))
	}
	return true
}

// Doze sets the pending wake-up to the date in unit, [~ @da], or clears
// it, ~, and keeps it in the state file.
func (d *Driver) Doze(unit noun.Noun) error {
	when, set, err := parseUnitDa(unit)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.dozed = true
	d.mu.Unlock()
	d.arm(when, set)
	if d.stateFile != "" {
		if err := d.writeState(unit); err != nil {
			d.logger.Warn("behn: could not keep the wake-up in the state file", zap.Error(err))
		}
	}
	return nil
}

// Pending returns the pending wake-up, if one is armed and has not fired.
func (d *Driver) Pending() (time.Time, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending, d.armed
}

// Fired returns how many wake-ups have fired.
func (d *Driver) Fired() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fired
}

// Close cancels the pending wake-up and waits for a wake being injected
// to give up or finish. The state file is kept. Close is idempotent.
func (d *Driver) Close() error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		d.gen++
		d.disarmLocked()
	}
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	return nil
}

// arm replaces the current timer with one for when (or none).
func (d *Driver) arm(when time.Time, set bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.gen++
	d.disarmLocked()
	if !set {
		return
	}
	gen := d.gen
	d.pending, d.armed = when, true
	d.wg.Add(1)
	d.stop = d.clock.AfterFunc(when.Sub(d.clock.Now()), func() { d.fire(gen) })
}

// disarmLocked cancels the current timer; d.mu is held.
func (d *Driver) disarmLocked() {
	d.armed = false
	if d.stop != nil {
		if d.stop() {
			// The timer will never run: its goroutine is not coming.
			d.wg.Done()
		}
		d.stop = nil
	}
}

// fire injects the wake if its timer is still the current one.
func (d *Driver) fire(gen uint64) {
	defer d.wg.Done()
	d.mu.Lock()
	if d.closed || gen != d.gen || !d.armed {
		d.mu.Unlock()
		return
	}
	d.armed = false
	d.stop = nil
	d.fired++
	at := d.pending
	d.mu.Unlock()
	d.logger.Debug("behn: wake", zap.Time("due", at))
	if err := d.inject(d.ctx, WakeOvum()); err != nil {
		d.logger.Warn("behn: the wake could not be injected (it will be sent again at the next start)",
			zap.Time("due", at), zap.Error(err))
	}
}
