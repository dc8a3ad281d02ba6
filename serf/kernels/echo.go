package kernels

import "github.com/kingserf/king/noun"

// EchoPrompt is the prompt the echo kernel draws before the line being
// typed.
const EchoPrompt = "> "

// Echo returns the echo kernel, a terminal program for session 1. Its state
// is [count line]: the number of events and the line being typed, a list of
// @c. It reads cards by tag, whatever the wire:
//
//   - [%belt [%txt (list @c)]]: appends the characters to the line and
//     redraws it;
//   - [%belt [%bac ~]]: deletes the last character and redraws, or rings the
//     bell on an empty line;
//   - [%belt [%ret ~]]: commits the line ([%mor ~]), prints "echo: <line>",
//     and starts a fresh prompt;
//   - [%hail ~]: redraws the line;
//   - [%blew w h], other belts (%aro, %ctl, %del, %met) and every other card:
//     counted, no effect.
//
// Every effect is one [[0 %term '1' ~] [%blit blits]], where a redraw is
// [%lin "> <line>"]. Peek answers [~ %noun [count line]].
func Echo() Kernel {
	const (
		axCount    = 30
		axLine     = 31
		axBeltTag  = 110
		axBeltData = 111
	)
	t := noun.Cord
	// kernel builds the new kernel with the count bumped and line as the new
	// line (line is evaluated against the gate's subject).
	kernel := func(line noun.Noun) noun.Noun {
		return Cons(Slot(axBattery), Cons(Inc(Slot(axCount)), line))
	}
	// redraw returns a blit drawing the prompt and line.
	redraw := func(line noun.Noun) noun.Noun {
		return Cons(Const(t("lin")), Call(weldGate(), Cons(Const(noun.Tape(EchoPrompt)), line)))
	}
	blits := func(bs ...noun.Noun) noun.Noun {
		wire := noun.T(noun.Zero, t("term"), t("1"), noun.Zero)
		return List(Cons(Const(wire), Cons(Const(t("blit")), List(bs...))))
	}
	// newLine computes the new line once (pushed at axis 2) and returns the
	// redraw effect and the new kernel.
	newLine := func(line noun.Noun) noun.Noun {
		under := func(a uint64) noun.Noun { return Slot(Under(a)) }
		k := Cons(under(axBattery), Cons(Inc(under(axCount)), Slot(2)))
		return Push(line, Cons(blits(redraw(Slot(2))), k))
	}
	noEffect := Cons(Const(noun.Zero), kernel(Slot(axLine)))
	bel := noun.Cell(t("bel"), noun.Zero)
	mor := noun.Cell(t("mor"), noun.Zero)

	txt := newLine(Call(weldGate(), Cons(Slot(axLine), Slot(axBeltData))))
	bac := If(Deep(Slot(axLine)),
		newLine(Call(snipGate(), Slot(axLine))),
		Cons(blits(Const(bel)), kernel(Slot(axLine))))
	ret := Cons(
		blits(Const(mor),
			Cons(Const(t("lin")), Call(weldGate(), Cons(Const(noun.Tape("echo: ")), Slot(axLine)))),
			Const(mor),
			Const(noun.Cell(t("lin"), noun.Tape(EchoPrompt)))),
		kernel(Const(noun.Zero)))
	belt := If(Deep(Slot(axCardArg)),
		If(Is(axBeltTag, t("txt")), txt,
			If(Is(axBeltTag, t("bac")), bac,
				If(Is(axBeltTag, t("ret")), ret, noEffect))),
		noEffect)
	hail := Cons(blits(redraw(Slot(axLine))), kernel(Slot(axLine)))
	poke := If(Deep(Slot(axCard)),
		If(Is(axCardTag, t("belt")), belt,
			If(Is(axCardTag, t("hail")), hail, noEffect)),
		noEffect)
	return Kernel{
		Name:    "echo",
		Battery: battery(mookWish(), peekState(axState), GateArm(poke)),
		State:   noun.Cell(noun.Zero, noun.Zero),
	}
}

// weldGate is a gate from [a b], two lists, to their concatenation.
func weldGate() noun.Noun {
	// ?~ a b [i.a $(a t.a)], with a at 12 and b at 13.
	return Gate(If(Deep(Slot(12)),
		Cons(Slot(24), Kick(2, Edit(12, Slot(25), Slot(1)))),
		Slot(13)))
}

// snipGate is a gate from a list to the list without its last element.
func snipGate() noun.Noun {
	// ?~ l ~ ?~ t.l ~ [i.l $(l t.l)], with l at 6.
	return Gate(If(Deep(Slot(6)),
		If(Deep(Slot(13)), Cons(Slot(12), Kick(2, Edit(6, Slot(13), Slot(1)))), Const(noun.Zero)),
		Const(noun.Zero)))
}
