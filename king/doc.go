// Package king is the king's side of the king/serf protocol
// (shared/spec/PROTOCOL.md §2–3): a Serf owns one serf process and offers
// each flow of the protocol as a method, named after the seed's flows —
// Start, Stop, Snapshot, Compact (and Meld, Cram), Scry (and Peek), Boot,
// Replay, Swim, Run and SendSIGINT, one file each.
//
// The package talks to the serf only through its process and package ipc,
// never by importing package serf, so it works with any serf binary that
// speaks protocol version 1: ours (`king serf`) or a reference one.
//
// # Shape
//
// Like hashicorp/go-plugin's Client, a Serf owns its subprocess: Start
// spawns it and waits for the %ripe handshake (with a timeout), stderr is
// read line by line, and Done and ExitErr report its end. Three goroutines
// serve each serf: the process goroutine spawns it (from a locked OS
// thread, so that Pdeathsig is tied to a thread that lives exactly as long
// as the child; see golang/go#27505) and reaps it; the plea reader hands
// %slog and %flog to callbacks and every other plea, in order, to the flow
// waiting for it; the stderr reader keeps the last lines for errors.
//
// # The state lock
//
// The serf's last event and mug live under one lock, which every flow
// holds from its first writ to its last reply, so writs and replies of
// different flows never interleave. LastEvent waits for it.
//
// A flow that fails half-way — the stream breaks, a plea does not decode,
// or it is not the reply the flow expects — leaves the serf in a state the
// king cannot know, so the serf is SIGKILLed and reaped and every later
// call returns ErrSerfNotRunning. Answers that are part of the protocol
// (a bail, a crashed peek) are errors of the call only; the serf goes on.
//
// Run holds the lock only while it has work in flight, not for its whole
// life, so that Snapshot, Scry or LastEvent from other goroutines get
// their turn whenever the serf is idle.
//
// # Contexts
//
// A context is checked while waiting for the lock and between writs.
// Once a writ is sent its reply is owed: if the context ends while waiting
// for it, the flow waits up to Config.ExitTimeout more, then kills the
// serf, since a reply left unread would be taken for the next flow's.
package king
