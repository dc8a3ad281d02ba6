package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king/drivers/behn"
	"github.com/kingserf/king/noun"
)

func TestPierNewAndInfo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "zod")
	out, stderr, code := kingRun(t, "", "new", dir, "--pill", pillPath("counter"), "--fake", "256")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "pier "+dir+" booted: ship ~marzod (fake: true), 1 boot formulas, 1 events")
	require.Contains(t, stderr, `"msg":"pier created"`)

	info := pierInfo(t, dir)
	require.Equal(t, "~marzod", info.Who)
	require.Equal(t, "256", info.WhoNumber)
	require.True(t, info.Fake)
	require.Equal(t, uint64(1), info.Life)
	require.Equal(t, uint64(1), info.Events)
	require.True(t, info.HasSnapshot)
	require.Equal(t, uint64(1), info.SnapshotEvent)
	require.Positive(t, info.LogBytes)

	// The JSON object has at least the documented keys.
	out, _, code = kingRun(t, "", "info", dir, "--json")
	require.Equal(t, 0, code)
	for _, key := range []string{"who", "who_number", "fake", "life", "events", "snapshot_event"} {
		require.Contains(t, out, `"`+key+`":`)
	}
	out, _, code = kingRun(t, "", "info", dir)
	require.Equal(t, 0, code)
	require.Contains(t, out, "ship:      ~marzod (fake: true)")
	require.Contains(t, out, "snapshot:  event 1")

	// Operators name ships as @p, with or without the ~.
	for _, ship := range []string{"sampel-palnet", "~sampel-palnet"} {
		dir := filepath.Join(t.TempDir(), "p")
		_, stderr, code := kingRun(t, "", "new", dir, "--pill", pillPath("counter"), "--fake", ship)
		require.Equal(t, 0, code, stderr)
		info := pierInfo(t, dir)
		require.Equal(t, "~sampel-palnet", info.Who)
		require.Equal(t, "1624961343", info.WhoNumber)
	}
}

