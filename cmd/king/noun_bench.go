package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/noun/corpus"
)

// maxEvents bounds --count so a typo cannot exhaust memory.
const maxEvents = 1 << 24

// benchRuns is how many times `king noun bench` times each operation; it
// reports the best run.
const benchRuns = 5

// nounBenchCommand is `king noun bench FILE.jam…`.
func nounBenchCommand() *cli.Command {
	return &cli.Command{
		Name:      "bench",
		Usage:     "time cue, jam and mug of jam files (best of 5)",
		ArgsUsage: "FILE.jam...",
		Description: "For each file prints one line:\n" +
			"  FILE bytes=N cells=N cue=X MB/s jam=Y MB/s mug=Z ns/cell rejam=ok\n" +
			"Every jam and mug runs on a freshly decoded noun, so no mug is cached.\n" +
			"rejam=DIFF (and exit status 1) means jam(cue(FILE)) is not FILE.",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return errors.New("noun bench: no files given")
			}
			differ := 0
			for _, path := range c.Args().Slice() {
				r, err := benchFile(path)
				if err != nil {
					return fmt.Errorf("noun bench: %s: %w", path, err)
				}
				verdict := "ok"
				if !r.rejamOK {
					verdict = "DIFF"
					differ++
				}
				mb := float64(r.bytes) / 1e6
				if _, err := fmt.Fprintf(c.App.Writer, "%s bytes=%d cells=%d cue=%.1f MB/s jam=%.1f MB/s mug=%.1f ns/cell rejam=%s\n",
					path, r.bytes, r.cells, mb/r.cue.Seconds(), mb/r.jam.Seconds(),
					float64(r.mug.Nanoseconds())/float64(max(r.cells, 1)), verdict); err != nil {
					return err
				}
			}
			if differ > 0 {
				return fmt.Errorf("noun bench: re-jam differs from the input for %d file(s)", differ)
			}
			return nil
		},
	}
}

// benchResult holds the best times for one file.
type benchResult struct {
	bytes, cells  int
	cue, jam, mug time.Duration
	rejamOK       bool
}

// benchFile cues, jams and mugs the jam in path benchRuns times each and
// keeps the best time of each. Jam and mug each get a noun cued just
// before, untimed, so their caches are cold.
func benchFile(path string) (benchResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return benchResult{}, err
	}
	n, err := noun.Cue(data)
	if err != nil {
		return benchResult{}, err
	}
	r := benchResult{bytes: len(data), cells: countJamCells(data)}
	r.rejamOK = bytes.Equal(noun.Jam(n), data)
	for i := 0; i < benchRuns; i++ {
		runtime.GC()
		start := time.Now()
		if _, err := noun.Cue(data); err != nil {
			return benchResult{}, err
		}
		r.cue = best(r.cue, time.Since(start))

		fresh, _ := noun.Cue(data)
		runtime.GC()
		start = time.Now()
		noun.Jam(fresh)
		r.jam = best(r.jam, time.Since(start))

		fresh, _ = noun.Cue(data)
		runtime.GC()
		start = time.Now()
		noun.Mug(fresh)
		r.mug = best(r.mug, time.Since(start))
	}
	return r, nil
}

func best(cur, d time.Duration) time.Duration {
	if cur == 0 || d < cur {
		return max(d, time.Nanosecond)
	}
	return cur
}

// countJamCells counts the cells written in full in a jam stream that Cue
// has accepted: the distinct cells of the noun, which is what Cue
// allocates and Mug hashes.
func countJamCells(b []byte) int {
	nbits := uint64(len(b)) * 8
	bit := func(i uint64) uint64 {
		if i >= nbits {
			return 0
		}
		return uint64(b[i/8] >> (i % 8) & 1)
	}
	// skipMat returns the offset just past the mat at pos.
	skipMat := func(pos uint64) uint64 {
		c := uint64(0)
		for pos+c < nbits && bit(pos+c) == 0 {
			c++
		}
		if c == 0 {
			return pos + 1
		}
		var ln uint64
		for i := uint64(0); i < c-1; i++ {
			ln |= bit(pos+c+1+i) << i
		}
		ln |= 1 << (c - 1)
		return pos + 2*c + ln
	}
	cells := 0
	pos, todo := uint64(0), 1
	for todo > 0 && pos < nbits {
		todo--
		switch {
		case bit(pos) == 0:
			pos = skipMat(pos + 1)
		case bit(pos+1) == 0:
			cells++
			todo += 2
			pos += 2
		default:
			pos = skipMat(pos + 2)
		}
	}
	return cells
}

// nounCorpusCommand is `king noun corpus`.
func nounCorpusCommand() *cli.Command {
	return &cli.Command{
		Name:  "corpus",
		Usage: "write a deterministic benchmark noun as a jam file",
		Description: "Kinds: mixed (a compiled-kernel-like noun, ~3 MB), cells (over a\n" +
			"million distinct cells, ~5 MB), events (a list of small [now [wire card]]\n" +
			"events). The same kind and seed always give the same bytes.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kind", Usage: "mixed, cells or events", Required: true},
			&cli.Int64Flag{Name: "seed", Usage: "generator seed", Value: 1},
			&cli.IntFlag{Name: "count", Usage: "number of events (kind events)", Value: corpus.DefaultEvents},
			&cli.StringFlag{Name: "out", Usage: "write to `FILE` instead of standard output"},
		},
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			seed := c.Int64("seed")
			var n noun.Noun
			switch kind := c.String("kind"); kind {
			case "mixed":
				n = corpus.Mixed(seed)
			case "cells":
				n = corpus.Cells(seed)
			case "events":
				count := c.Int("count")
				if count < 0 || count > maxEvents {
					return fmt.Errorf("noun corpus: --count %d out of range", count)
				}
				n = corpus.List(corpus.Events(seed, count))
			default:
				return fmt.Errorf("noun corpus: unknown kind %q (want mixed, cells or events)", kind)
			}
			data := noun.Jam(n)
			if out := c.String("out"); out != "" {
				if err := os.WriteFile(out, data, 0o644); err != nil {
					return fmt.Errorf("noun corpus: %w", err)
				}
				return nil
			}
			_, err := c.App.Writer.Write(data)
			return err
		},
	}
}
