package ipc

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// cellJamming returns a cell whose jam is exactly n bytes long.
func cellJamming(t *testing.T, n int) noun.Noun {
	t.Helper()
	// The jam is the atom's bytes plus a few of headers.
	for k := max(1, n-16); k < n; k++ {
		c := noun.Cell(noun.AtomBytes(bytes.Repeat([]byte{0x5a}, k)), noun.Zero)
		if len(noun.Jam(c)) == n {
			return c
		}
	}
	t.Fatalf("no cell jams to %d bytes", n)
	return noun.Zero
}

// TestAutoDetectsEveryFraming: Auto tells legacy from newt for first
// frames whose legacy length starts with a 0x00 byte (multiples of 256)
// and for newt frames of every kind of jam, reading from a pipe whose
// writer stays open, so detection never waits for bytes that are not
// coming.
func TestAutoDetectsEveryFraming(t *testing.T) {
	big := noun.AtomBytes(bytes.Repeat([]byte{0xab}, 100)) // its jam starts with a zero byte
	for _, tc := range []struct {
		name string
		n    noun.Noun
	}{
		{"smallest cell", noun.Cell(noun.Zero, noun.Zero)},
		{"cell of 256 bytes", cellJamming(t, 256)},
		{"cell of 512 bytes", cellJamming(t, 512)},
		{"cell of 65536 bytes", cellJamming(t, 65536)},
		{"atom of 800 bits", big},
		{"atom 1", noun.Atom(1)},
	} {
		for _, f := range []Framing{Legacy, Newt} {
			t.Run(tc.name+"/"+f.String(), func(t *testing.T) {
				if f == Legacy && tc.name == "smallest cell" {
					// Not a multiple of 256, but still a legacy frame.
					require.NotZero(t, len(noun.Jam(tc.n))%256)
				}
				pr, pw, err := os.Pipe()
				require.NoError(t, err)
				defer pr.Close()
				defer pw.Close()
				done := make(chan error, 1)
				go func() { done <- NewWriter(pw, f).WriteNoun(tc.n) }()
				r := NewReader(pr)
				got, err := r.ReadNoun()
				require.NoError(t, err)
				require.NoError(t, <-done)
				require.True(t, noun.Equal(tc.n, got))
				require.Equal(t, f, r.Framing())
			})
		}
	}
}

// TestAutoDetectionDoesNotWaitOnBadHeaders: a newt header that is bad in
// either reading (zero length, over the limit) is reported at once, while
// the writer stays open and sends nothing more.
func TestAutoDetectionDoesNotWaitOnBadHeaders(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header []byte
		want   error
	}{
		{"zero length", []byte{0, 0, 0, 0, 0}, ErrZeroLength},
		{"over the limit", []byte{0, 0, 0, 0, 1}, ErrFrameTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw, err := os.Pipe()
			require.NoError(t, err)
			defer pr.Close()
			defer pw.Close()
			_, err = pw.Write(tc.header)
			require.NoError(t, err)
			r := NewReader(pr, WithMaxFrameSize(1<<16))
			_, err = r.ReadFrame()
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, Newt, r.Framing())
		})
	}
}
