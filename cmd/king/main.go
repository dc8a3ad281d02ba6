// Command king runs and inspects Urbit-style event-sourced piers: it
// supervises a serf process, keeps the durable event log, replays it, and
// offers debugging tools for nouns and logs. `king serf` runs the serf
// itself, so one binary is all a pier needs.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args))
}

// run builds the app and runs it, returning the process exit status.
func run(args []string) int {
	app := newApp()
	if err := app.Run(reorderArgs(app, args)); err != nil {
		fmt.Fprintln(os.Stderr, "king:", err)
		if coder, ok := err.(cli.ExitCoder); ok && coder.ExitCode() != 0 {
			return coder.ExitCode()
		}
		return 1
	}
	return 0
}

func newApp() *cli.App {
	app := &cli.App{
		Name:                 "king",
		Usage:                "run and inspect event-sourced Urbit-style piers",
		Version:              version,
		HideVersion:          true,
		EnableBashCompletion: false,
		// Errors are printed once, as "king: <err>" on stderr, by run:
		// urfave/cli must neither print them nor exit on its own.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Action:         groupAction,
		Commands: []*cli.Command{
			versionCommand(),
			nounCommand(),
			serfCommand(),
			newCommand(),
			runCommand(),
			replayCommand(),
			infoCommand(),
			logCommand(),
		},
	}
	app.Commands = append(app.Commands, maintCommands()...)
	app.Commands = append(app.Commands, clientCommands()...)
	return app
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the king version",
		Action: func(c *cli.Context) error {
			fmt.Fprintln(c.App.Writer, "king", version)
			return nil
		},
	}
}
