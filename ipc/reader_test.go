package ipc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// legacyHeader and newtHeader build raw headers, including invalid ones.
func legacyHeader(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }

func newtHeader(tag byte, n uint32) []byte {
	return binary.LittleEndian.AppendUint32([]byte{tag}, n)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestReaderErrors(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		opts    []ReaderOption
		input   io.Reader
		frames  []string // payloads read successfully before the error
		want    error    // matched with errors.Is, or == for io.EOF
		tooBig  *FrameTooLargeError
		badTag  byte
		framing Framing // after the error
	}{
		{name: "empty stream", input: bytes.NewReader(nil), want: io.EOF, framing: Auto},
		{name: "eof between legacy frames", input: bytes.NewReader(cat(legacyHeader(2), []byte("ab"))),
			frames: []string{"ab"}, want: io.EOF, framing: Legacy},
		{name: "eof between newt frames", input: bytes.NewReader(cat(newtHeader(0, 1), []byte("a"), newtHeader(0, 2), []byte("bc"))),
			frames: []string{"a", "bc"}, want: io.EOF, framing: Newt},
		{name: "legacy zero length", opts: []ReaderOption{WithFraming(Legacy)}, input: bytes.NewReader(legacyHeader(0)), want: ErrZeroLength, framing: Legacy},
		{name: "newt zero length", input: bytes.NewReader(newtHeader(0, 0)), want: ErrZeroLength, framing: Newt},
		{name: "legacy zero length after a frame", input: bytes.NewReader(cat(legacyHeader(1), []byte("x"), legacyHeader(0))),
			frames: []string{"x"}, want: ErrZeroLength, framing: Legacy},
		{name: "newt bad tag", opts: []ReaderOption{WithFraming(Newt)}, input: bytes.NewReader(newtHeader(1, 5)),
			want: ErrBadTag, badTag: 1, framing: Newt},
		{name: "newt bad tag at eof", opts: []ReaderOption{WithFraming(Newt)}, input: bytes.NewReader([]byte{0xff}),
			want: ErrBadTag, badTag: 0xff, framing: Newt},
		{name: "newt bad tag after detected frame", input: bytes.NewReader(cat(newtHeader(0, 1), []byte("a"), newtHeader(7, 1), []byte("b"))),
			frames: []string{"a"}, want: ErrBadTag, badTag: 7, framing: Newt},
		{name: "legacy over default limit", opts: []ReaderOption{WithFraming(Legacy)}, input: bytes.NewReader(legacyHeader(1 << 40)),
			want: ErrFrameTooLarge, tooBig: &FrameTooLargeError{Len: 1 << 40, Max: DefaultMaxFrameSize}, framing: Legacy},
		{name: "legacy max uint64", input: bytes.NewReader(legacyHeader(^uint64(0))),
			want: ErrFrameTooLarge, tooBig: &FrameTooLargeError{Len: ^uint64(0), Max: DefaultMaxFrameSize}, framing: Legacy},
		{name: "newt over default limit", input: bytes.NewReader(newtHeader(0, 1<<30+1)),
			want: ErrFrameTooLarge, tooBig: &FrameTooLargeError{Len: 1<<30 + 1, Max: DefaultMaxFrameSize}, framing: Newt},
		{name: "over configured limit", opts: []ReaderOption{WithMaxFrameSize(3)},
			input:  bytes.NewReader(cat(legacyHeader(3), []byte("abc"), legacyHeader(4), []byte("abcd"))),
			frames: []string{"abc"}, want: ErrFrameTooLarge, tooBig: &FrameTooLargeError{Len: 4, Max: 3}, framing: Legacy},
		{name: "eof in legacy header", input: bytes.NewReader([]byte{5, 0, 0}), want: ErrTruncated, framing: Legacy},
		{name: "eof in newt header after tag", input: bytes.NewReader([]byte{0}), want: ErrTruncated, framing: Newt},
		{name: "eof in newt length", input: bytes.NewReader([]byte{0, 5, 0}), want: ErrTruncated, framing: Newt},
		{name: "eof in legacy body", input: bytes.NewReader(cat(legacyHeader(5), []byte("abc"))), want: ErrTruncated, framing: Legacy},
		{name: "eof in newt body", input: bytes.NewReader(cat(newtHeader(0, 5), []byte("abcd"))), want: ErrTruncated, framing: Newt},
		{name: "eof in empty body", input: bytes.NewReader(legacyHeader(5)), want: ErrTruncated, framing: Legacy},
		{name: "read error in header", input: io.MultiReader(bytes.NewReader([]byte{0, 1}), iotest.ErrReader(errBoom)),
			want: errBoom, framing: Newt},
		{name: "read error before header", input: iotest.ErrReader(errBoom), want: errBoom, framing: Auto},
		{name: "read error in body", input: io.MultiReader(bytes.NewReader(cat(legacyHeader(4), []byte("a"))), iotest.ErrReader(errBoom)),
			want: errBoom, framing: Legacy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(tc.input, tc.opts...)
			for _, f := range tc.frames {
				b, err := r.ReadFrame()
				require.NoError(t, err)
				require.Equal(t, f, string(b))
			}
			b, err := r.ReadFrame()
			require.Nil(t, b)
			if tc.want == io.EOF {
				require.Equal(t, io.EOF, err, "EOF between frames must be io.EOF itself")
			} else {
				require.ErrorIs(t, err, tc.want)
				require.NotErrorIs(t, err, io.EOF)
			}
			for _, other := range []error{ErrZeroLength, ErrBadTag, ErrFrameTooLarge, ErrTruncated} {
				if other != tc.want {
					require.NotErrorIs(t, err, other, "errors must be distinct")
				}
			}
			if tc.tooBig != nil {
				var e *FrameTooLargeError
				require.ErrorAs(t, err, &e)
				require.Equal(t, tc.tooBig, e)
			}
			if tc.want == ErrBadTag {
				var e *BadTagError
				require.ErrorAs(t, err, &e)
				require.Equal(t, tc.badTag, e.Tag)
			}
			require.Regexp(t, `^(EOF|ipc: )`, err.Error())
			require.Equal(t, tc.framing, r.Framing())
			// The error is sticky.
			_, again := r.ReadFrame()
			require.Equal(t, err, again)
			_, again = r.ReadNoun()
			require.Equal(t, err, again)
		})
	}
}

