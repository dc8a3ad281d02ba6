package control

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/kingserf/king/internal/kingtest"
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
	kingtest.Main(m, "control", &kingPath, &kingErr)
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

// repoRoot is the module root.
func repoRoot() string { return kingtest.RepoRoot() }
