package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// maxInjectBytes bounds an inject file read into memory.
const maxInjectBytes = 1 << 30

// injectSource is one --inject or --inject-list file.
type injectSource struct {
	// list is true for --inject-list (the jam of a list of ova).
	list bool
	path string
}

// injectFlagValue collects --inject and --inject-list files into one
// list in command-line order: both flags share dst, so the events of
// `--inject a --inject-list b --inject c` are injected as a, b's, c.
type injectFlagValue struct {
	list bool
	dst  *[]injectSource
}

// Set implements cli.Generic; it is called once per occurrence.
func (v *injectFlagValue) Set(path string) error {
	if path == "" {
		return errors.New("empty file name")
	}
	*v.dst = append(*v.dst, injectSource{list: v.list, path: path})
	return nil
}

// String implements cli.Generic: the files given so far.
func (v *injectFlagValue) String() string {
	if v == nil || v.dst == nil {
		return ""
	}
	var names []string
	for _, s := range *v.dst {
		if s.list == v.list {
			names = append(names, s.path)
		}
	}
	return strings.Join(names, ",")
}

// injectFlags returns the --inject and --inject-list flags, both filling
// dst.
func injectFlags(dst *[]injectSource) []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{
			Name:  "inject",
			Value: &injectFlagValue{dst: dst},
			Usage: "inject the ovum [wire card] whose jam is in `FILE` once running (repeatable)",
		},
		&cli.GenericFlag{
			Name:  "inject-list",
			Value: &injectFlagValue{list: true, dst: dst},
			Usage: "inject the ova of the list whose jam is in `FILE`, in order, once running (repeatable)",
		},
	}
}

// loadInjects reads every inject file and returns the ova in order. Each
// ovum must be a cell [wire card].
func loadInjects(srcs []injectSource) ([]noun.Noun, error) {
	var ova []noun.Noun
	for _, s := range srcs {
		flag := "--inject"
		if s.list {
			flag = "--inject-list"
		}
		n, err := readJamFile(s.path)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, s.path, err)
		}
		if !s.list {
			if !n.IsCell() {
				return nil, fmt.Errorf("%s %s: not an ovum [wire card]: an atom", flag, s.path)
			}
			ova = append(ova, n)
			continue
		}
		items, err := noun.FromList(n)
		if err != nil {
			return nil, fmt.Errorf("%s %s: not a list of ova: %w", flag, s.path, err)
		}
		for i, o := range items {
			if !o.IsCell() {
				return nil, fmt.Errorf("%s %s: element %d is not an ovum [wire card]: an atom", flag, s.path, i)
			}
		}
		ova = append(ova, items...)
	}
	return ova, nil
}

// readJamFile reads a file holding the jam of a noun and cues it.
func readJamFile(path string) (noun.Noun, error) {
	f, err := os.Open(path)
	if err != nil {
		return noun.Zero, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInjectBytes+1))
	if err != nil {
		return noun.Zero, err
	}
	if len(b) > maxInjectBytes {
		return noun.Zero, fmt.Errorf("more than %d bytes", maxInjectBytes)
	}
	n, err := noun.Cue(b)
	if err != nil {
		return noun.Zero, fmt.Errorf("not a jam: %w", err)
	}
	return n, nil
}

// injectSummary is the outcome of the injected events.
type injectSummary struct {
	total     int
	committed int // done or swapped
	swapped   int
	bailed    int
	failed    int // neither committed nor bailed: the pier stopped, or a commit failed
	firstErr  error
}

// settled reports whether every event was committed or bailed.
func (s injectSummary) settled() bool { return s.failed == 0 }

// runInjects injects ova into p in order and waits for every outcome,
// logging each bail. It stops early if the pier stops taking events.
func runInjects(ctx context.Context, p *pier.Pier, ova []noun.Noun, logger *zap.Logger) injectSummary {
	sum := injectSummary{total: len(ova)}
	tickets := make([]*pier.Ticket, 0, len(ova))
	for i, o := range ova {
		t, err := p.InjectAsync(ctx, o)
		if err != nil {
			sum.failed += len(ova) - i
			sum.firstErr = fmt.Errorf("injecting event %d of %d: %w", i+1, len(ova), err)
			break
		}
		tickets = append(tickets, t)
	}
	for i, t := range tickets {
		res, err := t.Wait(ctx)
		var bail *pier.BailError
		switch {
		case err == nil:
			sum.committed++
			if res.Kind == king.WorkSwap {
				sum.swapped++
			}
		case errors.As(err, &bail):
			sum.bailed++
			logger.Warn("injected event bailed: nothing committed", zap.Int("inject", i+1),
				zap.String("ovum", ovumSummary(ova[i])), zap.String("crash", bail.Error()))
		default:
			sum.failed++
			if sum.firstErr == nil {
				sum.firstErr = fmt.Errorf("injected event %d of %d: %w", i+1, len(ova), err)
			}
		}
	}
	return sum
}
