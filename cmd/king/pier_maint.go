package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/pier"
)

// maintCommands are `king pack`, `king meld` and `king cram`: start the
// pier's serf, bring it up to date, send the writ, snapshot, stop.
func maintCommands() []*cli.Command {
	return []*cli.Command{
		maintCommand("pack", "compact the serf's state ([%live %pack ~])",
			func(c *cli.Context, dir string, opts pier.MaintOptions) (string, error) {
				return "packed", pier.Pack(c.Context, dir, opts)
			}),
		maintCommand("meld", "deduplicate the serf's state ([%live %meld ~])",
			func(c *cli.Context, dir string, opts pier.MaintOptions) (string, error) {
				return "melded", pier.Meld(c.Context, dir, opts)
			}),
		maintCommand("cram", "write the serf's portable state for its last event to .urb/roc/<eve>.jam",
			func(c *cli.Context, dir string, opts pier.MaintOptions) (string, error) {
				eve, path, err := pier.Cram(c.Context, dir, opts)
				return fmt.Sprintf("crammed event %d to %s", eve, path), err
			}),
	}
}

// maintCommand builds one maintenance command running do.
func maintCommand(name, usage string, do func(*cli.Context, string, pier.MaintOptions) (string, error)) *cli.Command {
	return &cli.Command{
		Name:      name,
		Usage:     usage,
		ArgsUsage: "<pier>",
		Description: "Takes the pier's lock (refused while a king runs it), starts its serf, replays\n" +
			"the events its snapshot lacks, sends the request, snapshots and stops.",
		Flags:        []cli.Flag{serfFlag(), logLevelFlag()},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			dir, err := pierArg(c)
			if err != nil {
				return err
			}
			logger, err := commandLogger(c)
			if err != nil {
				return err
			}
			defer func() { _ = logger.Sync() }()
			if err := checkPierDir(dir); err != nil {
				return err
			}
			ctx, stop := signalContext(c.Context)
			defer stop()
			c.Context = ctx
			progress := newReplayProgress(logger, "replay")
			opts := pier.MaintOptions{Serf: serfConfig(c, logger), Logger: logger,
				Progress: progress.report}
			msg, err := do(c, dir, opts)
			progress.done()
			if err != nil {
				return explain(err)
			}
			_, err = fmt.Fprintf(c.App.Writer, "pier %s: %s\n", dir, msg)
			return err
		},
	}
}
