// Package nock is the serf's Nock 4K interpreter, with the hints, crash
// reporting and kernel entry points (boot, poke, peek, wish) of Urbit's
// runtime (shared/spec/PROTOCOL.md §3.4).
//
// # Evaluation
//
// Evaluation never recurses in Go. An Interpreter keeps an explicit stack of
// continuation frames: a formula that needs the product of a sub-formula
// pushes a frame saying what to do with that product, evaluates the
// sub-formula, and the frame is popped when the product arrives. Opcodes 2,
// 6, 7, 8, 9 and the body of a hint that needs no bookkeeping replace the
// current subject and formula instead of pushing, so loops written as tail
// calls run in constant stack (a trace, %memo or %bout hint keeps a frame
// while its body runs, as in Urbit's runtime). Deep non-tail recursion only grows the frame
// stack, whose size is charged to the memory budget (%meme), so the Go runtime
// never sees it.
//
// Small argument formulas (slots, constants, increments, equality and cell
// tests, small tuples and edits, nested at most three deep) are evaluated
// directly without frames (quick.go); they are most of the formulas in
// compiled code. They run from a compiled form (quickcode.go), and the tail
// calls whose first operand is small (if-then-else, gate calls, pushes,
// compositions) skip decoding too (tail.go): both are kept in a cache keyed
// by the formula cell's identity (quickcache.go). These are only faster ways
// to take the same steps; whatever they cannot finish, including every
// crash, goes to the general path. A Nock step is one formula evaluated,
// whichever path takes it; Interpreter.Steps counts them.
//
// Direct atoms (anything that fits in 64 bits) are handled by value: the hot
// path allocates only the cells the computation builds (autocons, opcode 8,
// the spine of an opcode 10 edit) and the bigger atoms opcode 4 makes.
//
// # Crashes
//
// A crash is returned as a *Crash error value, never as a Go panic: Mote is
// "exit" (deterministic: slot into an atom, increment of a cell, a bad
// formula, ...), "intr" (Config.Interrupt was raised or the context was
// cancelled), "alrm" (the context's deadline passed or Config.StepLimit was
// reached), "meme" (Config.MemoryBudget was exceeded) or "fail" (an internal
// error, which would be a bug). Crash.Goof gives a goof noun [mote tang]
// with the interpreter's own rendering of the trace; the serf instead
// renders Crash.Frames with the kernel's +mook, as Urbit's serf does, and
// uses this rendering only where no +mook is at hand.
//
// # Hints
//
// [11 b c] (static) and [11 [b c] d] (dynamic, whose clue c is evaluated
// first; a crash in the clue is a crash) are handled by tag:
//
//   - %slog (dynamic): the clue is [pri tank]; Config.Slog receives it. A clue
//     of another shape is ignored.
//   - %memo (static or dynamic): the body's product is cached, keyed by the
//     pair [subject body-formula] compared structurally (see memo.go for the
//     eviction policy). Config.CacheSize bounds the entries; 0 disables it.
//   - %spot, %mean, %hunk, %lose (dynamic): the clue is kept as a trace frame
//     while the body runs; if the computation crashes, the trace frames still
//     on the stack become Crash.Frames and are rendered, outermost first,
//     into Crash.Trace: %spot renders as
//     the leaf "/a/b:<[1 2].[3 4]>", %lose and cord %mean clues as leaves,
//     %hunk and tank %mean clues as themselves, and a %mean trap (a core) is
//     run for its tank, left out if it crashes (see Crash).
//   - %bout (static or dynamic): the body is timed and the time reported to
//     Config.Slog as a leaf tank "took 1.234ms" (prefixed with the clue when
//     the clue is a cord).
//   - %fast and every other tag: the clue is evaluated and ignored; the body
//     runs in tail position.
//
// An Interpreter runs one computation at a time and is not safe for
// concurrent use; the %memo cache it owns persists across computations (a
// Nock result depends only on subject and formula, so this is sound).
package nock
