package kernels_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// doze is the timer kernel's expected effects for a pending-time unit in
// text.
func doze(unit string) string { return "~[[[0 %behn ~] %doze " + unit + "]]" }

func TestTimer(t *testing.T) {
	b := boot(t, kernels.Timer(), nock.Config{})
	requireNoun(t, "[0 %noun 0 0]", b.peek())
	// A real @da (128 bits) must pass through untouched.
	dateText := "0x8000.000c.cf0c.5a80.1234.0000.0000.0000"
	steps := []struct {
		ovum    string
		effects string
		state   string
	}{
		{"[[%b %behn ~] %wait 1.000]", doze("[0 1.000]"), "[0 0 1.000]"},
		{"[[%b %behn ~] %born ~]", doze("[0 1.000]"), "[0 0 1.000]"},
		{"[[%b %behn ~] %wait " + dateText + "]", doze("[0 " + dateText + "]"), "[0 0 " + dateText + "]"},
		{"[[%b %behn ~] %wake ~]", doze("0"), "[1 0]"},
		{"[[%b %behn ~] %born ~]", doze("0"), "[1 0]"},
		{"[[%b %behn ~] %wake ~]", doze("0"), "[2 0]"},
		{"[[%test ~] %wait 7]", doze("[0 7]"), "[2 0 7]"},
		{"[[%b %behn ~] %rest ~]", doze("0"), "[2 0]"},
		{"[[%b %behn ~] %other 5]", "~", "[2 0]"},
		{"[[%b %behn ~] 42]", "~", "[2 0]"},
	}
	for _, s := range steps {
		requireNoun(t, s.effects, b.poke(s.ovum))
		requireNoun(t, "[0 %noun "+s.state+"]", b.peek())
	}
}

func TestTimerWaitNeedsAnAtom(t *testing.T) {
	b := boot(t, kernels.Timer(), nock.Config{})
	c := b.pokeErr(context.Background(), b.job("[[%b %behn ~] %wait [1 2]]"))
	require.Equal(t, "exit", c.Mote)
	requireNoun(t, "[0 %noun 0 0]", b.peek())
}

// TestTimerPill checks the checked-in timer pill as TestPills does for the
// kernels of kernels.All (-update rewrites it).
func TestTimerPill(t *testing.T) {
	k := kernels.Timer()
	path := filepath.Join(pillDir, k.Name+".pill")
	pill := k.Pill()
	if *update {
		require.NoError(t, os.WriteFile(path, pill, 0o644))
	}
	have, err := os.ReadFile(path)
	require.NoError(t, err, "missing pill; run go test ./serf/kernels -run TestTimerPill -update")
	require.True(t, bytes.Equal(pill, have),
		"%s is stale: the kernel source changed; run go test ./serf/kernels -run TestTimerPill -update", path)
	lit, err := noun.Cue(have)
	require.NoError(t, err)
	require.True(t, noun.Equal(k.BootList(), lit))
}
