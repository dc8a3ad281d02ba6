package control

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kingserf/king/noun"
)

// kingPath is the king binary built from cmd/king, whose `king serf` is
// the serf of the tests that run a real pier ("" if the build failed;
// kingErr says why).
var (
	kingPath string
	kingErr  error
)

// childEnv makes the test binary a control client (see childMain) instead
// of running the tests: the foreign-uid test runs it as another user.
const childEnv = "CONTROL_TEST_CHILD_SOCKET"

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(childMain(path))
	}
	dir, err := os.MkdirTemp("", "control-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "control tests:", err)
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

// childMain dials the socket at path, asks %peel /live and prints what
// happened: "answer <noun>", "closed" (the server hung up without an
// answer), or "dial: <error>".
func childMain(path string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := DialSocket(ctx, path)
	if err != nil {
		fmt.Println("dial:", err)
		return 0
	}
	defer c.Close()
	v, ok, err := c.Peel(ctx, "live")
	switch {
	case errors.Is(err, ErrClosed):
		fmt.Println("closed")
	case err != nil:
		fmt.Println("error:", err)
	default:
		fmt.Println("answer", noun.Unit(v, ok))
	}
	return 0
}

// buildKing builds ./cmd/king from the module root into dir.
func buildKing(dir string) (string, error) {
	out := filepath.Join(dir, "king")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/king")
	cmd.Dir = repoRoot()
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/king: %v\n%s", err, strings.TrimSpace(string(msg)))
	}
	return out, nil
}

// repoRoot is the module root, two levels above this package.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
