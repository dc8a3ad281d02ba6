package noun

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/bits"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// streamBuilder writes jam streams bit by bit, independently of Jam, so
// tests can build malformed and non-canonical input.
type streamBuilder struct{ bits []byte }

func (s *streamBuilder) bit(b uint) *streamBuilder {
	s.bits = append(s.bits, byte(b&1))
	return s
}

// matBits writes mat of the value whose low nbits bits are v (nbits may
// exceed bit-length(v), giving high zero bits, as hostile input may).
func (s *streamBuilder) matBits(v uint64, nbits int) *streamBuilder {
	if nbits == 0 {
		return s.bit(1)
	}
	c := bits.Len(uint(nbits))
	for i := 0; i < c; i++ {
		s.bit(0)
	}
	s.bit(1)
	for i := 0; i < c-1; i++ {
		s.bit(uint(nbits >> i))
	}
	for i := 0; i < nbits; i++ {
		if i < 64 {
			s.bit(uint(v >> i))
		} else {
			s.bit(0)
		}
	}
	return s
}

func (s *streamBuilder) atom(v uint64) *streamBuilder {
	return s.bit(0).matBits(v, bits.Len64(v))
}

func (s *streamBuilder) cell() *streamBuilder { return s.bit(1).bit(0) }

func (s *streamBuilder) backref(k uint64) *streamBuilder {
	return s.bit(1).bit(1).matBits(k, bits.Len64(k))
}

func (s *streamBuilder) pos() uint64 { return uint64(len(s.bits)) }

func (s *streamBuilder) bytes() []byte {
	out := make([]byte, (len(s.bits)+7)/8)
	for i, b := range s.bits {
		out[i/8] |= b << (i % 8)
	}
	return out
}

// openCellsThenRef opens hundreds of cells, completes one [0 0] deep
// inside, and refers back to it: every cell number is far beyond what a
// valid noun of that size could hold.
func openCellsThenRef() []byte {
	var s streamBuilder
	for i := 0; i < 500; i++ {
		s.cell()
	}
	inner := s.pos()
	s.cell().atom(0).atom(0)
	s.backref(inner)
	return s.bytes()
}

func TestCueErrors(t *testing.T) {
	pendingCell := new(streamBuilder).cell().backref(0).atom(1).bytes()
	midAtom := new(streamBuilder).cell().atom(300).backref(3).bytes()
	var viaRef streamBuilder // [[5 5] <backref to the second 5>]
	viaRef.cell().cell().atom(5)
	refPos := viaRef.pos()
	viaRef.backref(4) // a real (non-canonical) backref, to the atom 5
	viaRef.backref(refPos)
	tooLong := new(streamBuilder).bit(0)
	for i := 0; i < 40; i++ {
		tooLong.bit(0)
	}
	tooLong.bit(1)
	for i := 0; i < 39; i++ {
		tooLong.bit(0)
	}
	wideRef := new(streamBuilder).cell().atom(1).bit(1).bit(1).matBits(1, 65)

	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrCueEmpty},
		{"empty slice", []byte{}, ErrCueEmpty},
		{"lone cell tag", []byte{0x01}, ErrCueTruncated},
		{"atom with no length", []byte{0x00}, ErrCueTruncated},
		{"cell missing tail", new(streamBuilder).cell().atom(1).bytes(), ErrCueTruncated},
		{"backref tag only", []byte{0x03}, ErrCueTruncated},
		{"open cells to the end", bytes.Repeat([]byte{0x55}, 64), ErrCueTruncated},
		{"open cells around a complete one", append(bytes.Repeat([]byte{0x55}, 100), 0x29), ErrCueTruncated},
		{"open cells then a backref to the last", openCellsThenRef(), ErrCueTruncated},
		{"length cut short", []byte{0x80}, ErrCueTruncated},
		{"atom bits cut short", new(streamBuilder).bit(0).bit(0).bit(0).bit(0).bit(1).bit(1).bit(1).bytes(), ErrCueAtomLength},
		{"64 zero bits of length prefix", append(make([]byte, 9), 0x01), ErrCueLengthPrefix},
		{"many zero bytes", make([]byte, 100), ErrCueLengthPrefix},
		{"atom longer than input", tooLong.bytes(), ErrCueAtomLength},
		{"backref to enclosing cell", pendingCell, ErrCueBackref},
		{"backref into the middle of an atom", midAtom, ErrCueBackref},
		{"backref to a backref", viaRef.bytes(), ErrCueBackref},
		{"backref forward", new(streamBuilder).cell().backref(40).atom(1).bytes(), ErrCueBackref},
		{"root backref to itself", new(streamBuilder).backref(0).bytes(), ErrCueBackref},
		{"backref offset over 64 bits", wideRef.bytes(), ErrCueBackref},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Cue(tc.in)
			require.ErrorIs(t, err, tc.want, "got noun %v", n)
			var ce *CueError
			require.True(t, errors.As(err, &ce))
			require.Contains(t, err.Error(), "noun: cue")
			require.Contains(t, err.Error(), "bit ")
			require.True(t, n.IsZero())
		})
	}
}

