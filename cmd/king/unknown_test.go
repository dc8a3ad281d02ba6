package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUnknownCommand: a command king does not have is named in a one-line
// error with the help to look at, exit status 1 and nothing on stdout;
// a command group with no subcommand shows its help.
func TestUnknownCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frob"}, "king: unknown command \"frob\" (see `king --help`)\n"},
		{[]string{"frob", "pier", "--x"}, "king: unknown command \"frob\" (see `king --help`)\n"},
		{[]string{"noun", "frob"}, "king: unknown command \"frob\" (see `king noun --help`)\n"},
		{[]string{"log", "frob", "pier"}, "king: unknown command \"frob\" (see `king log --help`)\n"},
	} {
		stdout, stderr, code := kingRun(t, "", tc.args...)
		require.Equal(t, 1, code, "%q", tc.args)
		require.Empty(t, stdout, "%q", tc.args)
		require.Equal(t, tc.want, stderr, "%q", tc.args)
	}
	for _, args := range [][]string{{}, {"noun"}, {"log"}} {
		stdout, stderr, code := kingRun(t, "", args...)
		require.Zero(t, code, "%q", args)
		require.Empty(t, stderr, "%q", args)
		require.Contains(t, stdout, "COMMANDS:", "%q shows its help", args)
	}
}
