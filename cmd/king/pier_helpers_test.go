package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// waitLimit bounds every wait for a king process to say something: a
// deadline for a test that would otherwise hang, never a synchronisation.
const waitLimit = 60 * time.Second

// pillPath is the path of a test kernel's pill.
func pillPath(name string) string {
	return filepath.Join("..", "..", "testdata", "kernels", name+".pill")
}

// newTestPier boots a pier from the named test kernel in a new temporary
// directory and returns its path.
func newTestPier(t *testing.T, kernel string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), kernel)
	_, stderr, code := kingRun(t, "", "new", dir, "--pill", pillPath(kernel))
	require.Equal(t, 0, code, "king new: %s", stderr)
	return dir
}

// writeJam writes the jam of n to a new temporary file and returns its
// path.
func writeJam(t *testing.T, n noun.Noun) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "ova-*.jam")
	require.NoError(t, err)
	_, err = f.Write(noun.Jam(n))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	return f.Name()
}

// counterOvum is the i-th test event for the counter kernel, which
// echoes it as its effect: [[%test ~] [%ev i]].
func counterOvum(i int) noun.Noun {
	return noun.T(noun.T(noun.Cord("test"), noun.Zero), noun.Cord("ev"), noun.Atom(uint64(i)))
}

// counterOva returns counterOvum(from) .. counterOvum(from+n-1).
func counterOva(from, n int) []noun.Noun {
	ova := make([]noun.Noun, n)
	for i := range ova {
		ova[i] = counterOvum(from + i)
	}
	return ova
}

// logLine is one JSON log line of a king.
type logLine map[string]any

// msg is the line's message.
func (l logLine) msg() string { s, _ := l["msg"].(string); return s }

// num returns a numeric field, or -1.
func (l logLine) num(key string) int64 {
	if v, ok := l[key].(float64); ok {
		return int64(v)
	}
	return -1
}

// parseLogLines parses the JSON lines of a king's stderr, skipping
// anything else (such as a line cut by a kill -9).
func parseLogLines(stderr string) []logLine {
	var out []logLine
	for _, s := range strings.Split(stderr, "\n") {
		var l logLine
		if json.Unmarshal([]byte(s), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

// kingProc is a king process started by a test, with its stderr read
// line by line. Cleanup kills and reaps it if the test has not.
type kingProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string // stderr lines, closed at EOF

	mu     sync.Mutex
	all    []string
	waited bool
}

// startKing starts the king binary with args.
func startKing(t *testing.T, args ...string) *kingProc {
	t.Helper()
	return startKingCmd(t, exec.Command(kingBin, args...))
}

// startKingCmd starts cmd, a king (possibly behind a wrapper such as
// prlimit).
func startKingCmd(t *testing.T, cmd *exec.Cmd) *kingProc {
	t.Helper()
	k := &kingProc{t: t, cmd: cmd, lines: make(chan string, 1<<16)}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	go func() {
		defer close(k.lines)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<16), 1<<24)
		for sc.Scan() {
			line := sc.Text()
			k.mu.Lock()
			k.all = append(k.all, line)
			k.mu.Unlock()
			k.lines <- line
		}
	}()
	t.Cleanup(func() {
		if !k.isWaited() {
			_ = k.cmd.Process.Kill()
			k.wait()
		}
	})
	return k
}

func (k *kingProc) isWaited() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.waited
}

// waitLine reads stderr lines until one, parsed as a JSON log line,
// satisfies match, and returns it. It fails the test at EOF or after
// waitLimit.
func (k *kingProc) waitLine(what string, match func(logLine) bool) logLine {
	k.t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		select {
		case s, ok := <-k.lines:
			if !ok {
				k.t.Fatalf("king exited before %s; stderr:\n%s", what, k.stderr())
			}
			var l logLine
			if json.Unmarshal([]byte(s), &l) == nil && match(l) {
				return l
			}
		case <-deadline.C:
			k.t.Fatalf("no %s after %v; stderr:\n%s", what, waitLimit, k.stderr())
		}
	}
}

// waitMsg waits for a log line with message msg.
func (k *kingProc) waitMsg(msg string) logLine {
	k.t.Helper()
	return k.waitLine(fmt.Sprintf("log line %q", msg), func(l logLine) bool { return l.msg() == msg })
}

// signal sends sig to the king.
func (k *kingProc) signal(sig syscall.Signal) {
	k.t.Helper()
	require.NoError(k.t, k.cmd.Process.Signal(sig))
}

// wait reaps the king (after its stderr is read to the end) and returns
// its exit status (-1 if killed by a signal).
func (k *kingProc) wait() int {
	for range k.lines {
	}
	err := k.cmd.Wait()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		k.t.Errorf("wait for king: %v", err)
	}
	k.mu.Lock()
	k.waited = true
	k.mu.Unlock()
	return code
}

// stderr returns everything the king wrote to stderr so far.
func (k *kingProc) stderr() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return strings.Join(k.all, "\n")
}

// pierInfo runs `king info --json` and decodes it.
func pierInfo(t *testing.T, dir string) infoJSON {
	t.Helper()
	out, stderr, code := kingRun(t, "", "info", "--json", dir)
	require.Equal(t, 0, code, "king info: %s", stderr)
	var info infoJSON
	require.NoError(t, json.Unmarshal([]byte(out), &info), "info output %q", out)
	return info
}

// releasedEves returns the event numbers of the "effects released" lines
// in a king's stderr, in order.
func releasedEves(stderr string) []uint64 {
	var eves []uint64
	for _, l := range parseLogLines(stderr) {
		if l.msg() == "effects released" {
			eves = append(eves, uint64(l.num("eve")))
		}
	}
	return eves
}
