// Package dill is the king's terminal driver (Urbit's dill I/O driver):
// keystrokes in, screen out, for terminal session 1 (PROTOCOL.md §6).
//
// # Input
//
// A Decoder turns the bytes of a raw-mode terminal into belts (printable
// text as %txt, arrows, backspace, delete, return, ctrl and meta keys; see
// Decoder for the exact mapping), and a Terminal injects each as
// [[%d %term '1' ~] [%belt belt]]. At attach it injects the size,
// [%blew cols rows], and a redraw request, [%hail ~]; Resize injects the
// size again (WatchResize calls it on SIGWINCH). ^C is sent as the belt
// [%ctl 'c'] and also calls Options.Interrupt, which should SIGINT the
// serf so that a looping event stops; ^D calls Options.Detach and ends
// Terminal.Run without sending a belt.
//
// # Output
//
// A Renderer draws [%blit (list blit)] effects: both the 2020 blits (%lin
// redraws the prompt line, %mor is a new line, %hop moves to a column,
// %klr draws styled text with ANSI SGR sequences, %clr, %bel, %url, and
// %sag/%sav which write files under <pier>/.urb/put, see PutPath) and the
// later ones (%put, %nel, %wyp, %hop [x y], [%mor blits]). It keeps a copy
// of the prompt line, so PrintAbove (kernel %slog output, runtime
// messages) prints above it and redraws it. The terminal is in raw mode:
// lines end with \r\n, and control characters in the kernel's text are
// shown as U+FFFD rather than sent to the terminal.
//
// A Terminal's drawing goes through an Output, a queue written on a
// goroutine of its own: a terminal that stops reading (a suspended
// emulator, a stalled SSH link) never holds up the pier's release of
// effects. Past OutputLimit bytes queued (1 MiB by default) further
// output is dropped whole; when the terminal reads again it is told how
// much, and the prompt line is redrawn. Terminal.Close waits for the
// queue to drain, at most until its context ends.
//
// # Raw mode
//
// MakeRaw puts a terminal in raw mode and returns an idempotent restore
// function; see its documentation for restoring on every exit path.
//
// # Entry point for `king run`
//
//	restore, err := dill.MakeRaw(os.Stdin)       // unless --daemon
//	defer restore()
//	t, err := dill.New(dill.Options{In: os.Stdin, Out: os.Stdout,
//		Inject:    func(ctx context.Context, ov noun.Noun) error { _, err := p.InjectAsync(ctx, ov); return err },
//		Interrupt: func() { _ = p.Interrupt() },
//		Detach:    func() { /* start the pier's graceful shutdown */ },
//		Size:      dill.SizeOf(os.Stdout)})
//	router.Handle(dill.Vane, t)                  // before Run, so no blit is missed
//	router.Handle(dill.Vane, dill.NewFiles(pier.Layout{Dir: dir}.Put(), logger)) // %sag, %sav
//	// once the pier is ready:
//	stop := dill.WatchResize(func() { _ = t.Resize(ctx) })
//	defer stop()
//	err = t.Run(ctx)                             // until ^D, EOF or ctx
//	// once the pier has stopped: a fresh line, the output drained
//	cctx, cancel := context.WithTimeout(context.Background(), dill.DrainTimeout)
//	_ = t.Close(cctx)
//
// and king.Config.OnSlog = t.Slog to print kernel output above the prompt.
package dill
