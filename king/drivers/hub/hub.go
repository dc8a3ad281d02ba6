// Package hub wires a running pier to the world: the effect Router, the
// timer driver (behn), the terminal driver (dill) when the king has a
// terminal, and the control socket (package control), which also relays
// the terminal to `king con` clients. It is the entry point `king run`
// uses; each piece can also be used alone.
//
// # Use
//
//	h, err := hub.New(hub.Options{Pier: p, Logger: logger, Version: version,
//		In: os.Stdin, Out: os.Stdout,            // nil In: --daemon, no terminal
//		Born: true,                              // [%born ~] at Start, as vere does
//		OnStop: func(why string) { /* start the pier's graceful shutdown */ }})
//	defer h.Close()                              // on every way out: restores the terminal
//	runOpts.Effects = h.Effects
//	runOpts.Serf.OnSlog = h.Slog
//	// Run the pier; once OnReady has fired (not from inside it):
//	err = h.Start(ctx)
//	// ... the pier runs; OnStop is called for %exit, ^D or a control %exit ...
//	// After Run has returned: h.Close() (the deferred call).
//
// Close must come after Run returns, so that the effects of the events
// drained at shutdown still reach the drivers; it stops the terminal
// (restoring its mode), the control socket and the timer, in that order.
package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/king/drivers/behn"
	"github.com/kingserf/king/king/drivers/dill"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// Options configure a Hub.
type Options struct {
	// Pier is the open pier; required.
	Pier *pier.Pier
	// Logger receives the drivers' lines; nil means zap.NewNop().
	Logger *zap.Logger
	// Version is what the control socket's /v answers.
	Version string
	// In and Out are the operator's terminal; In nil runs without a
	// terminal (--daemon): the terminal is then reachable only through
	// `king con`.
	In, Out *os.File
	// OnStop is called, once, when something asks the pier to stop: the
	// kernel (%exit), the operator (^D on the terminal) or a control
	// client (%exit). It must not block: it should start the shutdown on
	// another goroutine. Nil means these requests are only logged.
	OnStop func(reason string)
	// Born makes the timer driver inject [%born ~] at Start, so the
	// kernel re-sends its pending timer (see package behn).
	Born bool
	// Clock is the timer driver's clock; nil means the real one.
	Clock behn.Clock
}

// Hub is a pier's drivers and control socket.
type Hub struct {
	// Router routes the pier's effects; Behn, Files, Term (nil without
	// a terminal) and Control are the drivers it routes to.
	Router  *drivers.Router
	Behn    *behn.Driver
	Files   *dill.Files
	Term    *dill.Terminal
	Control *control.Server

	p       *pier.Pier
	logger  *zap.Logger
	out     *os.File // the terminal's output, a pollable duplicate of Options.Out
	onStop  func(string)
	stopped sync.Once

	inRestore  func() error // undoes dill.Pollable of the input
	outRestore func() error // undoes dill.Pollable of the output

	mu         sync.Mutex
	started    bool
	closed     bool
	cancel     context.CancelFunc
	rawRestore func() error
	stopResize func()
	wg         sync.WaitGroup // the socket's Serve and the terminal's Run
}

