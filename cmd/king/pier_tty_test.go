package main

import (
	"bytes"
	"errors"
	"io"
	"os/exec"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// TestPierReplayOnTerminal runs a long replay on a pseudo-terminal: the
// log is in the console encoding and a progress bar shows events/s.
func TestPierReplayOnTerminal(t *testing.T) {
	dir := newTestPier(t, "counter")
	n := barThreshold + 500
	_, stderr, code := kingRun(t, "", "run", dir, "--exit", "--log-level", "warn",
		"--inject-list", writeJam(t, noun.List(counterOva(0, n)...)))
	require.Equal(t, 0, code, stderr)

	cmd := exec.Command(kingBin, "replay", dir, "--batch", "100")
	tty, err := pty.Start(cmd)
	require.NoError(t, err)
	defer tty.Close()
	var out bytes.Buffer
	// Reading the pty ends with EIO once the king has exited and closed it.
	_, err = io.Copy(&out, tty)
	if err != nil && !errors.Is(err, syscall.EIO) {
		require.NoError(t, err)
	}
	require.NoError(t, cmd.Wait(), out.String())
	text := out.String()
	require.Contains(t, text, "INFO", "console log encoding on a terminal")
	require.NotContains(t, text, `"level":`)
	require.Contains(t, text, "replay")
	require.Contains(t, text, "events/s")
	require.Contains(t, text, "100%")
	require.Contains(t, text, "replayed 2502 events (1..2502)", "boot, %born, events")
}
