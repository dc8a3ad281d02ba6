package ipc

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kingserf/king/noun"
)

// fuzzLimits are the frame size limits FuzzFrameReader chooses between:
// the default (so huge claimed lengths meet the bounded-growth path) and
// small ones (so the over-limit path is reached).
var fuzzLimits = []uint64{DefaultMaxFrameSize, 16, 300}

// FuzzFrameReader feeds arbitrary byte streams to a Reader. It must never
// panic; every frame it returns must be non-empty, within the limit, and
// re-encode to exactly the bytes it came from; the stream must end with
// io.EOF only if it was consumed entirely, and otherwise with one of the
// framing errors.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{0x00, 0x01, 0, 0, 0, 0x02}, uint8(0))
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 0, 0, 0x31, 0x12}, uint8(1))
	f.Add([]byte{0x01, 0x01, 0, 0, 0, 0x02}, uint8(2))
	f.Add([]byte{0x00, 0x00, 0x00, 0x00, 0x00}, uint8(0))
	f.Add([]byte{0x00, 0xff, 0xff, 0xff, 0xff, 0x01}, uint8(3))
	f.Add([]byte{0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x02}, uint8(1))
	f.Add(bytes.Repeat([]byte{0x00, 0x01, 0, 0, 0, 0x0c}, 5), uint8(2))
	// A legacy frame of 256 bytes: its first byte is 0x00, as a newt
	// frame's.
	f.Add(append([]byte{0x00, 0x01, 0, 0, 0, 0, 0, 0}, bytes.Repeat([]byte{0x01}, 256)...), uint8(0))
	f.Add([]byte{0x0d, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x9f, 0x2d, 0xcd, 0xae, 0x1c, 0xf0, 0xe7, 0xc2, 0xec, 0xca, 0x50, 0x15}, uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		framing := []Framing{Auto, Legacy, Newt}[mode%3]
		limit := fuzzLimits[int(mode/3)%len(fuzzLimits)]
		r := NewReader(bytes.NewReader(data), WithFraming(framing), WithMaxFrameSize(limit))
		var again []byte
		var err error
		for {
			var b []byte
			b, err = r.ReadFrame()
			if err != nil {
				break
			}
			if len(b) == 0 || uint64(len(b)) > limit {
				t.Fatalf("frame of %d bytes with limit %d", len(b), limit)
			}
			again, err = AppendFrame(again, r.Framing(), b)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if !bytes.HasPrefix(data, again) {
				t.Fatalf("frames do not re-encode to the input")
			}
			_, _ = noun.Cue(b) // must not panic
		}
		switch {
		case err == io.EOF:
			if len(again) != len(data) {
				t.Fatalf("io.EOF after %d of %d bytes", len(again), len(data))
			}
		case errors.Is(err, ErrZeroLength), errors.Is(err, ErrBadTag),
			errors.Is(err, ErrFrameTooLarge), errors.Is(err, ErrTruncated):
			if len(again) == len(data) {
				t.Fatalf("error %v at a clean end of stream", err)
			}
		default:
			t.Fatalf("unexpected error %v", err)
		}
		if _, again := r.ReadFrame(); again != err {
			t.Fatalf("error not sticky: %v then %v", err, again)
		}
	})
}

// fuzzSeeds adds the jam of every sample message and of some malformed
// nouns.
func fuzzSeeds(f *testing.F) {
	for _, w := range sampleWrits() {
		f.Add(noun.Jam(w.Noun()))
	}
	for _, p := range samplePleas() {
		f.Add(noun.Jam(p.Noun()))
	}
	for _, s := range []string{"5", "[%live 5]", "[%work %done 1 2 3]", "[%play 1 [1 2]]", "[%work %bail [%exit 5] ~]"} {
		n, err := noun.Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(noun.Jam(n))
	}
	f.Add([]byte{})
	f.Add([]byte{0x00})
}

// FuzzDecodeWrit cues arbitrary bytes and decodes them as a writ. It must
// never panic; a decoded writ must re-encode to the very noun it came from
// and decode again to the same writ; a failure must be a *DecodeError.
func FuzzDecodeWrit(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := noun.Cue(data)
		if err != nil {
			return
		}
		w, err := DecodeWrit(n)
		if err != nil {
			checkDecodeError(t, err, "ipc: decode writ ")
			return
		}
		if !noun.Equal(n, w.Noun()) {
			t.Fatalf("%v re-encodes to a different noun", w)
		}
		w2, err := DecodeWrit(w.Noun())
		if err != nil {
			t.Fatalf("re-decode %v: %v", w, err)
		}
		requireSame(t, w, w2)
	})
}

// FuzzDecodePlea is FuzzDecodeWrit for pleas.
func FuzzDecodePlea(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := noun.Cue(data)
		if err != nil {
			return
		}
		p, err := DecodePlea(n)
		if err != nil {
			checkDecodeError(t, err, "ipc: decode plea ")
			return
		}
		if !noun.Equal(n, p.Noun()) {
			t.Fatalf("%v re-encodes to a different noun", p)
		}
		p2, err := DecodePlea(p.Noun())
		if err != nil {
			t.Fatalf("re-decode %v: %v", p, err)
		}
		requireSame(t, p, p2)
	})
}

func checkDecodeError(t *testing.T, err error, prefix string) {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("not a *DecodeError: %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, prefix) || len(msg) > 400 {
		t.Fatalf("bad error text %q", msg)
	}
}