func TestPierNewErrors(t *testing.T) {
	tmp := t.TempDir()
	existing := newTestPier(t, "counter")
	notPill := filepath.Join(tmp, "not-a-pill")
	require.NoError(t, os.WriteFile(notPill, noun.Jam(noun.Atom(42)), 0o644))
	garbage := filepath.Join(tmp, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0o644))
	// A %pill with one formula and no ova: boots only a fake ship.
	realPill := filepath.Join(tmp, "real.pill")
	pillNoun := noun.T(noun.Cord("pill"), noun.Cord("test"),
		noun.T(noun.T(noun.Atom(1), noun.Atom(0)), noun.Zero), noun.Zero, noun.Zero)
	require.NoError(t, os.WriteFile(realPill, noun.Jam(pillNoun), 0o644))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no pill flag", []string{"new", filepath.Join(tmp, "a")}, `Required flag "pill" not set`},
		{"no pier", []string{"new", "--pill", pillPath("counter")}, "missing <pier> argument"},
		{"two piers", []string{"new", "a", "b", "--pill", pillPath("counter")}, "want one <pier> argument, got 2"},
		{"missing pill file", []string{"new", filepath.Join(tmp, "b"), "--pill", filepath.Join(tmp, "nope")}, "no such file"},
		{"pill is a directory", []string{"new", filepath.Join(tmp, "c"), "--pill", tmp}, "not a regular file"},
		{"atom pill", []string{"new", filepath.Join(tmp, "d"), "--pill", notPill}, "not a pill"},
		{"garbage pill", []string{"new", filepath.Join(tmp, "e"), "--pill", garbage}, "not a pill"},
		{"%pill without --fake", []string{"new", filepath.Join(tmp, "f"), "--pill", realPill}, "boots a fake ship only"},
		{"bad ship", []string{"new", filepath.Join(tmp, "g"), "--pill", pillPath("counter"), "--fake", "zud"}, `ship "zud": want a @p such as ~zod`},
		{"non-canonical @p", []string{"new", filepath.Join(tmp, "g"), "--pill", pillPath("counter"), "--fake", "~dozzod-marzod"}, "not in canonical form (that ship is ~marzod)"},
		{"mixed ship", []string{"new", filepath.Join(tmp, "g"), "--pill", pillPath("counter"), "--fake", "12x"}, `ship "12x": want a @p`},
		{"existing pier", []string{"new", existing, "--pill", pillPath("counter")}, "pier already exists"},
		{"bad log level", []string{"new", filepath.Join(tmp, "h"), "--pill", pillPath("counter"), "--log-level", "loud"}, `bad --log-level "loud"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := kingRun(t, "", tt.args...)
			require.NotEqual(t, 0, code)
			require.Contains(t, stderr, tt.want)
		})
	}
	// Nothing half-made was left behind by the failed boots.
	for _, name := range []string{"b", "d", "e", "f"} {
		_, err := os.Stat(filepath.Join(tmp, name))
		require.True(t, os.IsNotExist(err), "%s left behind", name)
	}
	// The existing pier is untouched.
	require.Equal(t, uint64(1), pierInfo(t, existing).Events)
}

// TestPierMissingOrWrongPier checks every pier command's error for a
// directory that does not exist, a file, and a directory with no log.
func TestPierMissingOrWrongPier(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	empty := filepath.Join(tmp, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	cases := []struct {
		dir, want string
	}{
		{filepath.Join(tmp, "nope"), "it does not exist"},
		{file, "it is not a directory"},
		{empty, "it has no event log"},
	}
	commands := [][]string{
		{"run"}, {"run", "--exit"}, {"replay"}, {"info"}, {"info", "--json"},
		{"log", "show"}, {"log", "verify"}, {"log", "chop", "--after", "1"},
		{"pack"}, {"meld"}, {"cram"},
	}
	for _, c := range cases {
		for _, cmd := range commands {
			args := append(append([]string{}, cmd...), c.dir)
			t.Run(strings.Join(args[:len(args)-1], "_")+"_"+filepath.Base(c.dir), func(t *testing.T) {
				_, stderr, code := kingRun(t, "", args...)
				require.Equal(t, 1, code, stderr)
				require.Contains(t, stderr, "no pier at "+c.dir+": "+c.want)
			})
		}
	}
	for _, cmd := range commands {
		t.Run(strings.Join(cmd, "_")+"_no_argument", func(t *testing.T) {
			_, stderr, code := kingRun(t, "", cmd...)
			require.NotEqual(t, 0, code)
			require.Contains(t, stderr, "missing <pier> argument")
		})
	}
	// An empty directory stays a non-pier: no command made anything in it.
	entries, err := os.ReadDir(empty)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestPierHelpText(t *testing.T) {
	for _, cmd := range [][]string{
		{"new"}, {"run"}, {"replay"}, {"info"}, {"log", "show"}, {"log", "verify"}, {"log", "chop"},
		{"pack"}, {"meld"}, {"cram"},
	} {
		t.Run(strings.Join(cmd, "_"), func(t *testing.T) {
			out, _, code := kingRun(t, "", append(cmd, "--help")...)
			require.Equal(t, 0, code)
			require.Contains(t, out, "USAGE:")
			require.Contains(t, out, "<pier>")
			require.Contains(t, out, "DESCRIPTION:")
		})
	}
}

// TestPierRunInjectsAndRerun: run with injects and --exit; effects are
// released for every event, in order (the timer's %born first); the rerun
// needs no replay beyond the snapshot.
func TestPierRunInjectsAndRerun(t *testing.T) {
	dir := newTestPier(t, "counter")
	one := writeJam(t, counterOvum(100))
	list := writeJam(t, noun.List(counterOva(0, 5)...))
	two := writeJam(t, counterOvum(200))

	_, stderr, code := kingRun(t, "", "run", dir, "--inject", one, "--inject-list", list, "--inject", two, "--exit")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, []uint64{2, 3, 4, 5, 6, 7, 8, 9}, releasedEves(stderr))
	require.Contains(t, stderr, `"msg":"injected events settled"`)

	// The log holds the %born of the start, then the injected ova in
	// command-line order, as [now ovum].
	out, _, code := kingRun(t, "", "log", "show", dir, "--from", "2")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8)
	want := append(append([]noun.Noun{behn.BornOvum(), counterOvum(100)}, counterOva(0, 5)...), counterOvum(200))
	for i, line := range lines {
		fields := strings.SplitN(line, "\t", 3)
		require.Len(t, fields, 3)
		require.Equal(t, fmt.Sprint(i+2), fields[0])
		ev, err := noun.Parse(fields[2])
		require.NoError(t, err)
		require.True(t, noun.Equal(want[i], ev.Tail()), "event %d is %s", i+2, fields[2])
	}

	info := pierInfo(t, dir)
	require.Equal(t, uint64(9), info.Events)
	require.Equal(t, uint64(9), info.SnapshotEvent, "clean shutdown snapshots")
	require.Equal(t, info.LastMug, info.SnapshotMug)

	// Rerun: the serf loads the snapshot at event 9 and replays nothing;
	// the only new event is the start's %born.
	_, stderr, code = kingRun(t, "", "run", "--exit", dir)
	require.Equal(t, 0, code, stderr)
	var ripe logLine
	for _, l := range parseLogLines(stderr) {
		if l.msg() == "serf ripe" {
			ripe = l
		}
		require.NotEqual(t, "replay progress", l.msg())
	}
	require.Equal(t, int64(9), ripe.num("eve"), "the serf started from the snapshot")
	require.Equal(t, []uint64{10}, releasedEves(stderr))
}

// TestPierFlagsAfterPositionals: flags work before and after the pier.
func TestPierFlagsAfterPositionals(t *testing.T) {
	dir := newTestPier(t, "counter")
	list := writeJam(t, noun.List(counterOva(0, 2)...))
	_, stderr, code := kingRun(t, "", "run", dir, "--inject-list", list, "--exit", "--log-level", "info")
	require.Equal(t, 0, code, stderr)
	_, stderr, code = kingRun(t, "", "run", "--exit", "--inject-list", list, dir)
	require.Equal(t, 0, code, stderr)
	_, stderr, code = kingRun(t, "", "run", "--exit", dir, "--inject-list="+list)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, uint64(10), pierInfo(t, dir).Events, "3 runs of a %born and 2 events")

	out, _, code := kingRun(t, "", "log", "show", dir, "--from", "6", "--to", "7")
	require.Equal(t, 0, code)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 2)
	out2, _, code := kingRun(t, "", "log", "show", "--from", "6", dir, "--to=7")
	require.Equal(t, 0, code)
	require.Equal(t, out, out2)

	// "--" ends the flags: a pier named like a flag.
	odd := filepath.Join(t.TempDir(), "--exit")
	_, stderr, code = kingRun(t, "", "new", "--pill", pillPath("counter"), "--", odd)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, uint64(1), pierInfo(t, odd).Events)

	// An unknown flag after the pier is reported as such.
	_, stderr, code = kingRun(t, "", "info", dir, "--bogus")
	require.NotEqual(t, 0, code)
	require.Contains(t, stderr, "flag provided but not defined: -bogus")
}

func TestPierRunBadInjects(t *testing.T) {
	dir := newTestPier(t, "counter")
	atom := writeJam(t, noun.Atom(7))
	badList := writeJam(t, noun.List(counterOvum(1), noun.Atom(3)))
	notJam := filepath.Join(t.TempDir(), "not-jam")
	require.NoError(t, os.WriteFile(notJam, nil, 0o644))
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--inject", atom}, "not an ovum [wire card]"},
		{[]string{"--inject-list", badList}, "element 1 is not an ovum"},
		{[]string{"--inject-list", atom}, "not a list of ova"},
		{[]string{"--inject", notJam}, "not a jam"},
		{[]string{"--inject", filepath.Join(t.TempDir(), "nope")}, "no such file"},
	}
	for _, tt := range tests {
		_, stderr, code := kingRun(t, "", append([]string{"run", dir, "--exit"}, tt.args...)...)
		require.Equal(t, 1, code)
		require.Contains(t, stderr, tt.want)
	}
	require.Equal(t, uint64(1), pierInfo(t, dir).Events)
}

// TestPierRunBail: an event that crashes twice is reported, not
// committed, and --exit still exits 0.
func TestPierRunBail(t *testing.T) {
	dir := newTestPier(t, "crashy")
	wire := noun.T(noun.Cord("test"), noun.Zero)
	ova := noun.List(
		noun.T(wire, noun.Cord("ev"), noun.Atom(1)),
		noun.T(wire, noun.Cord("crash-twice"), noun.Zero),
		noun.T(wire, noun.Cord("crash"), noun.Zero),
		noun.T(wire, noun.Cord("ev"), noun.Atom(2)),
	)
	_, stderr, code := kingRun(t, "", "run", dir, "--inject-list", writeJam(t, ova), "--exit")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stderr, `"msg":"injected event bailed: nothing committed"`)
	var settled logLine
	for _, l := range parseLogLines(stderr) {
		if l.msg() == "injected events settled" {
			settled = l
		}
	}
	require.Equal(t, int64(4), settled.num("events"))
	require.Equal(t, int64(3), settled.num("committed"))
	require.Equal(t, int64(1), settled.num("swapped"))
	require.Equal(t, int64(1), settled.num("bailed"))
	require.Equal(t, []uint64{2, 3, 4, 5}, releasedEves(stderr), "%born, then the 3 committed events")
	require.Equal(t, uint64(5), pierInfo(t, dir).Events)
}
