package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
)

// TestSerfBadArgv checks that `king serf` refuses a bad argv with exit
// status 1, nothing on stdout and one line on stderr naming the problem.
func TestSerfBadArgv(t *testing.T) {
	pier := t.TempDir()
	tests := []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"no arguments", "", nil, "want 5 arguments <pier> <key> <flags> <cache-size> <rock-event>, got 0"},
		{"too few", "", []string{pier, "", "0", "0"}, "got 4"},
		{"too many", "", []string{pier, "", "0", "0", "0", "x"}, "got 6"},
		{"empty pier", "", []string{"", "", "0", "0", "0"}, "pier is empty"},
		{"flags not a number", "", []string{pier, "", "verbose", "0", "0"}, `flags "verbose"`},
		{"negative flags", "", []string{pier, "", "-16", "0", "0"}, `flags "-16"`},
		{"bad cache size", "", []string{pier, "", "0", "lots", "0"}, `cache-size "lots"`},
		{"bad rock event", "", []string{pier, "", "0", "0", "-1"}, `rock-event "-1"`},
		{"bad framing", "KING_SERF_FRAMING=auto", []string{pier, "", "0", "0", "0"}, `KING_SERF_FRAMING="auto"`},
		{"help is not an option", "", []string{"--help"}, "got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(kingBin, append([]string{"serf"}, tt.args...)...)
			cmd.Env = os.Environ()
			if tt.env != "" {
				cmd.Env = append(cmd.Env, tt.env)
			}
			var out, errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "want an exit error, got %v", err)
			require.Equal(t, 1, exit.ExitCode())
			require.Empty(t, out.String())
			lines := strings.Split(strings.TrimRight(errb.String(), "\n"), "\n")
			require.Len(t, lines, 1, "stderr: %q", errb.String())
			require.Contains(t, lines[0], tt.want)
			require.True(t, strings.HasPrefix(lines[0], "king: serf: "), lines[0])
		})
	}
}

// TestSerfKingGone: when the king stops reading, the serf's next plea
// fails and it exits with status 1 and says why, instead of dying of
// SIGPIPE.
func TestSerfKingGone(t *testing.T) {
	cmd := exec.Command(kingBin, "serf", t.TempDir(), "", "0", "0", "0")
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var errb strings.Builder
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	r := ipc.NewReader(stdout, ipc.WithFraming(ipc.Legacy))
	p, err := r.ReadPlea()
	require.NoError(t, err)
	require.IsType(t, ipc.Ripe{}, p)
	require.NoError(t, stdout.Close())
	w := ipc.NewWriter(stdin, ipc.Legacy)
	require.NoError(t, w.WriteWrit(ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "x")}))
	err = cmd.Wait()
	_ = stdin.Close()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want an exit error, got %v", err)
	require.Equal(t, 1, exit.ExitCode(), "stderr: %s", errb.String())
	require.Contains(t, errb.String(), "serf: cannot write to king")
}
