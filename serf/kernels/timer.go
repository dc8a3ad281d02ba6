package kernels

import "github.com/kingserf/king/noun"

// Timer returns the timer kernel, which asks the king for timers the way
// Arvo's behn does, for testing a king's timer driver. Its state is
// [wakes pending]: the number of %wake events it has had and the one
// pending wake-up, a (unit @da). It reads cards by tag, whatever the wire:
//
//   - [%wait @da]: sets the pending wake-up to that date; effect
//     [%doze [~ date]]. A date that is not an atom crashes the event.
//   - [%rest ~]: clears it; effect [%doze ~].
//   - [%wake ~]: counts a wake and clears the pending wake-up; effect
//     [%doze ~]. A wake with nothing pending (a stale one, after a king
//     restart) is counted all the same, as behn tolerates them.
//   - [%born ~]: the king (re)started: the state is kept and the pending
//     wake-up is sent again, [%doze pending], so a king that lost it can
//     re-learn it from the kernel.
//   - every other card, and an atom card: no effect, state kept.
//
// Every effect is one [[0 %behn ~] [%doze (unit @da)]]. Peek answers
// [~ %noun [wakes pending]].
func Timer() Kernel {
	const (
		axWakes   = 30
		axPending = 31
	)
	t := noun.Cord
	// Every effect is on the behn wire [0 %behn ~] (PROTOCOL.md §6).
	timerWire := noun.T(noun.Zero, t("behn"), noun.Zero)
	doze := func(unit noun.Noun) noun.Noun {
		return List(Cons(Const(timerWire), Cons(Const(t("doze")), unit)))
	}
	kernel := func(wakes, pending noun.Noun) noun.Noun {
		return Cons(Slot(axBattery), Cons(wakes, pending))
	}
	some := func(f noun.Noun) noun.Noun { return Cons(Const(noun.Zero), f) }
	noEffect := Cons(Const(noun.Zero), Slot(axKernel))

	wait := If(Deep(Slot(axCardArg)),
		crashWith("timer: %wait date is not an atom"),
		Cons(doze(some(Slot(axCardArg))), kernel(Slot(axWakes), some(Slot(axCardArg)))))
	rest := Cons(doze(Const(noun.Zero)), kernel(Slot(axWakes), Const(noun.Zero)))
	wake := Cons(doze(Const(noun.Zero)), kernel(Inc(Slot(axWakes)), Const(noun.Zero)))
	born := Cons(doze(Slot(axPending)), Slot(axKernel))
	poke := If(Deep(Slot(axCard)),
		If(Is(axCardTag, t("wait")), wait,
			If(Is(axCardTag, t("rest")), rest,
				If(Is(axCardTag, t("wake")), wake,
					If(Is(axCardTag, t("born")), born, noEffect)))),
		noEffect)
	return Kernel{
		Name:    "timer",
		Battery: battery(mookWish(), peekState(axState), GateArm(poke)),
		State:   noun.Cell(noun.Zero, noun.Zero),
	}
}