// TestCueNonCanonical checks streams the reference runtime accepts though
// jam never writes them.
func TestCueNonCanonical(t *testing.T) {
	var smallRef streamBuilder // [3 3] with the second 3 as a backref
	smallRef.cell().atom(3).backref(2)
	tests := []struct {
		name string
		in   []byte
		want Noun
	}{
		{"atom with high zero bits", new(streamBuilder).bit(0).matBits(5, 9).bytes(), Atom(5)},
		{"wide encoding of a direct atom", new(streamBuilder).bit(0).matBits(5, 130).bytes(), Atom(5)},
		{"wide encoding of zero", new(streamBuilder).bit(0).matBits(0, 70).bytes(), Zero},
		{"backref to a small atom", smallRef.bytes(), T(Atom(3), Atom(3))},
		{"trailing bytes", append(Jam(T(Atom(1), Atom(2))), 0xff, 0x00, 0x13), T(Atom(1), Atom(2))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Cue(tc.in)
			require.NoError(t, err)
			require.True(t, Equal(tc.want, got))
		})
	}
}

// TestCueBackrefs covers every kind of backref target, including atoms
// re-decoded from the stream and big atoms found by offset.
func TestCueBackrefs(t *testing.T) {
	big := AtomWords([]uint64{7, 8, 9})
	cord := Cord("a cord of some length")
	pair := T(Atom(1), Atom(2))
	n := T(big, cord, pair, T(big, cord, pair), Atom(1<<40), Atom(1<<40), big)
	back, err := Cue(Jam(n))
	require.NoError(t, err)
	require.True(t, Equal(n, back))
	// Decoded backrefs share the first copy.
	h, rest, _ := back.Uncell()
	_, rest, _ = rest.Uncell()
	_, rest, _ = rest.Uncell()
	inner, _, _ := rest.Uncell()
	h2, _, _ := inner.Uncell()
	require.Equal(t, h, h2, "big atom backref is the same object")
}

// TestCueExponentialFanOut decodes a stream whose tree doubles at every
// level through backrefs: memory must stay linear in the input.
func TestCueExponentialFanOut(t *testing.T) {
	var s streamBuilder
	const levels = 2000
	// [[...[[x x] [x x]]...]] written as cell, backref-to-previous pairs.
	starts := make([]uint64, 0, levels)
	for i := 0; i < levels; i++ {
		starts = append(starts, s.pos())
		s.cell()
	}
	s.atom(12345)
	for i := levels - 1; i >= 0; i-- {
		// The tail of cell i repeats its head, which started at i+1's
		// offset (or the atom's for the innermost cell).
		if i == levels-1 {
			s.backref(starts[i] + 2)
		} else {
			s.backref(starts[i+1])
		}
	}
	in := s.bytes()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := Cue(in)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(200*len(in)+1<<20))
	// Jam restores the same stream, and mug is linear too.
	require.Equal(t, in, Jam(n))
	require.NotZero(t, Mug(n))
}

