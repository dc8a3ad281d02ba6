package noun

import "fmt"

// List returns the null-terminated list [a b c ~] of ns; List() is ~.
func List(ns ...Noun) Noun { return chain(ns, Zero) }

// FromList returns the items of a null-terminated list. A list that ends
// in an atom other than ~ is an error whose path is the index where the
// terminator stands, e.g. "[2]" for [a b 7].
func FromList(n Noun) ([]Noun, error) {
	var out []Noun
	for {
		h, t, ok := n.Uncell()
		if !ok {
			if !n.IsZero() {
				return nil, newDecodeError(itemPath(len(out)), "list (a cell or ~)", n)
			}
			return out, nil
		}
		out = append(out, h)
		n = t
	}
}

// Flop returns a list in reverse order (Hoon's ++flop). Urbit's runtime
// flops a goof's tang before printing it, so that the outermost frame of a
// crash trace comes first.
func Flop(list Noun) (Noun, error) {
	out := Zero
	for i := 0; ; i++ {
		h, t, ok := list.Uncell()
		if !ok {
			if !list.IsZero() {
				return Zero, newDecodeError(itemPath(i), "list (a cell or ~)", list)
			}
			return out, nil
		}
		out = Cell(h, out)
		list = t
	}
}

// Tape returns the tape of s: a list of its bytes (Hoon's (list @tD)).
func Tape(s string) Noun {
	n := Zero
	for i := len(s) - 1; i >= 0; i-- {
		n = Cell(Atom(uint64(s[i])), n)
	}
	return n
}

// FromTape decodes a tape: a null-terminated list of bytes.
func FromTape(n Noun) (string, error) {
	var out []byte
	for {
		h, t, ok := n.Uncell()
		if !ok {
			if !n.IsZero() {
				return "", newDecodeError(itemPath(len(out)), "tape (a cell or ~)", n)
			}
			return string(out), nil
		}
		v, isWord := h.Word()
		if !isWord || v > 0xff {
			return "", newDecodeError(itemPath(len(out)), "byte (an atom below 256)", h)
		}
		out = append(out, byte(v))
		n = t
	}
}

// Path returns the path of segs: a list of cords, e.g. /d/term/1 is
// Path("d", "term", "1") = [%d %term '1' ~].
func Path(segs ...string) Noun {
	n := Zero
	for i := len(segs) - 1; i >= 0; i-- {
		n = Cell(Cord(segs[i]), n)
	}
	return n
}

// FromPath decodes a path: a null-terminated list of atoms, each read as
// a cord.
func FromPath(n Noun) ([]string, error) {
	var out []string
	for {
		h, t, ok := n.Uncell()
		if !ok {
			if !n.IsZero() {
				return nil, newDecodeError(itemPath(len(out)), "path (a cell or ~)", n)
			}
			return out, nil
		}
		if h.IsCell() {
			return nil, newDecodeError(itemPath(len(out)), "cord (an atom)", h)
		}
		out = append(out, string(h.Bytes()))
		n = t
	}
}

func itemPath(i int) string { return fmt.Sprintf("[%d]", i) }
