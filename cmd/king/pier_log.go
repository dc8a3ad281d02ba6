package main

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// logCommand is `king log`: tools for a pier's event log.
func logCommand() *cli.Command {
	return &cli.Command{
		Name:   "log",
		Usage:  "show, verify or cut a pier's event log",
		Action: groupAction,
		Subcommands: []*cli.Command{
			logShowCommand(),
			logVerifyCommand(),
			logChopCommand(),
		},
	}
}

func logShowCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "print logged events as noun text",
		ArgsUsage: "<pier>",
		Description: "Prints one line per event: its number, the mug logged with it (0x00000000 =\n" +
			"unknown, as for boot events), and the event as Hoon-style noun text: a raw boot\n" +
			"formula, or [now ovum]. Reads the log without taking the pier's lock; a pier\n" +
			"another king is running is reported at once (exit status 3).",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "from", Value: 1, Usage: "first event `N` to print"},
			&cli.Uint64Flag{Name: "to", Usage: "last event `M` to print (default: the last logged)"},
			&cli.BoolFlag{Name: "raw", Usage: "print every atom in decimal and every cell bracketed"},
		},
		OnUsageError: usageError,
		Action:       logShowAction,
	}
}

func logShowAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	from, to := c.Uint64("from"), c.Uint64("to")
	if from == 0 {
		return errors.New("--from must be at least 1 (events are numbered from 1)")
	}
	if c.IsSet("to") && to < from {
		return fmt.Errorf("--to %d is before --from %d", to, from)
	}
	lg, err := openLogReadOnly(dir)
	if err != nil {
		return err
	}
	defer lg.Close()
	last, _ := lg.Last()
	if to == 0 || to > last {
		to = last
	}
	if from > to {
		return nil
	}
	render := noun.String
	if c.Bool("raw") {
		render = noun.Raw
	}
	w := bufio.NewWriter(c.App.Writer)
	for ev, err := range lg.Events(from, to) {
		if err != nil {
			_ = w.Flush()
			return fmt.Errorf("pier %s: %w", dir, err)
		}
		n, err := noun.Cue(ev.Jam)
		if err != nil {
			_ = w.Flush()
			return fmt.Errorf("pier %s: event %d does not cue: %w", dir, ev.Num, err)
		}
		if _, err := fmt.Fprintf(w, "%d\t0x%08x\t%s\n", ev.Num, ev.Mug, render(n)); err != nil {
			return err
		}
	}
	return w.Flush()
}

func logVerifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that every event cues and the numbering has no gap",
		ArgsUsage: "<pier>",
		Description: "Scans the whole log without taking the pier's lock. Exit status 0 if sound, 1\n" +
			"with the first problem (the event number and what is wrong) otherwise, 3 if\n" +
			"another king is running the pier.",
		OnUsageError: usageError,
		Action:       logVerifyAction,
	}
}

func logVerifyAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	ctx, stop := signalContext(c.Context)
	defer stop()
	lg, err := openLogReadOnly(dir)
	if err != nil {
		return err
	}
	defer lg.Close()
	if err := lg.Verify(ctx, nil); err != nil {
		return fmt.Errorf("pier %s: log damaged: %w", dir, err)
	}
	last, mug := lg.Last()
	id := lg.Identity()
	_, err = fmt.Fprintf(c.App.Writer, "log ok: events 1..%d (last mug 0x%08x), %d boot formulas, no gaps, every event cues\n",
		last, mug, id.Life)
	return err
}

func logChopCommand() *cli.Command {
	return &cli.Command{
		Name:      "chop",
		Usage:     "truncate the log after event N",
		ArgsUsage: "<pier>",
		Description: "Removes every event after --after N, durably, in one transaction. It takes the\n" +
			"pier's lock (refused while a king runs the pier) and never cuts into the boot\n" +
			"formulas. A serf snapshot taken after N is then ahead of the log: the next\n" +
			"`king run` moves it aside (never deletes it) and replays the log.",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "after", Required: true, Usage: "keep events up to `N`, remove the rest"},
		},
		OnUsageError: usageError,
		Action:       logChopAction,
	}
}

func logChopAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	after := c.Uint64("after")
	if err := checkPierDir(dir); err != nil {
		return err
	}
	lock, err := pier.AcquireLock(dir)
	if err != nil {
		return explain(err)
	}
	defer lock.Release()
	lg, err := eventlog.Open(pier.Layout{Dir: dir}.Log(), eventlog.Options{LockTimeout: -1})
	if err != nil {
		return fmt.Errorf("pier %s: %w", dir, err)
	}
	defer lg.Close()
	life := lg.Identity().Life
	if after < life {
		return fmt.Errorf("--after %d would cut into the boot formulas (events 1..%d); refusing", after, life)
	}
	last, _ := lg.Last()
	if after >= last {
		_, err := fmt.Fprintf(c.App.Writer, "nothing to cut: the log ends at event %d\n", last)
		return err
	}
	removed, err := lg.Truncate(c.Context, after)
	if err != nil {
		return fmt.Errorf("pier %s: truncate: %w", dir, err)
	}
	if _, err := fmt.Fprintf(c.App.Writer, "cut %d events (%d..%d); the log now ends at event %d\n",
		removed, after+1, last, after); err != nil {
		return err
	}
	if note, ok, err := pier.ReadSnapshotNote(dir); err == nil && ok && note.Event > after {
		_, err = fmt.Fprintf(c.App.Writer, "the serf snapshot (event %d) is now ahead of the log: the next `king run` moves it aside and replays the log\n", note.Event)
		return err
	}
	return lg.Close()
}
