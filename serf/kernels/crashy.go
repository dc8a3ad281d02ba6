package kernels

import "github.com/kingserf/king/noun"

// Crashy returns the crashy kernel, a counter (state, effects and peek as
// Counter) that misbehaves on chosen cards, by the card's tag:
//
//   - %crash: crashes (%exit) with the trace frame [%lose 'crashy: %crash card']; the
//     serf's %crud retry of it succeeds, so the event ends in %swap.
//   - %crash-twice: crashes the same way, and so does its %crud retry, so
//     the event ends in %bail.
//   - %loop: loops forever without allocating, for %alrm and %intr; a %crud
//     retry of it succeeds.
//   - %meme: builds an ever longer list, for %meme; a %crud retry of it
//     succeeds.
//   - %slog: emits the %slog hint [0 [%leaf "crashy: slog"]], then counts.
//   - %crud [goof ovum]: crashes when the crashed ovum's card is
//     %crash-twice, otherwise counts and echoes the %crud ovum. A %crud card
//     of another shape crashes.
//
// Any other card, including an atom, just counts and echoes.
func Crashy() Kernel {
	tag := func(s string) noun.Noun { return noun.Cord(s) }
	// Inside a %crud card [%crud goof ovum], the crashed ovum's card tag.
	crudTag := Peg(Peg(Peg(axCardArg, 3), 3), 2)
	dispatch := If(Is(axCardTag, tag("crash")), crashWith("crashy: %crash card"),
		If(Is(axCardTag, tag("crash-twice")), crashWith("crashy: %crash-twice card"),
			If(Is(axCardTag, tag("loop")), loopForever(),
				If(Is(axCardTag, tag("meme")), allocForever(),
					If(Is(axCardTag, tag("slog")),
						HintClue("slog", Const(noun.Cell(noun.Zero, leaf("crashy: slog"))), echoOvum()),
						If(Is(axCardTag, tag("crud")),
							If(Is(crudTag, tag("crash-twice")), crashWith("crashy: %crud of %crash-twice"), echoOvum()),
							echoOvum()))))))
	poke := If(Deep(Slot(axCard)), dispatch, echoOvum())
	return Kernel{
		Name:    "crashy",
		Battery: battery(mookWish(), peekState(axState), GateArm(poke)),
		State:   noun.Zero,
	}
}

// crashWith crashes with msg as a %lose trace frame, which the serf renders
// as [%leaf msg] in its %flog (the goof's tang is what mookWish makes of
// the frame: ~).
func crashWith(msg string) noun.Noun {
	return HintClue("lose", Const(noun.Cord(msg)), Crash())
}

// loopForever is *[[L 0] L] with L = [2 [0 1] [0 2]]: a tail call to itself
// that never allocates.
func loopForever() noun.Noun {
	l := Eval(Slot(1), Slot(2))
	return Compose(Const(noun.Cell(l, noun.Zero)), l)
}

// allocForever runs a core whose arm calls itself with one more cell in its
// sample, forever.
func allocForever() noun.Noun {
	grow := Kick(2, Cons(Slot(2), Cons(Const(noun.Zero), Slot(3))))
	return Compose(Const(noun.Cell(grow, noun.Zero)), Kick(2, Slot(1)))
}

// leaf returns the tank [%leaf tape] of s.
func leaf(s string) noun.Noun { return noun.Cell(noun.Cord("leaf"), noun.Tape(s)) }