func TestReaderTruncatedMessage(t *testing.T) {
	_, err := NewReader(bytes.NewReader(cat(newtHeader(0, 9), []byte("abcd")))).ReadFrame()
	require.EqualError(t, err, "ipc: stream ends inside a frame: newt body: got 4 of 9 bytes")
	_, err = NewReader(bytes.NewReader([]byte{1, 2, 3})).ReadFrame()
	require.EqualError(t, err, "ipc: stream ends inside a frame: legacy header: got 3 of 8 bytes")
}

func TestReaderDetection(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  Framing
	}{
		{"newt", cat(newtHeader(0, 1), []byte{2}), Newt},
		{"legacy", cat(legacyHeader(1), []byte{2}), Legacy},
		{"legacy long", cat(legacyHeader(300), bytes.Repeat([]byte{2}, 300)), Legacy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(tc.input))
			require.Equal(t, Auto, r.Framing())
			_, err := r.ReadFrame()
			require.NoError(t, err)
			require.Equal(t, tc.want, r.Framing())
		})
	}
}

func TestReaderFixedFramingIgnoresFirstByte(t *testing.T) {
	// A legacy frame of 256 bytes starts with 0x00; only a fixed framing
	// reads it right.
	payload := bytes.Repeat([]byte{9}, 256)
	r := NewReader(bytes.NewReader(cat(legacyHeader(256), payload)), WithFraming(Legacy))
	b, err := r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, payload, b)
}

func TestReaderBadFraming(t *testing.T) {
	src := bytes.NewReader(cat(legacyHeader(1), []byte{1}))
	r := NewReader(src, WithFraming(Framing(9)))
	_, err := r.ReadFrame()
	require.ErrorIs(t, err, ErrBadFraming)
	require.EqualError(t, err, "ipc: unknown framing: framing(9)")
	require.Equal(t, 9, src.Len(), "nothing was consumed")
}

func TestReaderMaxFrameSizeOption(t *testing.T) {
	require.Equal(t, uint64(DefaultMaxFrameSize), NewReader(bytes.NewReader(nil)).MaxFrameSize())
	require.Equal(t, uint64(DefaultMaxFrameSize), NewReader(bytes.NewReader(nil), WithMaxFrameSize(0)).MaxFrameSize())
	require.Equal(t, uint64(7), NewReader(bytes.NewReader(nil), WithMaxFrameSize(7)).MaxFrameSize())
}

func TestReaderBufferReuse(t *testing.T) {
	r := NewReader(bytes.NewReader(cat(legacyHeader(3), []byte("abc"), legacyHeader(2), []byte("xy"))))
	b1, err := r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "abc", string(b1))
	b2, err := r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "xy", string(b2))
	require.Same(t, &b1[0], &b2[0], "the second frame must reuse the first frame's buffer")

	// Steady state: reading small frames allocates nothing.
	var stream []byte
	for i := 0; i < 200; i++ {
		stream = append(stream, cat(newtHeader(0, 68), bytes.Repeat([]byte{1}, 68))...)
	}
	r = NewReader(bytes.NewReader(stream))
	_, err = r.ReadFrame()
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := r.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

