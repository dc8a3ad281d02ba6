package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/noun"
)

// peekCommand is `king peek <pier> PATH`.
func peekCommand() *cli.Command {
	return &cli.Command{
		Name:      "peek",
		Usage:     "scry the kernel of a running pier and print the answer",
		ArgsUsage: "<pier> PATH",
		Description: "PATH is a path such as /x/count (each segment a cord; / alone is the empty\n" +
			"path). Prints the kernel's answer as noun text: ~ for no value, else\n" +
			"[~ mark noun].",
		Flags:        []cli.Flag{timeoutFlag("give up after `D`")},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			dir, rest, err := clientArgs(c, 2, 2)
			if err != nil {
				return err
			}
			path, err := parsePathArg(rest[0])
			if err != nil {
				return err
			}
			return withClient(c, dir, func(ctx context.Context, cl *control.Client) error {
				res, err := cl.Peek(ctx, path)
				if err != nil {
					return err
				}
				fmt.Fprintln(c.App.Writer, unitText(res))
				return nil
			})
		},
	}
}

// pokeCommand is `king poke <pier> NOUN`.
func pokeCommand() *cli.Command {
	return &cli.Command{
		Name:      "poke",
		Usage:     "inject an event into a running pier and wait for its commit",
		ArgsUsage: "<pier> NOUN",
		Description: "NOUN is the event's ovum [wire card] in noun text, such as\n" +
			"'[[%test ~] %poke 7]' (it may be split over several arguments). Prints the\n" +
			"committed event's number and the kernel's mug after it. An event that crashes\n" +
			"is replaced by a %crud event (reported as such); one whose replacement crashes\n" +
			"too is not committed, and its crash reports are printed.",
		Flags:        []cli.Flag{timeoutFlag("give up waiting for the commit after `D` (the event may still be committed)")},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			dir, rest, err := clientArgs(c, 2, -1)
			if err != nil {
				return err
			}
			ovum, err := noun.Parse(strings.Join(rest, " "))
			if err != nil {
				return fmt.Errorf("bad NOUN: %w", err)
			}
			if !ovum.IsCell() {
				return fmt.Errorf("bad NOUN: an event is [wire card], not the atom %s", ovum)
			}
			return withClient(c, dir, func(ctx context.Context, cl *control.Client) error {
				res, err := cl.Poke(ctx, ovum)
				var crash *control.CrashError
				if errors.As(err, &crash) {
					return fmt.Errorf("the event crashed and was not committed:\n%s", goofsText(crash))
				}
				if err != nil {
					return err
				}
				if res.Swapped {
					fmt.Fprintf(c.App.Writer, "event %d committed (the event crashed; its %%crud replacement was committed instead), mug %#08x\n",
						res.Eve, res.Mug)
					return nil
				}
				fmt.Fprintf(c.App.Writer, "event %d committed, mug %#08x\n", res.Eve, res.Mug)
				return nil
			})
		},
	}
}

// statusCommand is `king status <pier>`.
func statusCommand() *cli.Command {
	return &cli.Command{
		Name:         "status",
		Usage:        "print the state of a running pier",
		ArgsUsage:    "<pier>",
		Flags:        []cli.Flag{timeoutFlag("give up after `D`")},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			dir, _, err := clientArgs(c, 1, 1)
			if err != nil {
				return err
			}
			return withClient(c, dir, func(ctx context.Context, cl *control.Client) error {
				who, _, err := cl.Peel(ctx, "who")
				if err != nil {
					return err
				}
				v, _, err := cl.Peel(ctx, "v")
				if err != nil {
					return err
				}
				facts, err := cl.Info(ctx)
				if err != nil {
					return err
				}
				w := c.App.Writer
				fmt.Fprintf(w, "pier: %s\n", dir)
				fmt.Fprintf(w, "ship: %s\n", shipString(who))
				fmt.Fprintf(w, "version: %s\n", string(v.Bytes()))
				for _, f := range facts {
					fmt.Fprintf(w, "%s: %d\n", f.Name, f.Value)
				}
				return nil
			})
		},
	}
}

// saveCommand is `king save <pier>`.
func saveCommand() *cli.Command {
	return &cli.Command{
		Name:         "save",
		Usage:        "have a running pier snapshot its serf now",
		ArgsUsage:    "<pier>",
		Flags:        []cli.Flag{timeoutFlag("give up after `D` (the snapshot may still be taken)")},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			dir, _, err := clientArgs(c, 1, 1)
			if err != nil {
				return err
			}
			return withClient(c, dir, func(ctx context.Context, cl *control.Client) error {
				eve, err := cl.Save(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.App.Writer, "snapshot taken at event %d\n", eve)
				return nil
			})
		},
	}
}

// withClient runs f with a connection to the running king of the pier in
// dir, under the command's context (its --timeout, ^C), closes it, and
// explains f's error (clientError).
func withClient(c *cli.Context, dir string, f func(context.Context, *control.Client) error) error {
	ctx, cancel := commandContext(c)
	defer cancel()
	cl, err := dialPier(ctx, dir)
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := f(ctx, cl); err != nil {
		return clientError(ctx, err)
	}
	return nil
}

// parsePathArg reads a path argument such as /x/count into a path noun.
func parsePathArg(s string) (noun.Noun, error) {
	if !strings.HasPrefix(s, "/") {
		return noun.Zero, fmt.Errorf("bad PATH %q: want a path such as /x/count", s)
	}
	trimmed := strings.Trim(s, "/")
	if trimmed == "" {
		return noun.Zero, nil
	}
	segs := strings.Split(trimmed, "/")
	for _, seg := range segs {
		if seg == "" {
			return noun.Zero, fmt.Errorf("bad PATH %q: empty segment", s)
		}
	}
	return noun.Path(segs...), nil
}

// unitText prints a unit: ~ for none (noun.String prints 0 as "0").
func unitText(u noun.Noun) string {
	if u.IsZero() {
		return "~"
	}
	return noun.String(u)
}

// goofsText renders crash reports, one block per goof.
func goofsText(crash *control.CrashError) string {
	var sb strings.Builder
	for i, g := range crash.Goofs {
		if i > 0 {
			sb.WriteString("\n")
		}
		fmt.Fprintf(&sb, "  %%%s", g.Mote)
		lines, err := noun.RenderTang(g.Tang, 78)
		if err != nil {
			fmt.Fprintf(&sb, " (trace not printable: %v)", err)
			continue
		}
		for _, l := range lines {
			sb.WriteString("\n    " + l)
		}
	}
	return sb.String()
}
