package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/kingserf/king/king/drivers/dill"
	"github.com/kingserf/king/noun"
)

// conCommand is `king con <pier>`.
func conCommand() *cli.Command {
	return &cli.Command{
		Name:      "con",
		Usage:     "attach this terminal to a running pier (one started with --daemon)",
		ArgsUsage: "<pier>",
		Description: "Keys typed go to the pier's terminal session as %belt events, and the\n" +
			"kernel's screen output and %slog lines come back. ^C is sent to the kernel and\n" +
			"also interrupts the event being computed; ^D detaches, leaving the pier running.",
		Flags:        []cli.Flag{timeoutFlag("give up connecting after `D`"), logLevelFlag()},
		OnUsageError: usageError,
		Action:       conAction,
	}
}

// conAction runs `king con`.
func conAction(c *cli.Context) error {
	dir, _, err := clientArgs(c, 1, 1)
	if err != nil {
		return err
	}
	// While the terminal is raw, a log going to it is printed above the
	// prompt line (without colours: the renderer does not pass escape
	// sequences on), as in `king run`.
	stderr := errWriter(c)
	sink := newSwitchWriter(stderr)
	logAbove := dill.IsTerminal(os.Stdin) && writesToTerminal(stderr)
	logger, err := buildLogger(sink, c.String(logLevelFlagName), writesToTerminal(stderr), !logAbove && writesToTerminal(stderr))
	if err != nil {
		return err
	}
	dctx, dcancel := commandContext(c)
	cl, err := dialPier(dctx, dir)
	if err != nil {
		dcancel()
		return err
	}
	defer cl.Close()
	msgs, err := cl.Dill(dctx)
	dcancel()
	if err != nil {
		return clientError(dctx, err)
	}

	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	in, out := os.Stdin, os.Stdout
	if dill.IsTerminal(in) {
		restore, err := dill.MakeRaw(in)
		if err != nil {
			return err
		}
		// Every way out of this function restores the terminal; signals
		// that would kill the process are turned into a return.
		defer restore()
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	defer signal.Stop(sigs)

	term, err := dill.New(dill.Options{
		In:  in,
		Out: out,
		Inject: func(ctx context.Context, ov noun.Noun) error {
			_, err := cl.PokeAsync(ctx, ov)
			return err
		},
		Interrupt: func() {
			ictx, icancel := context.WithTimeout(ctx, 5*time.Second)
			defer icancel()
			if err := cl.Interrupt(ictx); err != nil {
				logger.Warn("could not interrupt the serf", zap.Error(err))
			}
		},
		Size:   dill.SizeOf(out),
		Logger: logger,
	})
	if err != nil {
		return err
	}
	if logAbove {
		sink.Set(term.LogWriter())
		defer sink.Set(stderr)
	}
	stopResize := dill.WatchResize(func() {
		if err := term.Resize(ctx); err != nil {
			logger.Debug("resize", zap.Error(err))
		}
	})
	defer stopResize()

	// The screen: blits and slogs from the king, until the connection
	// ends.
	streamDone := make(chan struct{})
	go func() {
		defer close(streamDone)
		for m := range msgs {
			switch m.Tag {
			case "blit":
				if err := term.Renderer().RenderNoun(m.Blits); err != nil && !errors.Is(err, dill.ErrOutputClosed) {
					logger.Warn("cannot draw", zap.Error(err))
				}
			case "slog":
				term.Slog(m.Pri, m.Tank)
			}
		}
	}()
	// The keyboard. Its goroutine may stay blocked in a read of the
	// terminal when the connection ends first; the process exits then.
	runDone := make(chan error, 1)
	go func() { runDone <- term.Run(ctx) }()

	select {
	case err := <-runDone:
		closeTerminal(term)
		if err != nil && !errors.Is(err, context.Canceled) {
			return clientError(ctx, err)
		}
		return nil
	case <-streamDone:
		closeTerminal(term)
		return fmt.Errorf("the connection to the king closed (the pier stopped?): %w", cl.Err())
	case sig := <-sigs:
		closeTerminal(term)
		return fmt.Errorf("stopped by %v", sig)
	}
}

// closeTerminal leaves the screen on a fresh line and waits, briefly, for
// the terminal to take what was drawn before its mode is restored.
func closeTerminal(term *dill.Terminal) {
	ctx, cancel := context.WithTimeout(context.Background(), dill.DrainTimeout)
	defer cancel()
	_ = term.Close(ctx)
}
