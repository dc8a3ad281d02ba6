package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/noun/corpus"
)

// runBenchApp runs `king noun …` with only the bench and corpus commands,
// as newApp wires them, and returns stdout and the error run would print.
func runBenchApp(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &cli.App{
		Name:           "king",
		Writer:         &out,
		ErrWriter:      &errOut,
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		Commands: []*cli.Command{{
			Name:        "noun",
			Subcommands: []*cli.Command{nounBenchCommand(), nounCorpusCommand()},
		}},
	}
	err := app.Run(append([]string{"king", "noun"}, args...))
	return out.String(), err
}

var benchLine = regexp.MustCompile(`^(\S+) bytes=(\d+) cells=(\d+) cue=\d+\.\d MB/s jam=\d+\.\d MB/s mug=\d+\.\d ns/cell rejam=(ok|DIFF)$`)

func TestNounBench(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "events.jam")
	events := noun.Jam(corpus.List(corpus.Events(7, 200)))
	require.NoError(t, os.WriteFile(good, events, 0o644))
	// A valid jam that is not canonical: the atom 5 with high zero bits.
	odd := filepath.Join(dir, "odd.jam")
	require.NoError(t, os.WriteFile(odd, []byte{0x60, 0x0a, 0x00}, 0o644))

	out, err := runBenchApp(t, "bench", good)
	require.NoError(t, err)
	m := benchLine.FindStringSubmatch(strings.TrimSuffix(out, "\n"))
	require.NotNil(t, m, "output %q", out)
	require.Equal(t, good, m[1])
	require.Equal(t, strconv.Itoa(len(events)), m[2])
	// 200 events, each a cell, in a list of 200 cells, plus their insides.
	require.Equal(t, strconv.Itoa(countJamCells(events)), m[3])
	require.Greater(t, countJamCells(events), 400)
	require.Equal(t, "ok", m[4])

	out, err = runBenchApp(t, "bench", good, odd)
	require.ErrorContains(t, err, "re-jam differs")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2)
	m = benchLine.FindStringSubmatch(lines[1])
	require.NotNil(t, m, "output %q", lines[1])
	require.Equal(t, "DIFF", m[4])
	require.Equal(t, "0", m[3])
}

func TestNounBenchErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jam")
	require.NoError(t, os.WriteFile(bad, []byte{0x01}, 0o644))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no files", []string{"bench"}, "no files"},
		{"missing file", []string{"bench", filepath.Join(dir, "nope.jam")}, "no such file"},
		{"bad jam", []string{"bench", bad}, "read past the end"},
		{"empty jam", []string{"bench", writeTemp(t, dir, nil)}, "empty input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runBenchApp(t, tc.args...)
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "\n")
			require.Empty(t, out)
		})
	}
}

func TestCountJamCells(t *testing.T) {
	tests := []struct {
		n    noun.Noun
		want int
	}{
		{noun.Atom(5), 0},
		{noun.T(noun.Atom(1), noun.Atom(2)), 1},
		{noun.T(noun.Atom(1), noun.Atom(2), noun.Atom(3)), 2},
		// The repeated [1 2] is a backref, so it is counted once.
		{noun.T(noun.T(noun.Atom(1), noun.Atom(2)), noun.T(noun.Atom(1), noun.Atom(2))), 2},
		{noun.T(noun.AtomWords([]uint64{1, 2, 3}), noun.Cord("hello"), noun.Zero), 2},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, countJamCells(noun.Jam(tc.n)))
	}
}

// TestNounCorpus runs the corpus command for the events kind; the mixed and
// cells kinds take the same path with generators tested in noun/corpus
// (building megabytes of nouns here would slow the race-enabled suite).
func TestNounCorpus(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jam")
	out, err := runBenchApp(t, "corpus", "--kind", "events", "--seed", "3", "--count", "50", "--out", path)
	require.NoError(t, err)
	require.Empty(t, out)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	n, err := noun.Cue(data)
	require.NoError(t, err)
	require.Equal(t, noun.Jam(corpus.List(corpus.Events(3, 50))), data)
	require.Equal(t, data, noun.Jam(n))
	// Standard output carries the same bytes.
	stdout, err := runBenchApp(t, "corpus", "--kind", "events", "--seed", "3", "--count", "50")
	require.NoError(t, err)
	require.Equal(t, data, []byte(stdout))

	_, err = runBenchApp(t, "corpus", "--kind", "pebbles")
	require.ErrorContains(t, err, `unknown kind "pebbles"`)
	_, err = runBenchApp(t, "corpus", "--kind", "events", "--count", "-1")
	require.ErrorContains(t, err, "out of range")
	_, err = runBenchApp(t, "corpus", "--kind", "events", "--count", "1", "--out", filepath.Join(dir, "no", "such", "dir"))
	require.ErrorContains(t, err, "noun corpus")
	_, err = runBenchApp(t, "corpus")
	require.ErrorContains(t, err, "kind")
}

func writeTemp(t *testing.T, dir string, data []byte) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "*.jam")
	require.NoError(t, err)
	_, err = f.Write(data)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return f.Name()
}