// New builds the drivers and opens the control socket (it serves once
// Start is called). Nothing is injected before Start.
func New(opts Options) (*Hub, error) {
	if opts.Pier == nil {
		return nil, errors.New("hub: Options.Pier is required")
	}
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	h := &Hub{p: opts.Pier, logger: logger, out: opts.Out, onStop: opts.OnStop}
	h.Router = drivers.NewRouter(drivers.RouterOptions{Logger: logger,
		OnExit: func(drivers.Effect) { h.stop("the kernel asked to shut down (%exit)") }})
	var err error
	h.Behn, err = behn.New(behn.Options{StateFile: behn.StatePath(opts.Pier.Dir()), Clock: opts.Clock,
		Logger: logger, Born: opts.Born,
		Inject: func(ctx context.Context, ov noun.Noun) error {
			_, err := opts.Pier.Inject(ctx, ov)
			return err
		}})
	if err != nil {
		return nil, err
	}
	h.Router.Handle(behn.Vane, h.Behn)
	// The files of %sag and %sav are written here, terminal or not.
	h.Files = dill.NewFiles(pier.Layout{Dir: opts.Pier.Dir()}.Put(), logger)
	h.Router.Handle(dill.Vane, h.Files)
	if opts.In != nil {
		if opts.Out == nil {
			return nil, errors.New("hub: Options.Out is required with In")
		}
		in, restore, err := dill.Pollable(opts.In)
		if err != nil {
			return nil, err
		}
		h.inRestore = restore
		// The input's duplicate is non-blocking, a flag shared by every
		// descriptor of the terminal, the output included when it is
		// the same terminal (as stdin and stdout usually are). A write
		// outside Go's poller would then fail with EAGAIN whenever the
		// terminal is slow to drain; the output's pollable duplicate
		// waits instead.
		out, outRestore, err := dill.Pollable(opts.Out)
		if err != nil {
			_ = restore()
			return nil, err
		}
		h.out, h.outRestore = out, outRestore
		h.Term, err = dill.New(dill.Options{In: in, Out: out, Logger: logger,
			Size: dill.SizeOf(out),
			Inject: func(ctx context.Context, ov noun.Noun) error {
				_, err := opts.Pier.InjectAsync(ctx, ov)
				return err
			},
			Interrupt: func() {
				if err := opts.Pier.Interrupt(); err != nil {
					logger.Warn("^C: cannot interrupt the serf", zap.Error(err))
				}
			},
			Detach: func() { h.stop("^D on the terminal") },
		})
		if err != nil {
			_ = restore()
			_ = outRestore()
			return nil, err
		}
		h.Router.Handle(dill.Vane, h.Term)
	}
	h.Control, err = control.Listen(opts.Pier.Dir(), control.Options{Logger: logger, Version: opts.Version,
		Backend: control.PierBackend{Pier: opts.Pier, OnExit: func() { h.stop("a control client asked to shut down (%exit)") }}})
	if err != nil {
		_ = h.restoreFiles()
		_ = h.Behn.Close()
		return nil, err
	}
	h.Router.Handle(dill.Vane, h.Control)
	return h, nil
}

// Effects routes a committed event's effects: pier.RunOptions.Effects.
func (h *Hub) Effects(eve uint64, effects noun.Noun) {
	defer h.restoreOnPanic()
	h.Router.Route(eve, effects)
}

// Slog shows a kernel %slog on the terminal (above the prompt) and to the
// `king con` clients: king.Config.OnSlog. Without a terminal it is logged.
func (h *Hub) Slog(pri uint64, tank noun.Noun) {
	defer h.restoreOnPanic()
	if h.Term != nil {
		h.Term.Slog(pri, tank)
	} else {
		h.logger.Info("slog", zap.Uint64("priority", pri), zap.String("text", dill.SlogText(pri, tank, 120)))
	}
	h.Control.Slog(pri, tank)
}

