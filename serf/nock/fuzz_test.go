package nock_test

import (
	"testing"

	"github.com/kingserf/king/noun"
)

// decodeNoun reads a noun from fuzz bytes: a byte below 0x80 is the atom
// byte%16 (small numbers, which opcodes and axes mostly are); 0x80+n is an
// atom of the next n%32+1 bytes (little-endian, possibly wider than 64
// bits); 0xa0 and above is a cell, head then tail. Running out of input
// reads as 0.
func decodeNoun(b []byte, pos *int, depth int) noun.Noun {
	if *pos >= len(b) {
		return noun.Zero
	}
	c := b[*pos]
	*pos++
	switch {
	case c < 0x80:
		return noun.Atom(uint64(c % 16))
	case c < 0xa0 || depth > 256:
		n := int(c%32) + 1
		end := min(*pos+n, len(b))
		a := noun.AtomBytes(b[*pos:end])
		*pos = end
		return a
	}
	h := decodeNoun(b, pos, depth+1)
	t := decodeNoun(b, pos, depth+1)
	return noun.Cell(h, t)
}

// encodeNoun is decodeNoun's inverse for seeds (atoms of up to 32 bytes).
func encodeNoun(n noun.Noun) []byte {
	if h, t, ok := n.Uncell(); ok {
		return append(append([]byte{0xa0}, encodeNoun(h)...), encodeNoun(t)...)
	}
	if w, ok := n.Word(); ok && w < 16 {
		return []byte{byte(w)}
	}
	b := n.Bytes()
	return append([]byte{0x80 + byte(len(b)-1)}, b...)
}

// FuzzNock runs random subjects and formulas with a small step budget: the
// interpreter must never panic, must only crash with deterministic motes,
// and must agree with the reference evaluator.
func FuzzNock(f *testing.F) {
	seed := func(subject, formula string) {
		s, err := noun.Parse(subject)
		if err != nil {
			f.Fatal(err)
		}
		fo, err := noun.Parse(formula)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append(encodeNoun(s), encodeNoun(fo)...))
	}
	seed("20", decFormula)
	seed("[[4 5] [6 14 15]]", "[[0 5] [4 0 4] [10 [6 [1 7]] 0 1] [6 [5 [0 4] [1 4]] [1 1] [1 0]] [3 0 2] [7 [0 3] 0 2]]")
	seed("[[4 0 3] 41]", "[9 2 0 1]")
	seed("5", "[11 [%spot [1 [%a ~] [1 2] [3 4]]] [11 %memo [8 [1 9] [2 [0 1] [1 0 2]]]]]")
	seed("5", "[11 [%mean [1 [9 2 0 1] 0]] [0 2]]")
	seed("0xffff.ffff.ffff.ffff", "[4 4 0 1]")
	f.Fuzz(func(t *testing.T, data []byte) {
		pos := 0
		subject := decodeNoun(data, &pos, 0)
		formula := decodeNoun(data, &pos, 0)
		if msg := differential(subject, formula, 2000, 100_000); msg != "" {
			t.Fatalf("subject %s formula %s: %s", subject, formula, msg)
		}
	})
}
