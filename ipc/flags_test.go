package ipc

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFlags(t *testing.T) {
	require.Equal(t, "0", Flags(0).String())
	require.Equal(t, "verbose|dry-run", (Verbose | DryRun).String())
	require.Equal(t, "debug-ram|trace|0x200", Flags(1|256|512).String())
	require.Equal(t, Flags(512), Flags(1|256|512).Unknown())
	require.True(t, (Verbose | Quiet).Has(Quiet))
	require.False(t, Verbose.Has(Verbose|Quiet))
	// The bits of PROTOCOL.md §3.3.
	for bit, f := range map[Flags]Flags{1: DebugRAM, 2: DebugCPU, 4: CheckCorrupt,
		8: CheckFatal, 16: Verbose, 32: DryRun, 64: Quiet, 128: Hashless, 256: Trace} {
		require.Equal(t, bit, f)
	}
	f, err := ParseFlags("17")
	require.NoError(t, err)
	require.Equal(t, DebugRAM|Verbose, f)
	for _, bad := range []string{"", "x", "-1", "4294967296"} {
		_, err := ParseFlags(bad)
		require.ErrorIs(t, err, ErrBadFlags, "%q", bad)
	}
}
