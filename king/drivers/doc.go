// Package drivers connects a running pier to the world: the effect Router
// here, and the drivers in its subpackages — dill (the terminal) and behn
// (timers). The control socket (package king/control) relays terminal
// traffic to `king con` clients through the same Router.
//
// # Effects and routing
//
// Every committed event's effects are a list of ovums [wire card]
// (PROTOCOL.md §6). Effect wires start with 0 (the empty first element),
// and the second element names the vane: [0 %term '1' ~] is the terminal,
// [0 %behn ~] the timer, [0 %exit ~] and [0 %vega ~] the kernel itself.
// The Router splits the list, names each effect's vane and card tag
// (Effect) and hands it to every driver registered for the vane; a driver
// claims the effect by returning true. Kernel-level effects are the
// Router's own: %exit calls RouterOptions.OnExit (once), %vega is logged.
// An effect nobody claims is never dropped silently: it is logged at Warn
// level the first time its kind (vane and card tag) is seen, and counted
// (Router.Unclaimed) afterwards, so a chatty kernel cannot flood the log.
//
// # Goroutines
//
// Router.Route is meant to be pier.RunOptions.Effects: it runs on the
// pier's release goroutine, after the events' commit, in event order.
// Drivers must not block in HandleEffect; the ones here only write to a
// terminal, reset a timer or queue a frame.
//
// # Entry point for `king run`
//
// Package hub does the wiring: one Router, the drivers registered under
// their vane names (behn.Vane, dill.Vane, and the control server as a
// second dill.Vane driver relaying the terminal to `king con`), Route as
// RunOptions.Effects, and the lifecycle (Start once the pier is ready,
// Close after Run). See the documentation of dill, behn and hub.
package drivers
