package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/kingserf/king/king/pier"
)

// maxPillBytes bounds the pill file read into memory: Urbit's largest
// pills are tens of megabytes.
const maxPillBytes = 1 << 30

// newCommand is `king new <pier> --pill FILE [--fake SHIP]`.
func newCommand() *cli.Command {
	return &cli.Command{
		Name:      "new",
		Usage:     "make a new pier from a pill and boot it",
		ArgsUsage: "<pier>",
		Description: "Writes the ship's identity and boot sequence to a new event log in <pier> (which\n" +
			"must not exist, or be an empty directory), boots a serf from the log, has it\n" +
			"snapshot and stops. On failure nothing is left behind.\n\n" +
			"FILE is the jam of [%pill name boot-formulas kernel-ova userspace-ova] (an\n" +
			"Urbit pill; boots a fake ship only, so --fake is required) or the jam of a bare\n" +
			"boot list, as testdata/kernels/*.pill are (logged as it is).\n\n" +
			"SHIP is a @p (~zod, ~sampel-palnet) or a decimal number (0 is ~zod).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "pill", Required: true, Usage: "boot from the pill in `FILE`"},
			&cli.StringFlag{Name: "fake", Usage: "boot the fake (development) ship `SHIP` (a @p such as ~zod, or a number)"},
			serfFlag(),
			logLevelFlag(),
		},
		OnUsageError: usageError,
		Action:       newAction,
	}
}

func newAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	logger, err := commandLogger(c)
	if err != nil {
		return err
	}
	defer func() { _ = logger.Sync() }()
	opts := pier.NewOptions{Serf: serfConfig(c, logger)}
	if c.IsSet("fake") {
		if opts.Who, err = parseShip(c.String("fake")); err != nil {
			return fmt.Errorf("--fake: %w", err)
		}
		opts.Fake = true
	}
	pill, err := readPill(c.String("pill"))
	if err != nil {
		return err
	}
	if !pill.Bare && !opts.Fake {
		return fmt.Errorf("%s is an Urbit %%pill, which boots a fake ship only: give --fake SHIP", c.String("pill"))
	}
	ctx, stop := signalContext(c.Context)
	defer stop()
	progress := newReplayProgress(logger, "boot")
	opts.Progress = progress.report
	opts.Logger = logger
	rep, err := pier.New(ctx, dir, pill, opts)
	progress.done()
	if errors.Is(err, pier.ErrPierExists) {
		return fmt.Errorf("cannot make a pier at %s: %w (it must not exist, or be an empty directory)", dir, err)
	}
	if err != nil {
		return fmt.Errorf("new pier %s: %w", dir, err)
	}
	logger.Info("pier created", zap.String("pier", dir), zap.String("who", shipString(rep.Who)),
		zap.Bool("fake", rep.Fake), zap.Uint64("life", rep.Life), zap.Uint64("events", rep.Events),
		zap.String("mug", fmt.Sprintf("0x%08x", rep.Mug)))
	_, err = fmt.Fprintf(c.App.Writer, "pier %s booted: ship %s (fake: %t), %d boot formulas, %d events, mug 0x%08x\n",
		dir, shipString(rep.Who), rep.Fake, rep.Life, rep.Events, rep.Mug)
	return err
}

// readPill reads and parses a pill file, refusing one too large to be a
// pill before reading it.
func readPill(path string) (pier.Pill, error) {
	f, err := os.Open(path)
	if err != nil {
		return pier.Pill{}, fmt.Errorf("pill: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return pier.Pill{}, fmt.Errorf("pill: %w", err)
	}
	if !st.Mode().IsRegular() {
		return pier.Pill{}, fmt.Errorf("pill %s: not a regular file", path)
	}
	if st.Size() > maxPillBytes {
		return pier.Pill{}, fmt.Errorf("pill %s: %d bytes, more than the %d a pill may have", path, st.Size(), maxPillBytes)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPillBytes+1))
	if err != nil {
		return pier.Pill{}, fmt.Errorf("pill %s: %w", path, err)
	}
	p, err := pier.LoadPill(b)
	if err != nil {
		return pier.Pill{}, fmt.Errorf("pill %s: %w", path, err)
	}
	return p, nil
}
