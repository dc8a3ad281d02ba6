package king

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// fakeKingEnv makes the test binary a small king that starts a serf which
// ignores %exit and stdin EOF, prints the serf's pid and waits to be
// killed: only Pdeathsig can then end the serf.
const fakeKingEnv = "KING_FAKE_KING"

func runFakeKing() int {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, fakeKingEnv+"=") {
			env = append(env, kv)
		}
	}
	s, _, err := Start(context.Background(), Config{
		SerfPath: os.Args[0],
		Env:      append(env, fakeSerfEnv+"="+modeIgnoreExit),
		OnStderr: func(string) {},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake king:", err)
		return 2
	}
	fmt.Println(s.Pid())
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// A king killed with SIGKILL takes its serf with it, through Pdeathsig,
// even when the serf ignores stdin EOF.
func TestSerfDiesWithKilledKing(t *testing.T) {
	t.Parallel()
	king := exec.Command(os.Args[0])
	king.Env = append(os.Environ(), fakeKingEnv+"=1")
	stdin, err := king.StdinPipe()
	require.NoError(t, err)
	defer stdin.Close()
	stdout, err := king.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, king.Start())

	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err)
	pidfd, err := unix.PidfdOpen(pid, 0)
	require.NoError(t, err, "the serf should be running")
	defer unix.Close(pidfd)

	require.NoError(t, king.Process.Kill())
	_ = king.Wait()

	// A pidfd becomes readable when its process exits.
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 10_000)
	require.NoError(t, err)
	require.Equal(t, 1, n, "serf %d outlived its killed king", pid)
}

// The serf is spawned from the Serf's own locked thread, so the thread of
// the goroutine calling Start may exit without killing it
// (golang/go#27505).
func TestSerfSurvivesCallersThreadExit(t *testing.T) {
	t.Parallel()
	type started struct {
		s   *Serf
		err error
	}
	ch := make(chan started)
	cfg := fakeConfig(t, modeOK)
	go func() {
		// Never unlocked: the runtime ends this thread with the goroutine.
		runtime.LockOSThread()
		s, _, err := Start(context.Background(), cfg)
		ch <- started{s, err}
	}()
	st := <-ch
	require.NoError(t, st.err)
	s := st.s
	defer func() {
		require.NoError(t, s.Stop(context.Background()))
		requireGone(t, s)
	}()
	for range 20 {
		_, err := s.Scry(context.Background(), ipc.LocalGang(), noun.Path("x"))
		require.NoError(t, err)
	}
	select {
	case <-s.Done():
		t.Fatalf("serf died with the thread that called Start: %v", s.ExitErr())
	case <-time.After(200 * time.Millisecond):
	}
}