func TestReaderNounOutlivesBuffer(t *testing.T) {
	big := noun.AtomBytes(bytes.Repeat([]byte{0xab}, 100))
	var buf bytes.Buffer
	w := NewWriter(&buf, Newt)
	require.NoError(t, w.WriteNoun(big))
	require.NoError(t, w.WriteNoun(noun.AtomBytes(bytes.Repeat([]byte{0x11}, 100))))
	r := NewReader(&buf)
	n1, err := r.ReadNoun()
	require.NoError(t, err)
	n2, err := r.ReadNoun()
	require.NoError(t, err)
	require.True(t, noun.Equal(big, n1), "a noun must not alias the frame buffer")
	require.False(t, noun.Equal(n1, n2))
}

// TestReaderBoundedGrowth checks that a header claiming a huge frame costs
// memory in proportion to the bytes that actually arrive.
func TestReaderBoundedGrowth(t *testing.T) {
	sent := 100 << 10
	input := cat(legacyHeader(DefaultMaxFrameSize), make([]byte, sent))
	r := NewReader(bytes.NewReader(input), WithFraming(Legacy))
	_, err := r.ReadFrame()
	require.ErrorIs(t, err, ErrTruncated)
	require.LessOrEqual(t, cap(r.buf), 2*sent+growStep)
	require.Contains(t, err.Error(), "got 102400 of 1073741824 bytes")
}

// TestReaderDropsHugeBuffer checks that a buffer grown for one huge frame
// is not kept for the life of the stream.
func TestReaderDropsHugeBuffer(t *testing.T) {
	huge := bytes.Repeat([]byte{3}, retainLimit+1)
	r := NewReader(bytes.NewReader(cat(newtHeader(0, uint32(len(huge))), huge, newtHeader(0, 1), []byte{4})))
	b, err := r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, huge, b)
	b, err = r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, []byte{4}, b)
	require.Less(t, cap(r.buf), retainLimit)
}

func TestReaderBadNoun(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Legacy)
	require.NoError(t, w.WriteFrame([]byte{0x00, 0x00})) // runs off the end: does not cue
	require.NoError(t, w.WriteNoun(noun.Atom(5)))        // a noun but no plea
	require.NoError(t, w.WritePlea(Live{}))              // fine
	r := NewReader(&buf, WithFraming(Legacy))

	_, err := r.ReadPlea()
	var bad *BadNounError
	require.ErrorAs(t, err, &bad)
	require.Equal(t, []byte{0, 0}, bad.Frame)
	require.ErrorIs(t, err, ErrBadNoun)
	require.ErrorIs(t, err, noun.ErrCueTruncated)
	require.Contains(t, err.Error(), "ipc: frame of 2 bytes does not cue")

	_, err = r.ReadPlea()
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	require.ErrorIs(t, err, ErrMalformed)
	require.EqualError(t, err, "ipc: decode plea tag: want cell [tag data], got atom 5")

	p, err := r.ReadPlea()
	require.NoError(t, err, "the stream stays in sync after bad nouns")
	require.Equal(t, Live{}, p)
	_, err = r.ReadPlea()
	require.Equal(t, io.EOF, err)
}

func TestReaderReadWrit(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Newt)
	require.NoError(t, w.WriteWrit(LiveSave{Eve: 9}))
	require.NoError(t, w.WriteNoun(noun.T(noun.Cord("frob"), noun.Zero)))
	r := NewReader(&buf, WithFraming(Newt))
	m, err := r.ReadWrit()
	require.NoError(t, err)
	require.Equal(t, LiveSave{Eve: 9}, m)
	_, err = r.ReadWrit()
	require.EqualError(t, err, "ipc: decode writ tag: want %live, %peek, %play or %work, got %frob")
	_, err = r.ReadWrit()
	require.Equal(t, io.EOF, err)
}

// TestReaderBuffered: Buffered counts the bytes read ahead and not yet
// returned, whole frames and parts of frames alike.
func TestReaderBuffered(t *testing.T) {
	input := cat(legacyHeader(3), []byte("abc"), legacyHeader(2), []byte("de"), legacyHeader(4), []byte("f"))
	r := NewReader(bytes.NewReader(input), WithFraming(Legacy))
	require.Zero(t, r.Buffered())
	f, err := r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "abc", string(f))
	require.Equal(t, len(input)-11, r.Buffered())
	f, err = r.ReadFrame()
	require.NoError(t, err)
	require.Equal(t, "de", string(f))
	require.Equal(t, 9, r.Buffered(), "the header and first byte of a frame not yet whole")
	_, err = r.ReadFrame()
	require.ErrorIs(t, err, ErrTruncated)
}
