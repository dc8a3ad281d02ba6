package serf_test

import (
	"bytes"
	"context"
	"errors"
	"io"
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
	sizes  []int // of each write
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.sizes = append(w.sizes, len(p))
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

// TestRepliesOverlapRemainingWrits: of writs that arrive together, the
// first replies leave once they are as long as the writs still waiting,
// so a pipelining king can refill while the serf computes the rest; the
// replies still leave in far fewer writes than there are pleas.
func TestRepliesOverlapRemainingWrits(t *testing.T) {
	var in bytes.Buffer
	w := ipc.NewWriter(&in, ipc.Legacy)
	require.NoError(t, w.WriteWrit(ipc.Play{Eve: 1, Events: pill(t, "counter")}))
	boot := in.Len()
	var j jobs
	const n = 64
	for range n {
		require.NoError(t, w.WriteWrit(ipc.Work{Job: j.job(tagged("x"))}))
	}
	require.NoError(t, w.WriteWrit(ipc.LiveExit{Code: 0}))
	var out recordingWriter
	// All the input arrives in one read.
	r := onceReader{data: in.Bytes()}
	code, err := serf.Run(context.Background(), serf.Config{In: &r, Out: &out, Framing: ipc.Legacy})
	require.NoError(t, err)
	require.Equal(t, 0, code)
	require.NotZero(t, boot)

	// Count the %work replies in each write.
	pr := ipc.NewReader(bytes.NewReader(out.Bytes()), ipc.WithFraming(ipc.Legacy))
	var perWrite []int
	for _, size := range out.sizes {
		k := 0
		for size > 0 {
			f, err := pr.ReadFrame()
			require.NoError(t, err)
			size -= len(f) + 8
			if pl, err := ipc.DecodePlea(mustCue(t, f)); err == nil {
				if _, ok := pl.(ipc.WorkDone); ok {
					k++
				}
			}
		}
		require.Zero(t, size, "a write ended inside a frame")
		if k > 0 {
			perWrite = append(perWrite, k)
		}
	}
	require.Greater(t, len(perWrite), 1, "every reply waited for the last writ: %v", perWrite)
	require.Less(t, perWrite[0], n*3/4, "the first replies waited too long: %v", perWrite)
	require.Less(t, len(perWrite), n/4, "replies were not batched: %v", perWrite)
}

// onceReader returns all its data in its first read, then io.EOF.
type onceReader struct {
	data []byte
	done bool
}

func (r *onceReader) Read(p []byte) (int, error) {
	if r.done || len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	r.done = len(r.data) == 0
	return n, nil
}

func mustCue(t *testing.T, b []byte) noun.Noun {
	t.Helper()
	n, err := noun.Cue(b)
	require.NoError(t, err)
	return n
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
