package serf_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/serf"
)

func TestParseArgs(t *testing.T) {
	good := []struct {
		args []string
		want serf.Config
	}{
		{[]string{"/p", "", "0", "50000", "0"}, serf.Config{Pier: "/p", CacheSize: 50000}},
		{[]string{"pier", "k3y", "80", "0", "12"},
			serf.Config{Pier: "pier", Key: "k3y", Flags: serf.Verbose | serf.Quiet, RockEvent: 12}},
		{[]string{"p", "", "4294967295", "4294967295", "18446744073709551615"},
			serf.Config{Pier: "p", Flags: 0xffffffff, CacheSize: 4294967295, RockEvent: 18446744073709551615}},
	}
	for _, tt := range good {
		got, err := serf.ParseArgs(tt.args)
		require.NoError(t, err, "%q", tt.args)
		require.Equal(t, tt.want, got)
	}
	bad := []struct {
		args []string
		want string
	}{
		{nil, "want 5 arguments"},
		{[]string{"/p", "", "0", "0"}, "got 4"},
		{[]string{"/p", "", "0", "0", "0", "0"}, "got 6"},
		{[]string{"", "", "0", "0", "0"}, "pier is empty"},
		{[]string{"/p", "", "-1", "0", "0"}, `flags "-1"`},
		{[]string{"/p", "", "4294967296", "0", "0"}, "flags"},
		{[]string{"/p", "", "0x10", "0", "0"}, "flags"},
		{[]string{"/p", "", "0", "-5", "0"}, `cache-size "-5"`},
		{[]string{"/p", "", "0", "4294967296", "0"}, "cache-size"},
		{[]string{"/p", "", "0", "0", "x"}, `rock-event "x"`},
		{[]string{"/p", "", "0", "0", "18446744073709551616"}, "rock-event"},
	}
	for _, tt := range bad {
		_, err := serf.ParseArgs(tt.args)
		require.ErrorIs(t, err, serf.ErrConfig, "%q", tt.args)
		require.Contains(t, err.Error(), tt.want)
	}
}

func TestFlags(t *testing.T) {
	// The type and its bits are ipc's (tested there); the serf parses the
	// argument with its own error, and names the bits it ignores.
	require.Equal(t, serf.DebugRAM|serf.Verbose, mustFlags(t, "17"))
	_, err := serf.ParseFlags("x")
	require.ErrorIs(t, err, serf.ErrConfig)
}

func mustFlags(t *testing.T, s string) serf.Flags {
	f, err := serf.ParseFlags(s)
	require.NoError(t, err)
	return f
}

func TestFramingFromEnv(t *testing.T) {
	for v, want := range map[string]ipc.Framing{"": ipc.Legacy, "legacy": ipc.Legacy, "newt": ipc.Newt} {
		t.Setenv(serf.FramingEnv, v)
		got, err := serf.FramingFromEnv()
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	t.Setenv(serf.FramingEnv, "auto")
	_, err := serf.FramingFromEnv()
	require.ErrorIs(t, err, serf.ErrConfig)
	require.Contains(t, err.Error(), "KING_SERF_FRAMING")
}
