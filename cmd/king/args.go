package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// reorderArgs moves every flag of the command being invoked ahead of its
// positional arguments, so that `king run <pier> --exit` parses as
// `king run --exit <pier>` does.
//
// urfave/cli/v2 parses flags with the standard flag package, which stops at
// the first positional argument: a flag typed after the pier would be
// taken for a second positional. People type flags wherever they like, so
// before app.Run the arguments are rewritten per command:
//
//   - the command path (app, command, subcommands) is followed by name,
//     with each level's own flags left where they are;
//   - at the last command, each flag is moved ahead of the positionals
//     together with its value when it takes one (known from the command's
//     flag definitions: a flag takes a value unless it is boolean; a value
//     given as --flag=value is part of the flag's own argument);
//   - "--" ends the flags: it and everything after it stay at the end, in
//     order, so a positional that looks like a flag can still be given;
//   - a command with SkipFlagParsing (such as `king serf`, whose arguments
//     are all positional) is left untouched;
//   - "-" alone is a positional (the usual name for standard input).
//
// Unknown flags are moved too, as flags without a value, so urfave/cli
// reports them as undefined. The relative order of flags, and of
// positionals, is kept: repeatable flags such as --inject keep their order.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := make([]string, 0, len(args))
	out = append(out, args[0])
	flags := app.Flags
	commands := app.Commands
	rest := args[1:]
	atApp := true
	for {
		// Skip this level's own flags up to the next positional, which
		// names a subcommand if there is one by that name.
		i := 0
		for i < len(rest) {
			a := rest[i]
			if a == "--" || !isFlagArg(a) {
				break
			}
			i += flagArity(flags, a)
		}
		if i > len(rest) {
			i = len(rest)
		}
		out = append(out, rest[:i]...)
		rest = rest[i:]
		if len(rest) == 0 || rest[0] == "--" {
			return append(out, rest...)
		}
		cmd := findCommand(commands, rest[0])
		if cmd == nil {
			if atApp {
				// An unknown command (or `help`) is urfave/cli's to
				// handle; its arguments are not ours to reorder.
				return append(out, rest...)
			}
			// Positionals of a command that also has subcommands.
			return append(out, moveFlagsFirst(flags, rest)...)
		}
		atApp = false
		out = append(out, rest[0])
		rest = rest[1:]
		if cmd.SkipFlagParsing {
			return append(out, rest...)
		}
		if len(cmd.Subcommands) == 0 {
			return append(out, moveFlagsFirst(cmd.Flags, rest)...)
		}
		flags, commands = cmd.Flags, cmd.Subcommands
	}
}

// moveFlagsFirst returns args with the flags (and their values) first and
// the positionals after them, each group in its original order; "--" and
// what follows it go last.
func moveFlagsFirst(flags []cli.Flag, args []string) []string {
	var fl, pos []string
	for i := 0; i < len(args); {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i:]...)
			break
		}
		if !isFlagArg(a) {
			pos = append(pos, a)
			i++
			continue
		}
		n := flagArity(flags, a)
		end := min(i+n, len(args))
		fl = append(fl, args[i:end]...)
		i = end
	}
	return append(fl, pos...)
}

// isFlagArg reports whether a looks like a flag: "-x" or "--x", but not
// "-" or "--".
func isFlagArg(a string) bool {
	return len(a) > 1 && a[0] == '-' && a != "--"
}

// flagArity returns how many arguments the flag a occupies: 2 for a flag
// that takes a value given separately, 1 otherwise (a boolean flag, a
// --flag=value, or an unknown flag).
func flagArity(flags []cli.Flag, a string) int {
	name := strings.TrimLeft(a, "-")
	if strings.Contains(name, "=") {
		return 1
	}
	if name == "help" || name == "h" {
		return 1
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if tv, ok := f.(cli.DocGenerationFlag); ok && tv.TakesValue() {
				return 2
			}
			return 1
		}
	}
	return 1
}

// findCommand returns the command named (or aliased) name, or nil.
func findCommand(commands []*cli.Command, name string) *cli.Command {
	for _, c := range commands {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
