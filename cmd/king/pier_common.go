package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/noun/patp"
)

// Exit statuses of the pier commands besides 0 (success) and 1 (error).
const (
	// exitMismatch is `king replay`'s status when some mug did not match.
	exitMismatch = 2
	// exitLocked is the status of a command refused because another king
	// runs the pier.
	exitLocked = 3
)

// serfFlag is the --serf flag of the commands that start a serf.
func serfFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "serf",
		Usage: "run the serf binary at `PATH` (any serf speaking protocol version 1, such as urbit-worker) instead of `king serf`",
	}
}

// commandPath is the command as typed after `king`, such as "log verify"
// (cli.Command.FullName gives only "verify" for a subcommand).
func commandPath(c *cli.Context) string {
	var names []string
	for _, x := range c.Lineage() {
		if x.Command != nil && x.Command.Name != "" && x.Command.Name != x.App.Name {
			names = append([]string{x.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}

// pierArg returns the command's one positional argument, the pier
// directory, or a usage error.
func pierArg(c *cli.Context) (string, error) {
	switch c.NArg() {
	case 0:
		return "", fmt.Errorf("missing <pier> argument (see `king %s --help`)", commandPath(c))
	case 1:
	default:
		return "", fmt.Errorf("want one <pier> argument, got %d: %q (see `king %s --help`)",
			c.NArg(), c.Args().Slice(), commandPath(c))
	}
	dir := c.Args().First()
	if dir == "" {
		return "", errors.New("the <pier> argument is empty")
	}
	return filepath.Clean(dir), nil
}

// serfConfig is the serf configuration from the command's --serf flag.
func serfConfig(c *cli.Context, logger *zap.Logger) king.Config {
	return king.Config{SerfPath: c.String("serf"), Logger: logger.Named("serf")}
}

// signalContext is ctx ended by SIGINT or SIGTERM, for commands whose
// work (a replay, a boot) ^C should interrupt.
func signalContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// explain turns the pier library's errors into what an operator should
// read, with the exit status that goes with them.
func explain(err error) error {
	if err == nil {
		return nil
	}
	var locked *pier.LockedError
	if errors.As(err, &locked) {
		if locked.Pid > 0 {
			return cli.Exit(fmt.Sprintf("pier %s is running: it is in use by king pid %d", locked.Pier, locked.Pid), exitLocked)
		}
		return cli.Exit(fmt.Sprintf("pier %s is running: it is in use by another king (pid unknown)", locked.Pier), exitLocked)
	}
	return err
}

// checkPierDir returns a clear error unless dir is a pier: a directory
// holding an event log.
func checkPierDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no pier at %s: it does not exist", dir)
	case err != nil:
		return fmt.Errorf("pier %s: %w", dir, err)
	case !st.IsDir():
		return fmt.Errorf("no pier at %s: it is not a directory", dir)
	}
	logFile := filepath.Join(pier.Layout{Dir: dir}.Log(), eventlog.FileName)
	if _, err := os.Stat(logFile); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no pier at %s: it has no event log (%s)", dir, logFile)
	} else if err != nil {
		return fmt.Errorf("pier %s: %w", dir, err)
	}
	return nil
}

// openLogReadOnly opens a pier's event log for reading. A pier another
// king runs holds the log's exclusive lock: the lock is tried once, so the
// command answers at once with the running king's pid instead of waiting.
func openLogReadOnly(dir string) (*eventlog.Log, error) {
	if err := checkPierDir(dir); err != nil {
		return nil, err
	}
	lg, err := eventlog.Open(pier.Layout{Dir: dir}.Log(), eventlog.Options{ReadOnly: true, LockTimeout: -1})
	if errors.Is(err, eventlog.ErrLocked) {
		return nil, explain(&pier.LockedError{Pier: dir, Pid: pier.ReadLockPid(dir)})
	}
	if err != nil {
		return nil, fmt.Errorf("pier %s: %w", dir, err)
	}
	return lg, nil
}

// parseShip reads a ship as operators write it: a @p such as ~zod or
// zod, ~marzod or ~sampel-palnet, or its number in decimal (0 is ~zod).
func parseShip(s string) (noun.Noun, error) {
	if s == "" {
		return noun.Zero, errors.New("empty ship")
	}
	if s[0] < '0' || s[0] > '9' {
		n, err := patp.Parse(s)
		if err != nil {
			return noun.Zero, fmt.Errorf("ship %q: want a @p such as ~zod or ~sampel-palnet, or a decimal number: %w", s, err)
		}
		return n, nil
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return noun.Zero, fmt.Errorf("ship %q: want a @p such as ~zod or ~sampel-palnet, or a decimal number", s)
		}
	}
	if v, err := strconv.ParseUint(s, 10, 64); err == nil {
		return noun.Atom(v), nil
	}
	n, err := noun.Parse(s)
	if err != nil || n.BitLen() > 128 || (len(s) > 1 && s[0] == '0') {
		return noun.Zero, fmt.Errorf("ship %q: want a decimal number below 2^128 without leading zeros", s)
	}
	return n, nil
}

// shipString shows a ship as its @p, or in decimal if it is not one (a
// cell or an atom over 128 bits, which a damaged log could hold).
func shipString(who noun.Noun) string {
	if p, err := patp.Format(who); err == nil {
		return p
	}
	return noun.Raw(who)
}

// probeRunning returns the running-king error at once if another king
// holds the pier's log, so that commands whose library call would wait
// for the log's lock (Info, Replay) answer without waiting.
func probeRunning(dir string) error {
	lg, err := openLogReadOnly(dir)
	if err != nil {
		return err
	}
	return lg.Close()
}
