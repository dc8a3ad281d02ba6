package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// groupAction is the action of the app and of each command that only
// groups subcommands (`king noun`, `king log`): with no argument it shows
// the help; with one it names the unknown command. Without it urfave/cli
// answers "No help topic for 'x'", as if the operator had asked for help.
func groupAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowSubcommandHelp(c)
	}
	// The root command's name is the app's own.
	path := c.App.Name
	if name := strings.TrimSpace(c.Command.FullName()); name != "" && name != c.App.Name {
		path += " " + name
	}
	return fmt.Errorf("unknown command %q (see `%s --help`)", c.Args().First(), path)
}