// Start serves the control socket, re-arms the timer and attaches the
// terminal (raw mode, %blew, %hail, keys). Call it once the pier accepts
// events (after RunOptions.OnReady has fired, not from inside it: the
// timer's %born, if any, waits for its commit). A timer that cannot start
// (its %born bailed, or the pier is already stopping) is logged, not
// returned: the terminal is attached all the same. The error is about the
// terminal, or a Start after Close.
func (h *Hub) Start(ctx context.Context) error {
	h.mu.Lock()
	if h.started || h.closed {
		h.mu.Unlock()
		return errors.New("hub: Start called twice, or after Close")
	}
	h.started = true
	ctx, h.cancel = context.WithCancel(ctx)
	h.wg.Add(1)
	h.mu.Unlock()

	go func() {
		defer h.wg.Done()
		defer h.restoreOnPanic()
		if err := h.Control.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
			h.logger.Warn("control socket", zap.Error(err))
		}
	}()
	if err := h.Behn.Start(ctx); err != nil {
		h.logger.Warn("timer driver: not started cleanly", zap.Error(err))
	}
	if h.Term == nil {
		return nil
	}
	// Raw mode starts under the lock, and only if Close has not begun: a
	// Close that ran during the timer's start must not leave the terminal
	// raw with nobody left to restore it.
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return errors.New("hub: closed while starting")
	}
	restore, err := dill.MakeRaw(h.out)
	if err != nil {
		return fmt.Errorf("hub: %w", err)
	}
	h.rawRestore = restore
	h.stopResize = dill.WatchResize(func() {
		if err := h.Term.Resize(ctx); err != nil {
			h.logger.Debug("resize", zap.Error(err))
		}
	})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer h.restoreOnPanic()
		err := h.Term.Run(ctx)
		switch {
		case err == nil, ctx.Err() != nil:
		case errors.Is(err, pier.ErrShuttingDown), errors.Is(err, pier.ErrNotRunning):
			h.logger.Debug("terminal: the pier is stopping", zap.Error(err))
		default:
			h.logger.Warn("terminal input ended", zap.Error(err))
		}
	}()
	return nil
}

// RestoreTerminal puts the terminal back in the mode it had before Start
// and restores its blocking flag, at once and without waiting for
// anything: for a panic handler or a last-resort exit path, where Close
// (which waits for the drivers) cannot run. Close does the same; both are
// safe to call more than once, from any goroutine.
func (h *Hub) RestoreTerminal() error {
	h.mu.Lock()
	restore := h.rawRestore
	h.mu.Unlock()
	var errs []error
	if restore != nil {
		errs = append(errs, restore())
	}
	errs = append(errs, h.restoreFiles())
	return errors.Join(errs...)
}

// Close detaches the terminal and restores its mode, closes the control
// socket and stops the timer. Call it after the pier's Run has returned,
// on every way out (it is idempotent and safe without Start).
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	cancel, restore, stopResize := h.cancel, h.rawRestore, h.stopResize
	h.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if stopResize != nil {
		stopResize()
	}
	cerr := h.Control.Close()
	h.wg.Wait()
	var errs []error
	if h.Term != nil {
		// What was drawn reaches the terminal before its mode is
		// restored; a terminal that does not read is not waited for
		// long.
		ctx, cancel := context.WithTimeout(context.Background(), dill.DrainTimeout)
		if restore != nil {
			errs = append(errs, h.Term.Close(ctx))
		} else {
			errs = append(errs, h.Term.Output().Close(ctx))
		}
		cancel()
	}
	if restore != nil {
		errs = append(errs, restore())
	}
	errs = append(errs, h.restoreFiles(), cerr, h.Behn.Close())
	return errors.Join(errs...)
}

// restoreFiles undoes dill.Pollable on the terminal's input and output:
// their blocking flag is restored and the duplicates closed. Idempotent.
func (h *Hub) restoreFiles() error {
	var errs []error
	if h.inRestore != nil {
		errs = append(errs, h.inRestore())
	}
	if h.outRestore != nil {
		errs = append(errs, h.outRestore())
	}
	return errors.Join(errs...)
}

// restoreOnPanic, deferred in the goroutines and callbacks the hub runs,
// restores the terminal before a panic goes on to end the process: a
// crash must not leave the operator's terminal raw.
func (h *Hub) restoreOnPanic() {
	if r := recover(); r != nil {
		_ = h.RestoreTerminal()
		panic(r)
	}
}

// stop calls OnStop once.
func (h *Hub) stop(reason string) {
	h.stopped.Do(func() {
		h.logger.Info("stop requested", zap.String("reason", reason))
		if h.onStop != nil {
			h.onStop(reason)
		}
	})
}
