package ipc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/kingserf/king/noun"
)

// DefaultMaxFrameSize is the largest frame a Reader accepts unless told
// otherwise: 1 GiB, room for pills of hundreds of megabytes.
const DefaultMaxFrameSize = 1 << 30

const (
	// readBufferSize is the size of the bufio.Reader under each Reader: a
	// pipe's default capacity, so one read syscall can drain a full pipe.
	readBufferSize = 64 << 10
	// growStep is the smallest allocation made while a frame body larger
	// than the reuse buffer arrives. The buffer then doubles, but never
	// beyond what has actually arrived plus one step, so a header that
	// claims a huge length followed by little data costs little memory.
	growStep = 64 << 10
	// retainLimit is the largest frame buffer kept between frames. A pill
	// of hundreds of megabytes is read once; keeping its buffer for the
	// life of the pipe would waste that memory, so a larger buffer is
	// dropped at the start of the next read.
	retainLimit = 16 << 20
)

// ReaderOption configures a Reader.
type ReaderOption func(*Reader)

// WithFraming fixes the framing a Reader expects. Auto (the default)
// detects it from the first frame; see Auto for when that is safe. Any
// other value makes every read fail with ErrBadFraming.
func WithFraming(f Framing) ReaderOption {
	return func(r *Reader) { r.framing = f }
}

// WithMaxFrameSize sets the largest frame length a Reader accepts; a longer
// header is an error before anything is allocated. 0 means
// DefaultMaxFrameSize.
func WithMaxFrameSize(n uint64) ReaderOption {
	return func(r *Reader) {
		if n == 0 {
			n = DefaultMaxFrameSize
		}
		r.max = min(n, uint64(math.MaxInt))
	}
}

// Reader reads frames from a stream. It is not safe for concurrent use.
//
// Invariants: framing is Auto only until the first header byte arrives,
// then fixed; once err is set it is returned by every later read, because
// after a bad or truncated header the stream position is unknown.
type Reader struct {
	br      *bufio.Reader
	framing Framing
	max     uint64
	hdr     [legacyHeaderSize]byte
	// buf is the reuse buffer that ReadFrame's result points into.
	buf []byte
	err error
}

// NewReader returns a Reader of frames from r, which it wraps in one
// bufio.Reader. By default it detects the framing from the first frame and
// accepts frames up to DefaultMaxFrameSize.
func NewReader(r io.Reader, opts ...ReaderOption) *Reader {
	rd := &Reader{
		br:  bufio.NewReaderSize(r, readBufferSize),
		max: DefaultMaxFrameSize,
	}
	for _, o := range opts {
		o(rd)
	}
	return rd
}

// Framing returns the reader's framing: the fixed one, the one detected
// from the first frame, or Auto if nothing has been read yet.
func (r *Reader) Framing() Framing { return r.framing }

// Buffered returns the number of input bytes read from the stream and not
// yet consumed: frames, or parts of frames, that the next reads will
// return without waiting.
func (r *Reader) Buffered() int { return r.br.Buffered() }

// MaxFrameSize returns the largest frame length the reader accepts.
func (r *Reader) MaxFrameSize() uint64 { return r.max }

// ReadFrame reads one frame and returns its payload. The payload lives in a
// buffer the Reader reuses: it is valid only until the next call of any
// Read method; copy it to keep it.
//
// At a clean end of stream between frames it returns io.EOF itself; see
// the package documentation for the other errors, which are sticky.
func (r *Reader) ReadFrame() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if cap(r.buf) > retainLimit {
		r.buf = nil
	}
	n, err := r.readHeader()
	if err == nil {
		var b []byte
		b, err = r.readBody(n)
		if err == nil {
			return b, nil
		}
	}
	r.err = err
	return nil, err
}

// ReadNoun reads one frame and cues it. A frame that does not cue is a
// *BadNounError holding a copy of the frame; the stream stays in sync. The
// noun does not alias the Reader's buffer.
func (r *Reader) ReadNoun() (noun.Noun, error) {
	b, err := r.ReadFrame()
	if err != nil {
		return noun.Zero, err
	}
	n, err := noun.Cue(b)
	if err != nil {
		return noun.Zero, &BadNounError{Frame: bytes.Clone(b), Err: err}
	}
	return n, nil
}

// ReadWrit reads one frame, cues it and decodes it as a writ. A noun that
// is not a writ is a *DecodeError; the stream stays in sync.
func (r *Reader) ReadWrit() (Writ, error) {
	n, err := r.ReadNoun()
	if err != nil {
		return nil, err
	}
	return DecodeWrit(n)
}

// ReadPlea reads one frame, cues it and decodes it as a plea. A noun that
// is not a plea is a *DecodeError; the stream stays in sync.
func (r *Reader) ReadPlea() (Plea, error) {
	n, err := r.ReadNoun()
	if err != nil {
		return nil, err
	}
	return DecodePlea(n)
}

