// Package kingtest holds test helpers shared across packages: noun text
// (MustParse), a pty Screen, and the set-up of the packages whose tests run
// real serfs and piers: it builds the king binary once per test binary,
// whose `king serf` is their serf.
package kingtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

// Main builds ./cmd/king into a temporary directory, stores its path in
// *path (or the build error in *buildErr), runs the tests, checks for
// leaked goroutines when they passed, and exits.
func Main(m *testing.M, name string, path *string, buildErr *error) {
	dir, err := os.MkdirTemp("", name+"-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, name+" tests:", err)
		os.Exit(2)
	}
	*path, *buildErr = buildKing(dir)
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// buildKing builds ./cmd/king from the module root into dir.
func buildKing(dir string) (string, error) {
	out := filepath.Join(dir, "king")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/king")
	cmd.Dir = RepoRoot()
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/king: %v\n%s", err, msg)
	}
	return out, nil
}

// RepoRoot is the module root, two levels above this package.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
