package ipc

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// TestPipeBigFrame sends a frame bigger than the pipe, the read buffer and
// the retain limit through an os.Pipe while a writer goroutine runs.
func TestPipeBigFrame(t *testing.T) {
	for _, f := range []Framing{Legacy, Newt} {
		t.Run(f.String(), func(t *testing.T) {
			pr, pw, err := os.Pipe()
			require.NoError(t, err)
			defer pr.Close()

			big := make([]byte, 24<<20)
			for i := range big {
				big[i] = byte(i * 7)
			}
			payloads := [][]byte{[]byte("first"), big, []byte("after")}
			for i := 0; i < 100; i++ {
				payloads = append(payloads, bytes.Repeat([]byte{byte(i)}, 68))
			}

			done := make(chan error, 1)
			go func() {
				w := NewWriter(pw, f)
				for _, p := range payloads {
					if err := w.WriteFrame(p); err != nil {
						pw.Close()
						done <- err
						return
					}
				}
				done <- pw.Close()
			}()

			r := NewReader(pr)
			for i, want := range payloads {
				got, err := r.ReadFrame()
				require.NoError(t, err, "frame %d", i)
				require.True(t, bytes.Equal(want, got), "frame %d differs", i)
			}
			_, err = r.ReadFrame()
			require.Equal(t, io.EOF, err)
			require.Equal(t, f, r.Framing())
			require.NoError(t, <-done)
		})
	}
}

// TestPipePipelined plays both ends of a conversation over two pipes, the
// king side keeping 100 writs in flight before reading any plea, and the
// serf side interleaving %slog pleas with its replies.
func TestPipePipelined(t *testing.T) {
	const inFlight = 100
	writR, writW, err := os.Pipe()
	require.NoError(t, err)
	pleaR, pleaW, err := os.Pipe()
	require.NoError(t, err)
	defer writR.Close()
	defer pleaR.Close()

	serfDone := make(chan error, 1)
	go func() {
		defer pleaW.Close()
		r := NewReader(writR, WithFraming(Newt))
		w := NewWriter(pleaW, Newt)
		eve := uint64(0)
		for {
			m, err := r.ReadWrit()
			if err == io.EOF {
				serfDone <- nil
				return
			}
			if err != nil {
				serfDone <- err
				return
			}
			work, ok := m.(Work)
			if !ok {
				serfDone <- io.ErrUnexpectedEOF
				return
			}
			eve++
			if err := w.WritePlea(Slog{Priority: eve, Tank: work.Job}); err != nil {
				serfDone <- err
				return
			}
			effects := noun.T(work.Job, noun.Zero)
			if err := w.WritePlea(WorkDone{Eve: eve, Mug: uint32(eve), Effects: effects}); err != nil {
				serfDone <- err
				return
			}
		}
	}()

	w := NewWriter(writW, Newt)
	for i := 1; i <= inFlight; i++ {
		job := noun.T(noun.Atom(uint64(i)), noun.Cord("wire"), noun.Cord("card"))
		require.NoError(t, w.WriteWrit(Work{Job: job}))
	}
	require.NoError(t, writW.Close())

	r := NewReader(pleaR)
	for i := uint64(1); i <= inFlight; i++ {
		p, err := r.ReadPlea()
		require.NoError(t, err)
		slog, ok := p.(Slog)
		require.True(t, ok, "got %v", p)
		require.Equal(t, i, slog.Priority)
		p, err = r.ReadPlea()
		require.NoError(t, err)
		done, ok := p.(WorkDone)
		require.True(t, ok, "got %v", p)
		require.Equal(t, i, done.Eve)
		require.Equal(t, uint32(i), done.Mug)
		h, _, _ := done.Effects.Uncell()
		now, _ := h.Head().Word()
		require.Equal(t, i, now, "replies come in order")
	}
	_, err = r.ReadPlea()
	require.Equal(t, io.EOF, err)
	require.NoError(t, <-serfDone)
}