// readHeader reads a frame header, detecting the framing if need be, and
// returns the checked payload length.
func (r *Reader) readHeader() (int, error) {
	if r.framing > Newt {
		// Checked before consuming anything, so the stream is untouched.
		return 0, fmt.Errorf("%w: %v", ErrBadFraming, r.framing)
	}
	first, err := r.br.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("ipc: read frame header: %w", err)
	}
	if r.framing == Auto {
		r.framing = r.detect(first)
	}
	var n uint64
	switch r.framing {
	case Newt:
		if first != 0 {
			return 0, &BadTagError{Tag: first}
		}
		if err := r.readHeaderRest(newtHeaderSize); err != nil {
			return 0, err
		}
		n = uint64(binary.LittleEndian.Uint32(r.hdr[:4]))
	case Legacy:
		r.hdr[0] = first
		if err := r.readHeaderRest(legacyHeaderSize); err != nil {
			return 0, err
		}
		n = binary.LittleEndian.Uint64(r.hdr[:8])
	}
	if n == 0 {
		return 0, ErrZeroLength
	}
	if n > r.max {
		return 0, &FrameTooLargeError{Len: n, Max: r.max}
	}
	return int(n), nil
}

// detect tells the framing of a stream from its first frame, consuming
// nothing but its first byte, already read. A byte other than 0x00 starts
// a legacy frame. A 0x00 starts a newt frame, or a legacy frame whose
// length is a multiple of 256; the bytes at offsets 5 to 7 tell them
// apart. In a legacy frame they are the high bytes of the length, zero
// for any frame under 2^40 bytes. In a newt frame they begin the payload,
// a jam: the jam of a cell (every message of the protocol) starts with an
// odd byte, and a jam starting with three zero bytes is that of an atom
// of at least 2^22 bits.
//
// Peeking never waits for bytes the peer has not promised: bytes 1 to 4
// are header bytes in both framings, and later ones are looked at only
// when the newt reading of the header announces a payload that is
// acceptable (not zero, not over the limit, which would be errors either
// way) and long enough to hold them.
func (r *Reader) detect(first byte) Framing {
	if first != 0 {
		return Legacy
	}
	hdr, err := r.br.Peek(4)
	if err != nil {
		return Newt // too short to tell: the header reports it
	}
	n := uint64(binary.LittleEndian.Uint32(hdr))
	if n == 0 || n > r.max {
		// A zero or too long length in either reading: the newt
		// header reports it without waiting for more.
		return Newt
	}
	next, err := r.br.Peek(5)
	if err != nil || next[4] != 0 {
		return Newt
	}
	if n < 3 {
		// A newt payload of one or two bytes starting with 0x00 is no
		// jam; a legacy length of n*256 is.
		return Legacy
	}
	next, err = r.br.Peek(7)
	if err == nil && next[5] == 0 && next[6] == 0 {
		return Legacy
	}
	return Newt
}

// readHeaderRest reads the header bytes after the first into r.hdr: for a
// newt header the length lands at r.hdr[0:4], for a legacy one at
// r.hdr[1:8] after the first byte already stored at r.hdr[0].
func (r *Reader) readHeaderRest(size int) error {
	dst := r.hdr[1:size]
	if size == newtHeaderSize {
		dst = r.hdr[:size-1]
	}
	got, err := io.ReadFull(r.br, dst)
	if err != nil {
		return r.truncated("header", err, 1+got, size)
	}
	return nil
}

// readBody reads an n-byte payload into the reuse buffer, growing it in
// bounded steps as data arrives rather than trusting n up front.
func (r *Reader) readBody(n int) ([]byte, error) {
	if n <= cap(r.buf) {
		b := r.buf[:n]
		if got, err := io.ReadFull(r.br, b); err != nil {
			return nil, r.truncated("body", err, got, n)
		}
		return b, nil
	}
	b := r.buf[:0]
	for len(b) < n {
		if len(b) == cap(b) {
			c := min(max(2*cap(b), growStep), n)
			nb := make([]byte, len(b), c)
			copy(nb, b)
			b = nb
			r.buf = nb
		}
		m, err := r.br.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err != nil && len(b) < n {
			return nil, r.truncated("body", err, len(b), n)
		}
	}
	return b, nil
}

// truncated turns an error met inside a frame into ErrTruncated when the
// stream ended, or wraps the underlying read error otherwise.
func (r *Reader) truncated(part string, err error, got, want int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s %s: got %d of %d bytes", ErrTruncated, r.framing, part, got, want)
	}
	return fmt.Errorf("ipc: read %s frame %s: %w", r.framing, part, err)
}
