package kernels_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
)

var update = flag.Bool("update", false, "rewrite testdata/kernels/*.pill from the kernel sources")

// pillDir is testdata/kernels at the repository root.
var pillDir = filepath.Join("..", "..", "testdata", "kernels")

// TestPills regenerates every kernel's pill and fails if the checked-in copy
// differs (run with -update to rewrite them).
func TestPills(t *testing.T) {
	for _, k := range kernels.All() {
		t.Run(k.Name, func(t *testing.T) {
			path := filepath.Join(pillDir, k.Name+".pill")
			pill := k.Pill()
			if *update {
				require.NoError(t, os.MkdirAll(pillDir, 0o755))
				require.NoError(t, os.WriteFile(path, pill, 0o644))
			}
			have, err := os.ReadFile(path)
			require.NoError(t, err, "missing pill; run go test ./serf/kernels -run TestPills -update")
			require.True(t, bytes.Equal(pill, have),
				"%s is stale: the kernel source changed; run go test ./serf/kernels -run TestPills -update", path)
			lit, err := noun.Cue(have)
			require.NoError(t, err)
			require.True(t, noun.Equal(k.BootList(), lit))
		})
	}
}

func TestKernelNamesAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range kernels.All() {
		require.False(t, seen[k.Name], "duplicate kernel %s", k.Name)
		seen[k.Name] = true
	}
}
