package serf_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// recordingWriter keeps what is written to it and counts the writes.
type recordingWriter struct {
	bytes.Buffer
	writes int
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestPleasBatched: writs that arrive together are answered with fewer
// writes than pleas, every plea whole and in order.
func TestPleasBatched(t *testing.T) {
	var in bytes.Buffer
	w := ipc.NewWriter(&in, ipc.Legacy)
	require.NoError(t, w.WriteWrit(ipc.Play{Eve: 1, Events: pill(t, "counter")}))
	var j jobs
	const n = 50
	for range n {
		require.NoError(t, w.WriteWrit(ipc.Work{Job: j.job(tagged("x"))}))
	}
	require.NoError(t, w.WriteWrit(ipc.LiveExit{Code: 0}))
	var out recordingWriter
	code, err := serf.Run(context.Background(), serf.Config{In: &in, Out: &out, Framing: ipc.Legacy})
	require.NoError(t, err)
	require.Equal(t, 0, code)
	require.Less(t, out.writes, n, "pleas were not batched")

	r := ipc.NewReader(&out.Buffer, ipc.WithFraming(ipc.Legacy))
	pl, err := r.ReadPlea()
	require.NoError(t, err)
	require.IsType(t, ipc.Ripe{}, pl)
	pl, err = r.ReadPlea()
	require.NoError(t, err)
	require.IsType(t, ipc.PlayDone{}, pl)
	for i := range n {
		pl, err := r.ReadPlea()
		require.NoError(t, err)
		require.IsType(t, ipc.WorkDone{}, pl)
		require.EqualValues(t, 2+i, pl.(ipc.WorkDone).Eve)
	}
}

// TestReplyNotHeldByLongEvent: a reply queued when the next writ is
// already buffered still leaves while that next event computes (here one
// that loops until the serf is stopped, and says nothing meanwhile), not
// after it.
func TestReplyNotHeldByLongEvent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := runInProcess(t, ctx, serf.Config{Pier: t.TempDir()})
	require.IsType(t, ipc.Ripe{}, p.recv())
	p.send(ipc.Play{Eve: 1, Events: pill(t, "crashy")})
	require.IsType(t, ipc.PlayDone{}, p.recv())

	// Both writs in one write, so the serf reads them in one read.
	var j jobs
	both, err := ipc.AppendFrame(nil, ipc.Legacy, noun.Jam(ipc.Work{Job: j.job(tagged("x"))}.Noun()))
	require.NoError(t, err)
	both, err = ipc.AppendFrame(both, ipc.Legacy, noun.Jam(ipc.Work{Job: j.job(tagged("loop"))}.Noun()))
	require.NoError(t, err)
	_, err = p.in.Write(both)
	require.NoError(t, err)

	pl, err := p.r.ReadPlea()
	require.NoError(t, err)
	require.IsType(t, ipc.WorkDone{}, pl, "the quick event's reply")
	require.EqualValues(t, 2, pl.(ipc.WorkDone).Eve)
	cancel()
	r := p.wait()
	require.ErrorIs(t, r.err, context.Canceled)
}

// failingWriter fails every write.
type failingWriter struct{}

var errDiskGone = errors.New("the pipe is gone")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskGone }

// TestWriteFailureIsFatal: a plea that cannot be written ends Run with
// ErrWrite and the cause.
func TestWriteFailureIsFatal(t *testing.T) {
	var in bytes.Buffer
	w := ipc.NewWriter(&in, ipc.Legacy)
	require.NoError(t, w.WriteWrit(ipc.Play{Eve: 1, Events: pill(t, "counter")}))
	code, err := serf.Run(context.Background(), serf.Config{In: &in, Out: failingWriter{}, Framing: ipc.Legacy})
	require.ErrorIs(t, err, serf.ErrWrite)
	require.ErrorContains(t, err, errDiskGone.Error())
	require.Equal(t, serf.ExitError, code)
}
