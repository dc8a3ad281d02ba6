package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/pier"
)

// replayCommand is `king replay <pier>`.
func replayCommand() *cli.Command {
	return &cli.Command{
		Name:      "replay",
		Usage:     "replay a pier's log into a fresh serf and compare mugs",
		ArgsUsage: "<pier>",
		Description: "Replays the event log into a fresh serf in a scratch directory (the pier itself\n" +
			"is not modified unless --in-place), from event 1 or from a copy of the serf's\n" +
			"snapshot (--from-snapshot), up to --to N, in %play batches of --batch events.\n" +
			"Each batch's final mug is compared with the mug logged for its last event\n" +
			"(boot events are logged with mug 0, unknown, and not compared); --batch 1\n" +
			"compares every event.\n\n" +
			"Prints the events replayed, events/s and the final mug, and every mismatch as\n" +
			"\"event N: expected 0x…, got 0x…\". Exit status 0 only if every mug matched, 2\n" +
			"on a mismatch, 1 on an error, 3 if another king is running the pier.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "from-snapshot", Usage: "start from a copy of the pier's snapshot instead of event 1"},
			&cli.Uint64Flag{Name: "to", Usage: "replay up to event `N` (default: the last logged)"},
			&cli.IntFlag{Name: "batch", Usage: "replay `N` events per %play batch (default 500)"},
			&cli.BoolFlag{Name: "in-place", Usage: "replay into the pier itself (takes its lock), leaving the new snapshot there"},
			serfFlag(),
			logLevelFlag(),
		},
		OnUsageError: usageError,
		Action:       replayAction,
	}
}

func replayAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	if c.Int("batch") < 0 {
		return fmt.Errorf("--batch %d: want a positive number of events", c.Int("batch"))
	}
	logger, err := commandLogger(c)
	if err != nil {
		return err
	}
	defer func() { _ = logger.Sync() }()
	if err := probeRunning(dir); err != nil {
		return err
	}
	ctx, stop := signalContext(c.Context)
	defer stop()
	progress := newReplayProgress(logger, "replay")
	rep, err := pier.Replay(ctx, dir, pier.ReplayOptions{
		FromSnapshot: c.Bool("from-snapshot"),
		To:           c.Uint64("to"),
		BatchSize:    c.Int("batch"),
		InPlace:      c.Bool("in-place"),
		Serf:         serfConfig(c, logger),
		Logger:       logger,
		Progress:     progress.report,
	})
	progress.done()
	if err != nil {
		return explain(err)
	}
	w := c.App.Writer
	for _, m := range rep.Mismatches {
		if _, err := fmt.Fprintf(w, "event %d: expected 0x%08x, got 0x%08x\n", m.Eve, m.Want, m.Got); err != nil {
			return err
		}
	}
	span := fmt.Sprintf("(%d..%d)", rep.First, rep.Last)
	if rep.Events == 0 {
		span = fmt.Sprintf("(the serf was already at event %d)", rep.Last)
	}
	if _, err := fmt.Fprintf(w, "replayed %d events %s in %v: %.0f events/s, final mug 0x%08x\n",
		rep.Events, span, rep.Elapsed.Round(time.Millisecond), rep.EventsPerSecond(), rep.FinalMug); err != nil {
		return err
	}
	if n := len(rep.Mismatches); n > 0 {
		return cli.Exit(fmt.Sprintf("%d mug mismatches", n), exitMismatch)
	}
	return nil
}
