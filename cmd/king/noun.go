package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kingserf/king/noun"
	"github.com/urfave/cli/v2"
)

// nounCommand is `king noun`: tools for looking at nouns and their jams.
func nounCommand() *cli.Command {
	return &cli.Command{
		Name:   "noun",
		Usage:  "jam, cue, mug and benchmark nouns",
		Action: groupAction,
		Subcommands: []*cli.Command{
			nounJamCommand(),
			nounCueCommand(),
			nounMugCommand(),
			nounBenchCommand(),
			nounCorpusCommand(),
		},
	}
}

func nounJamCommand() *cli.Command {
	return &cli.Command{
		Name:      "jam",
		Usage:     "print the jam of a noun as lowercase hex",
		ArgsUsage: "[NOUN]",
		Description: "NOUN is Hoon-style text such as '[%live %save 42]'; several arguments are\n" +
			"joined with spaces. Without arguments the noun is read from standard input.",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			n, err := nounInput(c)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(c.App.Writer, hex.EncodeToString(noun.Jam(n)))
			return err
		},
	}
}

func nounCueCommand() *cli.Command {
	return &cli.Command{
		Name:      "cue",
		Usage:     "print the noun whose jam is HEX",
		ArgsUsage: "[HEX]",
		Description: "HEX is the jam's bytes in hex, in the order written (as `king noun jam`\n" +
			"prints them). Without an argument it is read from standard input.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "raw", Usage: "print every atom in decimal and every cell bracketed"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			text, err := argOrStdin(c, "")
			if err != nil {
				return err
			}
			b, err := hex.DecodeString(text)
			if err != nil {
				return fmt.Errorf("input is not hex: %w", err)
			}
			n, err := noun.Cue(b)
			if err != nil {
				return err
			}
			out := noun.String(n)
			if c.Bool("raw") {
				out = noun.Raw(n)
			}
			_, err = fmt.Fprintln(c.App.Writer, out)
			return err
		},
	}
}

func nounMugCommand() *cli.Command {
	return &cli.Command{
		Name:      "mug",
		Usage:     "print the mug (31-bit hash) of a noun",
		ArgsUsage: "[NOUN]",
		Description: "NOUN is Hoon-style text; several arguments are joined with spaces.\n" +
			"Without arguments the noun is read from standard input.",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			n, err := nounInput(c)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.App.Writer, "0x%08x\n", noun.Mug(n))
			return err
		},
	}
}

// errEmptyInput reports an argument or standard input holding only
// whitespace.
var errEmptyInput = errors.New("empty input")

// nounInput parses the command's noun argument, or standard input.
func nounInput(c *cli.Context) (noun.Noun, error) {
	text, err := argOrStdin(c, " ")
	if err != nil {
		return noun.Zero, err
	}
	return noun.Parse(text)
}

// argOrStdin returns the command's arguments joined by sep, or all of
// standard input when there are none, with surrounding whitespace trimmed.
// An empty sep means exactly one argument is allowed.
func argOrStdin(c *cli.Context, sep string) (string, error) {
	args := c.Args().Slice()
	var text string
	switch {
	case len(args) > 1 && sep == "":
		return "", fmt.Errorf("want one argument, got %d", len(args))
	case len(args) > 0:
		text = strings.Join(args, sep)
	default:
		b, err := io.ReadAll(c.App.Reader)
		if err != nil {
			return "", fmt.Errorf("reading standard input: %w", err)
		}
		text = string(b)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", errEmptyInput
	}
	return text, nil
}

// usageError returns a flag error as is, so that `run` prints it as one
// line on stderr instead of urfave/cli printing help on stdout.
func usageError(_ *cli.Context, err error, _ bool) error { return err }
