package hub

import (
	"testing"

	"github.com/kingserf/king/internal/kingtest"
)

// kingPath is the king binary built from cmd/king, whose `king serf` is
// the serf of the tests that run a real pier ("" if the build failed;
// kingErr says why).
var (
	kingPath string
	kingErr  error
)

func TestMain(m *testing.M) { kingtest.Main(m, "hub", &kingPath, &kingErr) }

// repoRoot is the module root.
func repoRoot() string { return kingtest.RepoRoot() }
