package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestReorderArgs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"flag after pier", "king run pier --exit", "king run --exit pier"},
		{"already in order", "king run --exit pier", "king run --exit pier"},
		{"value flag after pier", "king run pier --serf /bin/x --exit", "king run --serf /bin/x --exit pier"},
		{"value flag with =", "king run pier --serf=/bin/x", "king run --serf=/bin/x pier"},
		{"single dash flags", "king run pier -exit -serf x", "king run -exit -serf x pier"},
		{"repeatable order kept", "king run --inject a pier --inject-list b --inject c",
			"king run --inject a --inject-list b --inject c pier"},
		{"duration flag", "king run pier --snapshot-interval 5s", "king run --snapshot-interval 5s pier"},
		{"subcommand", "king log show pier --from 2 --to 3", "king log show --from 2 --to 3 pier"},
		{"subcommand chop", "king log chop pier --after 4", "king log chop --after 4 pier"},
		{"bool flag does not take the pier", "king info --json pier", "king info --json pier"},
		{"bool after", "king info pier --json", "king info --json pier"},
		{"double dash ends flags", "king new --pill p -- --exit", "king new --pill p -- --exit"},
		{"double dash after positional", "king new x --pill p -- --y", "king new --pill p x -- --y"},
		{"dash is positional", "king noun cue - --raw", "king noun cue --raw -"},
		{"help flag", "king run pier --help", "king run --help pier"},
		{"unknown flag moved, no value", "king info pier --bogus x", "king info --bogus pier x"},
		{"value flag at the end", "king run pier --serf", "king run --serf pier"},
		{"serf skips flag parsing", "king serf pier --x 0 50000 0", "king serf pier --x 0 50000 0"},
		{"unknown command untouched", "king frob pier --x", "king frob pier --x"},
		{"help command untouched", "king help run", "king help run"},
		{"app flag before command", "king --help", "king --help"},
		{"no args", "king", "king"},
		{"noun positional", "king noun jam [1 2] --bogus", "king noun jam --bogus [1 2]"},
	}
	app := newApp()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reorderArgs(app, strings.Fields(tt.in))
			require.Equal(t, strings.Fields(tt.want), got)
		})
	}
}

// argsGen draws command lines from the tokens king's commands use.
func argsGen() *rapid.Generator[[]string] {
	tokens := []string{
		"run", "log", "show", "info", "replay", "serf", "new", "noun", "cue",
		"pier", "other", "-", "--", "--exit", "--json", "--serf", "--serf=x", "--from", "--to", "3",
		"--inject", "-inject-list", "--after", "--bogus", "-h", "--help", "--pill", "x.pill", "",
	}
	return rapid.SliceOfN(rapid.SampledFrom(tokens), 0, 12)
}

// TestReorderArgsProperties: reordering only permutes the arguments, the
// first stays first, and applying it twice changes nothing more.
func TestReorderArgsProperties(t *testing.T) {
	app := newApp()
	rapid.Check(t, func(t *rapid.T) {
		args := append([]string{"king"}, argsGen().Draw(t, "args")...)
		got := reorderArgs(app, slices.Clone(args))
		require.Equal(t, args[0], got[0])
		require.ElementsMatch(t, args, got)
		require.Equal(t, got, reorderArgs(app, slices.Clone(got)), "idempotent")
	})
}

// TestReorderArgsRunProperty: for `king run`, any interleaving of
// positionals, boolean flags and flags with values comes out as the flags
// (each with its value) in their order, then the positionals in theirs.
func TestReorderArgsRunProperty(t *testing.T) {
	app := newApp()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 10).Draw(t, "n")
		var in, flags, pos []string
		for i := range n {
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0:
				p := "p" + strconv.Itoa(i)
				in, pos = append(in, p), append(pos, p)
			case 1:
				in, flags = append(in, "--exit"), append(flags, "--exit")
			case 2:
				// A value that looks like a positional, or like a flag.
				v := rapid.SampledFrom([]string{"v", "-v", "--exit", "pier"}).Draw(t, "value")
				f := rapid.SampledFrom([]string{"--serf", "--inject", "-inject-list", "--log-level"}).Draw(t, "flag")
				in, flags = append(in, f, v), append(flags, f, v)
			case 3:
				f := "--serf=" + strconv.Itoa(i)
				in, flags = append(in, f), append(flags, f)
			}
		}
		got := reorderArgs(app, append([]string{"king", "run"}, in...))
		require.Equal(t, append(append([]string{"king", "run"}, flags...), pos...), got)
	})
}

func FuzzReorderArgs(f *testing.F) {
	f.Add("run pier --exit --serf x")
	f.Add("log show pier --from 2 -- --to")
	f.Add("serf a b --c")
	f.Add("info --json=true pier -")
	app := newApp()
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"king"}, strings.Fields(line)...)
		got := reorderArgs(app, slices.Clone(args))
		if len(got) != len(args) {
			t.Fatalf("reorder changed the number of arguments: %q -> %q", args, got)
		}
		a, b := slices.Clone(args), slices.Clone(got)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("reorder is not a permutation: %q -> %q", args, got)
		}
	})
}

func TestWithoutDaemonFlag(t *testing.T) {
	got := withoutDaemonFlag(strings.Fields("run pier --daemon --exit -daemon --daemon=true --inject a -- --daemon"))
	require.Equal(t, strings.Fields("run pier --exit --inject a -- --daemon"), got)
}
