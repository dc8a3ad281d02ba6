package drivers

import (
	"sort"
	"sync"

	"go.uber.org/zap"

	"github.com/kingserf/king/noun"
)

// Kernel-level vanes: effects on [0 %exit ~] ask the king to shut down,
// effects on [0 %vega ~] report a kernel upgrade (PROTOCOL.md §6).
const (
	VaneExit = "exit"
	VaneVega = "vega"
)

// MaxKinds bounds the distinct unclaimed kinds a Router remembers; past
// it, further new kinds are counted together under OtherKind. A kernel
// inventing card tags cannot make the Router grow without bound.
const MaxKinds = 1024

// OtherKind is the kind under which unclaimed effects are counted once
// MaxKinds distinct kinds have been seen.
const OtherKind = "(other kinds)"

// Driver handles the effects routed to it.
type Driver interface {
	// HandleEffect handles one effect and reports whether it claimed it.
	// It runs on the pier's release goroutine and must not block.
	HandleEffect(ef Effect) bool
}

// DriverFunc adapts a function to Driver.
type DriverFunc func(ef Effect) bool

// HandleEffect calls f.
func (f DriverFunc) HandleEffect(ef Effect) bool { return f(ef) }

// RouterOptions configure a Router. The zero value is usable: it logs
// nothing and ignores %exit (after logging it as unclaimed).
type RouterOptions struct {
	// Logger receives the Router's lines; nil means zap.NewNop().
	Logger *zap.Logger
	// OnExit is called, once, for the first kernel-level %exit effect.
	// It runs on the pier's release goroutine, so it must not wait for
	// the pier to stop (Shutdown waits for that very goroutine): it
	// should start the shutdown elsewhere, for example by signalling the
	// goroutine that runs the pier. Nil means %exit is unclaimed.
	OnExit func(ef Effect)
}

// Router routes the effects of committed events to drivers by vane.
// Its methods are safe for concurrent use.
type Router struct {
	logger *zap.Logger
	onExit func(Effect)

	mu        sync.RWMutex
	drivers   map[string][]Driver
	exited    bool
	unclaimed map[string]uint64 // kind → count, at most MaxKinds+1 keys
}

// NewRouter returns a Router with no drivers.
func NewRouter(opts RouterOptions) *Router {
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Router{logger: logger, onExit: opts.OnExit, drivers: map[string][]Driver{},
		unclaimed: map[string]uint64{}}
}

// Handle registers d for the effects of vane (such as "term" or "behn").
// Several drivers may share a vane: each effect goes to all of them, in
// registration order, and is claimed if any claims it.
func (r *Router) Handle(vane string, d Driver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drivers[vane] = append(r.drivers[vane], d)
}

// Route routes the effects of event eve, a (list ovum). Its signature is
// that of pier.RunOptions.Effects. A malformed list or ovum is logged
// (once per kind) and skipped; the rest is still routed.
func (r *Router) Route(eve uint64, effects noun.Noun) {
	list := effects
	for i := 0; ; i++ {
		item, rest, ok := list.Uncell()
		if !ok {
			if !list.IsZero() {
				r.unclaim("(malformed effect list)", Effect{Eve: eve, Card: list},
					zap.String("problem", "list not terminated by ~"))
			}
			return
		}
		list = rest
		ef, err := ParseEffect(eve, item)
		if err != nil {
			r.unclaim("(malformed effect)", Effect{Eve: eve, Card: item}, zap.Error(err), zap.Int("index", i))
			continue
		}
		r.dispatch(ef)
	}
}

// Unclaimed returns how many effects of each kind no driver claimed.
func (r *Router) Unclaimed() map[string]uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[string]uint64, len(r.unclaimed))
	for k, v := range r.unclaimed {
		out[k] = v
	}
	return out
}

// UnclaimedKinds returns the kinds of Unclaimed, sorted.
func (r *Router) UnclaimedKinds() []string {
	m := r.Unclaimed()
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// dispatch hands one effect to its drivers or to the kernel-level
// handlers.
func (r *Router) dispatch(ef Effect) {
	switch ef.Vane {
	case VaneExit:
		if r.exit(ef) {
			return
		}
	case VaneVega:
		r.logger.Info("kernel upgraded (%vega)", zap.Uint64("eve", ef.Eve), zap.String("card", ef.Tag))
		return
	}
	r.mu.RLock()
	ds := r.drivers[ef.Vane]
	r.mu.RUnlock()
	claimed := false
	for _, d := range ds {
		if d.HandleEffect(ef) {
			claimed = true
		}
	}
	if !claimed {
		r.unclaim(ef.Kind(), ef)
	}
}

// exit handles a kernel-level %exit; false if nobody listens for it.
func (r *Router) exit(ef Effect) bool {
	if r.onExit == nil {
		return false
	}
	r.mu.Lock()
	first := !r.exited
	r.exited = true
	r.mu.Unlock()
	if first {
		r.logger.Info("the kernel asked to shut down (%exit)", zap.Uint64("eve", ef.Eve))
		r.onExit(ef)
	}
	return true
}

// unclaim counts an unclaimed effect, logging the first of its kind.
func (r *Router) unclaim(kind string, ef Effect, extra ...zap.Field) {
	r.mu.Lock()
	n, seen := r.unclaimed[kind]
	if !seen && len(r.unclaimed) >= MaxKinds {
		kind = OtherKind
		n, seen = r.unclaimed[kind]
	}
	r.unclaimed[kind] = n + 1
	r.mu.Unlock()
	if seen {
		return
	}
	fields := append([]zap.Field{zap.String("kind", kind), zap.Uint64("eve", ef.Eve),
		zap.String("wire", pathText(ef.Wire))}, extra...)
	r.logger.Warn("effect not handled by any driver (further effects of this kind are only counted)", fields...)
}
