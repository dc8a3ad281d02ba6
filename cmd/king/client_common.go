package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/control"
)

// exitNotRunning is the exit status of a client command whose pier no
// king is running.
const exitNotRunning = 4

// defaultClientTimeout bounds a client command unless --timeout says
// otherwise.
const defaultClientTimeout = 30 * time.Second

// clientCommands returns the commands that talk to a running king through
// its control socket, <pier>/.urb/conn.sock (package king/control).
func clientCommands() []*cli.Command {
	return []*cli.Command{peekCommand(), pokeCommand(), statusCommand(), saveCommand(), conCommand()}
}

// timeoutFlag is the --timeout flag of the client commands.
func timeoutFlag(usage string) cli.Flag {
	return &cli.DurationFlag{Name: "timeout", Value: defaultClientTimeout, Usage: usage + "; 0 waits forever"}
}

// clientArgs returns the pier directory, the first of the command's
// positional arguments, and the rest, checking there are at least min and
// at most max of them in all (max < 0: no limit).
func clientArgs(c *cli.Context, min, max int) (string, []string, error) {
	n := c.NArg()
	usage := fmt.Sprintf("(usage: king %s %s)", commandPath(c), c.Command.ArgsUsage)
	switch {
	case n < min:
		return "", nil, fmt.Errorf("want %d argument(s), got %d %s", min, n, usage)
	case max >= 0 && n > max:
		return "", nil, fmt.Errorf("want at most %d argument(s), got %d: %q %s", max, n, c.Args().Slice(), usage)
	}
	dir := c.Args().First()
	if dir == "" {
		return "", nil, errors.New("the <pier> argument is empty")
	}
	return filepath.Clean(dir), c.Args().Tail(), nil
}

// commandContext is the command's context, ended by --timeout (if
// nonzero) and by SIGINT or SIGTERM.
func commandContext(c *cli.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	if d := c.Duration("timeout"); d > 0 {
		tctx, cancel := context.WithTimeout(ctx, d)
		return tctx, func() { cancel(); stop() }
	}
	return ctx, stop
}

// dialPier connects to the king running the pier in dir, with a clear
// error when there is no pier there or no king runs it.
func dialPier(ctx context.Context, dir string) (*control.Client, error) {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no pier at %s: it does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("pier %s: %w", dir, err)
	case !st.IsDir():
		return nil, fmt.Errorf("no pier at %s: it is not a directory", dir)
	}
	cl, err := control.Dial(ctx, dir)
	if errors.Is(err, control.ErrNotRunning) {
		return nil, cli.Exit(fmt.Sprintf("pier %s is not running: no king answers on %s (start it with `king run %s`)",
			dir, control.SocketPath(dir), dir), exitNotRunning)
	}
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("cannot reach the king running pier %s: its control socket %s is not open to this user "+
			"(only the king's own user may use it): %w", dir, control.SocketPath(dir), err)
	}
	if err != nil {
		return nil, clientError(ctx, err)
	}
	return cl, nil
}

// clientError explains a failed request.
func clientError(ctx context.Context, err error) error {
	var bail *control.BailError
	switch {
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return errors.New("timed out waiting for the king (see --timeout)")
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return errors.New("interrupted")
	case errors.As(err, &bail):
		return fmt.Errorf("the king refused the request: %s", bail.Text)
	case errors.Is(err, control.ErrClosed):
		return fmt.Errorf("the king closed the connection (did the pier stop, or does it refuse this user?): %w", err)
	}
	return err
}