// TestCueMemoryBounded checks that hostile lengths never drive allocation
// beyond a small multiple of the input.
func TestCueMemoryBounded(t *testing.T) {
	// A 32768-bit encoding of 0, then thousands of backrefs to it: each
	// must share the decoded atom, not decode 4 kB again.
	var wideRefs streamBuilder
	for i := 0; i < 4000; i++ {
		wideRefs.cell()
	}
	wideRefs.bit(0).matBits(0, 32768)
	for i := 0; i < 4000; i++ {
		wideRefs.backref(4000 * 2)
	}
	inputs := map[string][]byte{
		"backrefs to a wide atom": wideRefs.bytes(),
		"huge declared atom":      append(make([]byte, 7), 0x80, 0xff, 0xff, 0xff, 0xff, 0xff),
		"all ones":                bytes.Repeat([]byte{0xff}, 4096),
		"balanced tree":           Jam(balancedTree(12)),
		"long tape of atoms":      Jam(longList(10000)),
		"alternating pattern":     bytes.Repeat([]byte{0x55, 0xaa}, 4096),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _ = Cue(in)
			runtime.ReadMemStats(&after)
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(200*len(in)+1<<20), "allocated for %d input bytes", len(in))
		})
	}
}

// balancedTree is the complete binary tree of depth d over distinct atoms.
func balancedTree(d int) Noun {
	level := []Noun{}
	for i := 0; i < 1<<d; i++ {
		level = append(level, Atom(uint64(i)))
	}
	for len(level) > 1 {
		next := []Noun{}
		for i := 0; i < len(level); i += 2 {
			next = append(next, Cell(level[i], level[i+1]))
		}
		level = next
	}
	return level[0]
}

func longList(n int) Noun {
	l := Zero
	for i := 0; i < n; i++ {
		l = Cell(Atom(uint64(i)), l)
	}
	return l
}

func TestCueErrorMessage(t *testing.T) {
	_, err := Cue([]byte{0x01})
	require.EqualError(t, err, "noun: cue read past the end of the input (bit 3)")
}

func FuzzCue(f *testing.F) {
	for _, h := range []string{
		"02", "0c", "48", "29", "3103", "714834", "c54834", "c5c8262701", "a53519f31805",
		"01df2c6c8e1ef0cdead8d893", "1517b2d08559b861875f10545505",
		"000c000000000000000000000000000000000000000000000000000000000000000008",
		"00", "01", "03", "ff", "0000000000000000000001", "0180", "05", "0d",
	} {
		b, err := hex.DecodeString(h)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(Jam(T(Cord("hello"), AtomWords([]uint64{1, 2, 3}), T(Zero, Zero), T(Zero, Zero))))
	f.Fuzz(func(t *testing.T, in []byte) {
		n, err := Cue(in)
		// Every path (tiny, scratch, slabs) decodes alike; only Cue
		// checks for empty input.
		want, wantErr := cueBig(in)
		if len(in) == 0 {
			want, wantErr = Zero, err
		}
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("Cue gave error %v, the general path %v", err, wantErr)
		}
		if err == nil && !Equal(n, want) {
			t.Fatal("Cue and the general path decode to different nouns")
		}
		if len(in) <= cueTinyBytes {
			requireTinyAgrees(t, in)
		}
		if err != nil {
			var ce *CueError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CueError", err)
			}
			return
		}
		j := Jam(n)
		again, err := Cue(j)
		if err != nil {
			t.Fatalf("cue of re-jam failed: %v", err)
		}
		if !Equal(n, again) {
			t.Fatal("re-jam decodes to a different noun")
		}
		if !bytes.Equal(j, Jam(again)) {
			t.Fatal("jam is not canonical")
		}
		if Mug(n) != Mug(again) {
			t.Fatal("mug differs between equal nouns")
		}
	})
}
