package eventlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Environment of the crash child (TestMain runs crashChild when childEnv
// is "crash").
const (
	envDir  = "KING_EVENTLOG_DIR"
	envSeed = "KING_EVENTLOG_SEED"
	// tortureEnv sets the number of trials (as for `make torture`).
	tortureEnv = "KING_TORTURE"
)

// crashChild opens (or creates) the log in $KING_EVENTLOG_DIR and appends
// deterministic events forever, keeping up to 8 appends in flight so group
// commits merge them. After each append is durable it prints "ack N" (N =
// its last event) to stdout, unbuffered. It exits only when killed, or
// when stdout closes.
func crashChild() int {
	dir := os.Getenv(envDir)
	seed, _ := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		return 1
	}
	// The child reopens its bbolt handle every few commits, so kills
	// land inside reopens too, and a parent probing the lock meets them.
	opts := Options{LockTimeout: 10 * time.Second, reopenBytes: 2048}
	l, err := Open(dir, opts)
	if errors.Is(err, ErrNotFound) {
		l, err = Create(dir, Identity{Who: testShip, Fake: true, Life: 1}, opts)
	}
	if err != nil {
		return fail(err)
	}
	type inflight struct {
		p    *Pending
		last uint64
	}
	ctx := context.Background()
	acks := make(chan inflight, 8)
	ackErr := make(chan error, 1)
	go func() {
		for f := range acks {
			if err := f.p.Wait(ctx); err != nil {
				ackErr <- err
				return
			}
			if _, err := fmt.Fprintf(os.Stdout, "ack %d\n", f.last); err != nil {
				ackErr <- err
				return
			}
		}
		ackErr <- nil
	}()
	next, _ := l.Last()
	next++
	for range 1_000_000 {
		size := uint64(1 + rng.IntN(6))
		p, err := l.Submit(ctx, testEvents(next, next+size-1))
		if err != nil {
			return fail(err)
		}
		select {
		case acks <- inflight{p, next + size - 1}:
		case err := <-ackErr:
			return fail(err)
		}
		next += size
	}
	close(acks)
	if err := <-ackErr; err != nil {
		return fail(err)
	}
	return fail(l.Close())
}

// TestCrashTorture kills a child that appends in a loop with SIGKILL at
// random moments (after a random number of acknowledged appends, sometimes
// before the log exists), then reopens the log and checks that it is a
// prefix of what was appended, with no gaps, that every value cues, and
// that every acknowledged event is present. The same log is reused across
// trials, so recovery from repeated crashes is tested too.
func TestCrashTorture(t *testing.T) {
	trials := 30
	if s := os.Getenv(tortureEnv); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "bad %s", tortureEnv)
		trials = n
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d (rerun a failure by fixing it here)", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "log")
	var acked uint64
	for trial := range trials {
		// 1 in 10 trials kills the child as soon as it starts, possibly
		// inside Create or Open.
		killAfter := 0
		if rng.IntN(10) != 0 {
			killAfter = 1 + rng.IntN(40)
		}
		got := runCrashChild(t, exe, dir, rng.Uint64(), killAfter, nil)
		acked = max(acked, got)
		checkCrashedLog(t, dir, acked, trial)
	}
	t.Logf("%d trials, %d events acknowledged", trials, acked)
}

// runCrashChild starts a crash child, kills it after killAfter acks, reaps
// it and returns the highest acknowledged event number. atFirstAck, if not
// nil, runs while the child holds the log, after its first ack.
func runCrashChild(t *testing.T, exe, dir string, seed uint64, killAfter int, atFirstAck func()) uint64 {
	t.Helper()
	// The deadline only guards against a hung child; the kill itself is
	// driven by the child's output.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=crash", envDir+"="+dir, envSeed+"="+strconv.FormatUint(seed, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	reaped := false
	defer func() {
		// A failed assertion exits this function early: still kill and
		// reap the child.
		if !reaped {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	killed := false
	kill := func() {
		if !killed {
			killed = true
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	if killAfter == 0 {
		kill()
	}
	var last uint64
	acks := 0
	sc := bufio.NewScanner(stdout)
	// Every line read was printed after its append returned, so even the
	// lines still buffered in the pipe after the kill are acknowledged.
	for sc.Scan() {
		num, ok := strings.CutPrefix(sc.Text(), "ack ")
		require.True(t, ok, "unexpected child output %q", sc.Text())
		n, err := strconv.ParseUint(num, 10, 64)
		require.NoError(t, err)
		require.Greater(t, n, last, "acks must increase")
		last = n
		if acks++; acks == 1 && atFirstAck != nil {
			atFirstAck()
		}
		if acks >= killAfter {
			kill()
		}
	}
	err = cmd.Wait()
	reaped = true
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "child: %s", stderr.String())
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL,
		"child was not killed by us (%v); stderr: %s", err, stderr.String())
	require.NoError(t, ctx.Err(), "child hung")
	return last
}

// checkCrashedLog reopens the log after a kill and checks its invariants.
func checkCrashedLog(t *testing.T, dir string, acked uint64, trial int) {
	t.Helper()
	l, err := Open(dir, Options{ReadOnly: true})
	if errors.Is(err, ErrNotFound) {
		require.Zero(t, acked, "trial %d: log missing after acknowledged appends", trial)
		return
	}
	require.NoError(t, err, "trial %d", trial)
	defer func() { require.NoError(t, l.Close()) }()
	require.NoError(t, l.Verify(context.Background(), nil), "trial %d", trial)
	last, mug := l.Last()
	require.GreaterOrEqual(t, last, acked, "trial %d: acknowledged events lost", trial)
	if last > 0 {
		require.Equal(t, testEvent(last).Mug, mug)
	}
	// Prefix of what was appended: every event is exactly the one the
	// child generated for its number.
	n := uint64(0)
	for e, err := range l.Events(1, 0) {
		require.NoError(t, err)
		n++
		require.Equal(t, testEvent(n), e, "trial %d", trial)
	}
	require.Equal(t, last, n)
}

// TestOpenLockedByOtherProcess: a log held by a running process (the crash
// child) is refused at once with ErrLocked, for readers and writers alike.
func TestOpenLockedByOtherProcess(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "log")
	checked := false
	runCrashChild(t, exe, dir, 1, 1, func() {
		checked = true
		for _, ro := range []bool{false, true} {
			start := time.Now()
			_, err := Open(dir, Options{ReadOnly: ro, LockTimeout: 100 * time.Millisecond})
			require.ErrorIs(t, err, ErrLocked, "read-only %v", ro)
			require.Less(t, time.Since(start), 5*time.Second)
		}
		_, err := Create(dir, Identity{}, Options{})
		require.ErrorIs(t, err, ErrExists)
	})
	require.True(t, checked)
}
