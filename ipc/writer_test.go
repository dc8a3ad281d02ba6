package ipc

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// recordingWriter records every Write call separately.
type recordingWriter struct {
	writes [][]byte
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

func TestWriterOneWritePerFrame(t *testing.T) {
	for _, f := range []Framing{Legacy, Newt} {
		t.Run(f.String(), func(t *testing.T) {
			rec := &recordingWriter{}
			w := NewWriter(rec, f)
			payloads := [][]byte{{1}, bytes.Repeat([]byte{2}, 68), bytes.Repeat([]byte{3}, 70000), bytes.Repeat([]byte{4}, 1<<20), {5}}
			for _, p := range payloads {
				require.NoError(t, w.WriteFrame(p))
			}
			require.NoError(t, w.WriteNoun(noun.T(noun.Atom(1), noun.Atom(2), noun.Atom(3))))
			require.NoError(t, w.WriteWrit(Work{Mil: 5, Job: noun.Cell(noun.Atom(1), noun.Atom(2))}))
			require.NoError(t, w.WritePlea(PlayDone{Mug: 0x7d035270}))
			require.Len(t, rec.writes, len(payloads)+3, "one Write call per frame")

			// Every Write call carried exactly one whole frame.
			for i, one := range rec.writes {
				r := NewReader(bytes.NewReader(one), WithFraming(f))
				b, err := r.ReadFrame()
				require.NoError(t, err, "write %d", i)
				if i < len(payloads) {
					require.Equal(t, payloads[i], b)
				}
				if i == len(payloads) {
					require.Equal(t, noun.Jam(noun.T(noun.Atom(1), noun.Atom(2), noun.Atom(3))), b)
				}
				_, err = r.ReadFrame()
				require.Equal(t, io.EOF, err, "write %d holds more than one frame", i)
			}
		})
	}
}

func TestWriterNoAllocsSteadyState(t *testing.T) {
	w := NewWriter(io.Discard, Newt)
	payload := bytes.Repeat([]byte{1}, 68)
	require.NoError(t, w.WriteFrame(payload))
	allocs := testing.AllocsPerRun(100, func() {
		if err := w.WriteFrame(payload); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

// TestWriterNounNoAllocsSteadyState: a small message is jammed straight
// into the reused frame buffer.
func TestWriterNounNoAllocsSteadyState(t *testing.T) {
	w := NewWriter(io.Discard, Legacy)
	plea := WorkDone{Eve: 7, Mug: 0x1234, Effects: noun.T(noun.Cord("fx"), noun.Zero)}.Noun()
	require.NoError(t, w.WriteNoun(plea))
	allocs := testing.AllocsPerRun(100, func() {
		if err := w.WriteNoun(plea); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

func TestWriterRejects(t *testing.T) {
	rec := &recordingWriter{}
	w := NewWriter(rec, Legacy)
	require.ErrorIs(t, w.WriteFrame(nil), ErrZeroLength)
	require.ErrorIs(t, w.WriteFrame([]byte{}), ErrZeroLength)
	require.Error(t, w.WriteWrit(nil))
	require.Error(t, w.WritePlea(nil))
	require.Empty(t, rec.writes)
	require.NoError(t, w.WriteFrame([]byte{1}), "a rejected frame does not break the stream")
	require.Len(t, rec.writes, 1)

	for _, f := range []Framing{Auto, Framing(9)} {
		err := NewWriter(rec, f).WriteFrame([]byte{1})
		require.ErrorIs(t, err, ErrBadFraming)
		err = NewWriter(rec, f).WriteNoun(noun.Atom(1))
		require.ErrorIs(t, err, ErrBadFraming)
		require.Equal(t, 1, len(rec.writes))
	}
}

func TestCheckFrameNewtLimit(t *testing.T) {
	require.NoError(t, checkFrame(Newt, maxNewtLen))
	err := checkFrame(Newt, maxNewtLen+1)
	var e *FrameTooLargeError
	require.ErrorAs(t, err, &e)
	require.Equal(t, &FrameTooLargeError{Len: maxNewtLen + 1, Max: maxNewtLen}, e)
	require.ErrorIs(t, err, ErrFrameTooLarge)
	require.NoError(t, checkFrame(Legacy, maxNewtLen+1))
}

// failingWriter fails every write after the first ok ones.
type failingWriter struct {
	ok    int
	calls int
	short bool
}

var errPipe = errors.New("broken pipe")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls <= w.ok {
		return len(p), nil
	}
	if w.short {
		return len(p) / 2, nil
	}
	return 1, errPipe
}

func TestWriterErrorsAreSticky(t *testing.T) {
	fw := &failingWriter{ok: 1}
	w := NewWriter(fw, Newt)
	require.NoError(t, w.WriteFrame([]byte("abc")))
	err := w.WriteFrame([]byte("def"))
	require.ErrorIs(t, err, errPipe)
	require.EqualError(t, err, "ipc: write newt frame of 8 bytes: broken pipe")
	require.Equal(t, err, w.WriteFrame([]byte("ghi")))
	require.Equal(t, err, w.WriteNoun(noun.Atom(1)))
	require.Equal(t, 2, fw.calls, "nothing is written after a failure")

	sw := &failingWriter{short: true}
	err = NewWriter(sw, Legacy).WriteFrame([]byte("abcd"))
	require.ErrorIs(t, err, io.ErrShortWrite)
}

func TestAppendFrame(t *testing.T) {
	dst := []byte("prefix")
	out, err := AppendFrame(dst, Newt, []byte{0xaa, 0xbb})
	require.NoError(t, err)
	require.Equal(t, append([]byte("prefix"), 0, 2, 0, 0, 0, 0xaa, 0xbb), out)
	out, err = AppendFrame([]byte("p"), Legacy, []byte{0xaa})
	require.NoError(t, err)
	require.Equal(t, []byte{'p', 1, 0, 0, 0, 0, 0, 0, 0, 0xaa}, out)
	out, err = AppendFrame([]byte("p"), Legacy, nil)
	require.ErrorIs(t, err, ErrZeroLength)
	require.Equal(t, []byte("p"), out)
}

func TestFramingNames(t *testing.T) {
	for _, f := range []Framing{Auto, Legacy, Newt} {
		got, err := ParseFraming(f.String())
		require.NoError(t, err)
		require.Equal(t, f, got)
	}
	_, err := ParseFraming("newtish")
	require.ErrorIs(t, err, ErrBadFraming)
	require.EqualError(t, err, `ipc: unknown framing "newtish" (want auto, legacy or newt)`)
	require.Equal(t, "framing(9)", Framing(9).String())
	require.Equal(t, 8, Legacy.HeaderSize())
	require.Equal(t, 5, Newt.HeaderSize())
	require.Equal(t, 0, Auto.HeaderSize())
}
