package kernels

import "github.com/kingserf/king/noun"

// Kernel is a bootable kernel.
type Kernel struct {
	// Name names the kernel and its pill file, testdata/kernels/<Name>.pill.
	Name string
	// Battery is the kernel's code: [[1 0] wish peek poke], so that the wish
	// arm is at axis 10, peek at 22 and poke at 23 of the kernel.
	Battery noun.Noun
	// State is the kernel's initial state, axis 3 of the kernel.
	State noun.Noun
}

// All returns every kernel of this package, in a fixed order.
func All() []Kernel { return []Kernel{Counter(), Crashy(), Echo(), Timer()} }

// Core returns the kernel noun [battery state] the serf holds after boot.
func (k Kernel) Core() noun.Noun { return noun.Cell(k.Battery, k.State) }

// BootList returns the boot %play list: one formula, producing
// [0 0 battery state], followed by ~.
func (k Kernel) BootList() noun.Noun {
	f := Tuple(Const(noun.Zero), Const(noun.Zero), Const(k.Battery), Const(k.State))
	return noun.T(f, noun.Zero)
}

// Pill returns the kernel's pill: the jam of its boot list.
func (k Kernel) Pill() []byte { return noun.Jam(k.BootList()) }

// Axes seen from inside a kernel's gate, whose subject is
// [formula [sample kernel]]; the sample of a poke is the job [now ovum].
const (
	axSample  = 6
	axKernel  = 7
	axNow     = 12
	axOvum    = 13
	axWire    = 26
	axCard    = 27
	axCardTag = 54
	axCardArg = 55
	axBattery = 14
	axState   = 15
)

// battery assembles [[1 0] wish peek poke].
func battery(wish, peek, poke noun.Noun) noun.Noun {
	return noun.T(Const(noun.Zero), wish, peek, poke)
}

// mookWish is the wish arm of every kernel here: whatever is wished for, it
// produces a gate that, given a tone, produces [%2 ~], a rendered trace with
// no tanks. A serf renders a crash's goof with it, as Urbit's does, so the
// goofs of these kernels have empty tangs, whichever serf runs them; ours
// also sends its own rendering of the trace as a %flog.
func mookWish() noun.Noun {
	renderNothing := Gate(Const(noun.Cell(noun.Atom(2), noun.Zero)))
	return Const(Gate(Const(renderNothing)))
}

// peekState is a peek arm answering every query with [~ %noun state], where
// state is the subtree at axis stateAxis of the gate's subject.
func peekState(stateAxis uint64) noun.Noun {
	return GateArm(Tuple(Const(noun.Zero), Const(noun.Cord("noun")), Slot(stateAxis)))
}

// echoOvum is the effects-and-kernel product of a counting poke: the ovum
// echoed as the only effect, and the kernel with its state incremented.
func echoOvum() noun.Noun {
	return Cons(List(Slot(axOvum)), Cons(Slot(axBattery), Inc(Slot(axState))))
}
