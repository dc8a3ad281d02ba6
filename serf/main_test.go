package serf_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// update rewrites golden files instead of comparing with them.
var update = flag.Bool("update", false, "rewrite testdata/transcript.golden")

// kingBuild is the king binary for the process-level tests, which run
// `king serf` as a child. It is built once, on first use, so that runs
// that need no process (listing, fuzzing) build nothing.
var kingBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// kingBin returns the path of the king binary, building it if needed.
func kingBin(t testing.TB) string {
	t.Helper()
	kingBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "serf-test-")
		if err != nil {
			kingBuild.err = err
			return
		}
		kingBuild.dir = dir
		path := filepath.Join(dir, "king")
		out, err := exec.Command("go", "build", "-o", path, "github.com/kingserf/king/cmd/king").CombinedOutput()
		if err != nil {
			kingBuild.err = fmt.Errorf("building king: %v\n%s", err, out)
			return
		}
		kingBuild.path = path
	})
	if kingBuild.err != nil {
		t.Fatal(kingBuild.err)
	}
	return kingBuild.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if kingBuild.dir != "" {
		_ = os.RemoveAll(kingBuild.dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}
