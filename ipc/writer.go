package ipc

import (
	"fmt"
	"io"

	"github.com/kingserf/king/noun"
)

// Writer writes frames to a stream in one framing. Each frame, header and
// body together, goes to the underlying io.Writer in exactly one Write
// call, from a buffer the Writer reuses.
//
// A Writer is not safe for concurrent use; give each stream one writing
// goroutine (or guard it with a mutex). Once a Write fails the error is
// sticky: part of a frame may have been written, so nothing more is.
type Writer struct {
	w       io.Writer
	framing Framing
	// buf holds the frame being written; it is kept between frames unless
	// it grew beyond retainLimit.
	buf []byte
	err error
}

// NewWriter returns a Writer of frames in framing f to w. f must be Legacy
// or Newt; with any other value every write fails with ErrBadFraming.
func NewWriter(w io.Writer, f Framing) *Writer {
	return &Writer{w: w, framing: f}
}

// Framing returns the writer's framing.
func (w *Writer) Framing() Framing { return w.framing }

// WriteFrame writes one frame carrying payload. An empty payload is
// ErrZeroLength and a payload too long for a newt header is
// ErrFrameTooLarge; neither writes anything nor breaks the stream.
func (w *Writer) WriteFrame(payload []byte) error {
	if w.err != nil {
		return w.err
	}
	buf, err := AppendFrame(w.buf[:0], w.framing, payload)
	if err != nil {
		return err
	}
	return w.write(buf)
}

// WriteNoun jams n and writes it as one frame. The jam goes straight into
// the frame buffer, after room left for the header.
func (w *Writer) WriteNoun(n noun.Noun) error {
	if w.err != nil {
		return w.err
	}
	hdr := w.framing.HeaderSize()
	buf := noun.AppendJam(append(w.buf[:0], make([]byte, hdr)...), n)
	if err := checkFrame(w.framing, len(buf)-hdr); err != nil {
		return err
	}
	appendHeader(buf[:0], w.framing, len(buf)-hdr)
	return w.write(buf)
}

// WriteWrit encodes and writes one writ.
func (w *Writer) WriteWrit(m Writ) error {
	if m == nil {
		return fmt.Errorf("ipc: write writ: nil")
	}
	return w.WriteNoun(m.Noun())
}

// WritePlea encodes and writes one plea.
func (w *Writer) WritePlea(m Plea) error {
	if m == nil {
		return fmt.Errorf("ipc: write plea: nil")
	}
	return w.WriteNoun(m.Noun())
}

// write hands one whole frame to the underlying writer in one call.
func (w *Writer) write(frame []byte) error {
	n, err := w.w.Write(frame)
	if err == nil && n != len(frame) {
		err = io.ErrShortWrite
	}
	if cap(frame) <= retainLimit {
		w.buf = frame[:0]
	} else {
		w.buf = nil
	}
	if err != nil {
		w.err = fmt.Errorf("ipc: write %s frame of %d bytes: %w", w.framing, len(frame), err)
		return w.err
	}
	return nil
}
