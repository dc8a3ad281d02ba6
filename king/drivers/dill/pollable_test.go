//go:build unix

package dill

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king/drivers"
)

// TestPollableBlockingDescriptor: a blocking descriptor (as the process's
// standard input is) gets a duplicate whose reads honour deadlines, and
// restore makes it blocking again.
func TestPollableBlockingDescriptor(t *testing.T) {
	var fds [2]int
	require.NoError(t, unix.Pipe(fds[:]))
	r := os.NewFile(uintptr(fds[0]), "blocking-r")
	w := os.NewFile(uintptr(fds[1]), "blocking-w")
	defer r.Close()
	defer w.Close()
	require.Error(t, r.SetReadDeadline(time.Now()), "a blocking pipe is not pollable")

	in, restore, err := Pollable(r)
	require.NoError(t, err)
	require.NoError(t, in.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err = in.Read(make([]byte, 1))
	require.True(t, errors.Is(err, os.ErrDeadlineExceeded), "read: %v", err)
	require.NoError(t, in.SetReadDeadline(time.Time{}))
	_, err = w.Write([]byte("k"))
	require.NoError(t, err)
	b := make([]byte, 1)
	_, err = in.Read(b)
	require.NoError(t, err)
	require.Equal(t, "k", string(b))

	require.NoError(t, restore())
	require.NoError(t, restore(), "restore is idempotent")
	flags, err := unix.FcntlInt(r.Fd(), unix.F_GETFL, 0)
	require.NoError(t, err)
	require.Zero(t, flags&unix.O_NONBLOCK, "the descriptor is blocking again")

	// A pollable file is returned as it is.
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	same, restore2, err := Pollable(pr)
	require.NoError(t, err)
	require.Same(t, pr, same)
	require.NoError(t, restore2())

	// A pollable file whose Fd was called still takes deadlines, but is
	// blocking: it gets a duplicate whose reads a deadline does end.
	_ = pr.Fd()
	require.NoError(t, pr.SetReadDeadline(time.Time{}))
	dup, restore3, err := Pollable(pr)
	require.NoError(t, err)
	require.NotSame(t, pr, dup)
	require.NoError(t, dup.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err = dup.Read(make([]byte, 1))
	require.True(t, errors.Is(err, os.ErrDeadlineExceeded), "read: %v", err)
	require.NoError(t, restore3())
}

func TestLogWriterPrintsAbove(t *testing.T) {
	var out lockedBuffer
	tm, err := New(Options{In: emptyReader{}, Out: &out, Inject: newEvents().inject})
	require.NoError(t, err)
	w := tm.LogWriter()
	_, err = w.Write([]byte("first line\nsecond "))
	require.NoError(t, err)
	require.NoError(t, tm.Flush(context.Background()))
	require.Equal(t, "\r\x1b[Kfirst line\r\n", out.String())
	_, err = w.Write([]byte("half\n"))
	require.NoError(t, err)
	require.NoError(t, tm.Flush(context.Background()))
	require.Equal(t, "\r\x1b[Kfirst line\r\n\r\x1b[Ksecond half\r\n", out.String())
}

// TestTerminalDrawsSessionOneOnly: blits of another session are neither
// drawn nor claimed.
func TestTerminalDrawsSessionOneOnly(t *testing.T) {
	var out lockedBuffer
	tm, err := New(Options{In: emptyReader{}, Out: &out, Inject: newEvents().inject})
	require.NoError(t, err)
	for _, tc := range []struct {
		wire string
		want bool
	}{{"[0 %term '2' ~]", false}, {"[0 %term '1' ~]", true}} {
		ef, err := drivers.ParseEffect(1, kingtest.MustParse(t, "["+tc.wire+" %blit ~[[%bel ~]]]"))
		require.NoError(t, err)
		require.Equal(t, tc.want, tm.HandleEffect(ef), tc.wire)
	}
	require.NoError(t, tm.Flush(context.Background()))
	require.Equal(t, "\a", out.String(), "only session 1's bell")
}
