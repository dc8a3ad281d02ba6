package behn

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

// kingPath is the king binary built from cmd/king, whose `king serf` is
// the serf of the tests that run a real pier ("" if the build failed;
// kingErr says why).
var (
	kingPath string
	kingErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "behn-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "behn tests:", err)
		os.Exit(2)
	}
	kingPath, kingErr = buildKing(dir)
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
	cmd.Dir = repoRoot()
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/king: %v\n%s", err, msg)
	}
	return out, nil
}

// repoRoot is the module root, three levels above this package.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
