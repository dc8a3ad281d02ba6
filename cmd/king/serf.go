package main

import (
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/kingserf/king/serf"
)

// serfCommand is `king serf <pier> <key> <flags> <cache-size> <rock-event>`:
// the serf process a king spawns (see package serf).
func serfCommand() *cli.Command {
	return &cli.Command{
		Name:      "serf",
		Usage:     "run the serf on stdin/stdout (a king spawns this)",
		ArgsUsage: "<pier> <key> <flags> <cache-size> <rock-event>",
		Description: "Speaks the king/serf protocol (version 1) on stdin and stdout. <key> may be\n" +
			"\"\"; <flags> is a decimal bit set; <rock-event> 0 loads the snapshot, N > 0\n" +
			"loads .urb/roc/N.jam. Legacy framing unless " + serf.FramingEnv + "=newt.\n" +
			"An event that grows the heap past GOMEMLIMIT (default: half the machine's\n" +
			"memory, at most 2 GiB) fails with %meme.\n" +
			"Exit status 1 on bad input (a missing rock included), 3 when the snapshot,\n" +
			"or a rock that exists, is unusable.",
		// Every argument is positional: a <flags> or <key> that looks like
		// an option must not be taken for one.
		SkipFlagParsing: true,
		Action:          serfAction,
	}
}

// serfGCPercent is the serf process's GOGC.
const serfGCPercent = 400

func serfAction(c *cli.Context) error {
	cfg, err := serf.ParseArgs(c.Args().Slice())
	if err != nil {
		return cli.Exit(err, serf.ExitError)
	}
	if cfg.Framing, err = serf.FramingFromEnv(); err != nil {
		return cli.Exit(err, serf.ExitError)
	}
	in, out, err := serf.TakeStdio()
	if err != nil {
		return cli.Exit(err, serf.ExitError)
	}
	cfg.In, cfg.Out = in, out
	if cfg.Flags.Has(serf.Verbose) {
		// One line per entry on stderr, no stack traces.
		lc := zap.NewDevelopmentConfig()
		lc.DisableStacktrace = true
		if log, err := lc.Build(); err == nil {
			cfg.Logger = log
		}
	}

	// The serf's heap is mostly a long-lived kernel plus short-lived cells
	// of each event; collecting less often than Go's default (100) costs
	// memory we have and saves ~10% of Nock time (docs/PERFORMANCE.md).
	debug.SetGCPercent(serfGCPercent)
	// An event that fills memory fails with %meme, as in the reference
	// serf's loom, rather than taking the machine down with it.
	cfg.HeapLimit = serf.DefaultHeapLimit()

	// A king that has gone away must be a write error, not a silent death.
	signal.Ignore(syscall.SIGPIPE)
	// SIGINT interrupts the computation in progress, not the process.
	var intr atomic.Bool
	cfg.Interrupt = &intr
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
				intr.Store(true)
			case <-done:
				return
			}
		}
	}()

	code, err := serf.Run(c.Context, cfg)
	signal.Stop(sigs)
	close(done)
	_ = in.Close()
	_ = out.Close()
	if cfg.Logger != nil {
		_ = cfg.Logger.Sync()
	}
	if err != nil {
		return cli.Exit(err, code)
	}
	if code != 0 {
		// %live %exit with a non-zero status: exit with it, printing
		// nothing (an error returned here would print a line).
		os.Exit(code)
	}
	return nil
}
