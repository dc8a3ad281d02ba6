package noun

import (
	"errors"
	"fmt"
)

// ErrDecode is the error every *DecodeError wraps, for errors.Is.
var ErrDecode = errors.New("noun: decode error")

// ErrBadTerm reports a string that is not a valid term.
var ErrBadTerm = errors.New("noun: not a term")

// DecodeError reports a noun that does not have the shape a decoder wanted,
// and where in the noun the decoder was looking.
type DecodeError struct {
	// Path names the place: field names joined by dots (the names a Reader
	// was given, tags included), list items as [i] (0-based), and "" for
	// the noun itself. Example: "plea.work.done.effects[3]".
	Path string
	// Want says what was expected there, e.g. "atom", "term", "loobean".
	Want string
	// Got is the noun found there.
	Got Noun
}

// Error implements error, e.g.
// "noun: plea.work.done.eve: want atom, got cell [1 2]".
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("noun: want %s, got %s", e.Want, describeNoun(e.Got))
	}
	return fmt.Sprintf("noun: %s: want %s, got %s", e.Path, e.Want, describeNoun(e.Got))
}

// Unwrap returns ErrDecode.
func (e *DecodeError) Unwrap() error { return ErrDecode }

// describe names a noun briefly for an error message.
func describeNoun(n Noun) string {
	if n.IsCell() {
		return "cell " + shortString(n, 48)
	}
	if n.BitLen() > 256 {
		return fmt.Sprintf("atom of %d bits", n.BitLen())
	}
	return "atom " + String(n)
}

// decodeErr builds a *DecodeError.
func newDecodeError(path, want string, got Noun) error {
	return &DecodeError{Path: path, Want: want, Got: got}
}

// joinPath appends a field name or an index path ("[3]...") to a path.
func joinDecodePath(base, sub string) string {
	switch {
	case sub == "":
		return base
	case base == "":
		return sub
	case sub[0] == '[':
		return base + sub
	}
	return base + "." + sub
}

// prefixErr puts base in front of the path of a *DecodeError; other errors
// are returned unchanged.
func prefixDecodeError(base string, err error) error {
	var de *DecodeError
	if err == nil || !errors.As(err, &de) {
		return err
	}
	return &DecodeError{Path: joinDecodePath(base, de.Path), Want: de.Want, Got: de.Got}
}

// FromLoob decodes a loobean: 0 (&) is true and 1 (|) is false.
func FromLoob(n Noun) (bool, error) {
	if v, ok := n.Word(); ok && v <= 1 {
		return v == 0, nil
	}
	return false, newDecodeError("", "loobean (& or |)", n)
}

// Some returns the unit [~ v], the "present" case of (unit v).
func Some(v Noun) Noun { return Cell(Zero, v) }

// Unit returns [~ v] when ok and ~ otherwise.
func Unit(v Noun, ok bool) Noun {
	if !ok {
		return Zero
	}
	return Some(v)
}

// FromUnit decodes a unit: ~ gives ok false, [~ v] gives v and ok true.
func FromUnit(n Noun) (v Noun, ok bool, err error) {
	if n.IsZero() {
		return Zero, false, nil
	}
	if h, t, isCell := n.Uncell(); isCell && h.IsZero() {
		return t, true, nil
	}
	return Zero, false, newDecodeError("", "unit (~ or [~ value])", n)
}

// FromCord returns the bytes of an atom as a string: the inverse of Cord.
// It does not check that the bytes are UTF-8.
func FromCord(n Noun) (string, error) {
	if n.IsCell() {
		return "", newDecodeError("", "cord (an atom)", n)
	}
	return string(n.Bytes()), nil
}

// IsTerm reports whether s is a valid term (Hoon's @tas): a lowercase
// letter, then lowercase letters, digits and hyphens.
func IsTerm(s string) bool { return termBytes([]byte(s)) }

// Term returns the atom for the term s, or an error wrapping ErrBadTerm if
// s is not a valid term (see IsTerm).
func Term(s string) (Noun, error) {
	if !IsTerm(s) {
		return Zero, fmt.Errorf("%w: %q", ErrBadTerm, s)
	}
	return Cord(s), nil
}

// FromTerm decodes an atom whose bytes are a valid term.
func FromTerm(n Noun) (string, error) {
	if n.IsAtom() && n.ByteLen() <= 1<<16 {
		if b := n.Bytes(); termBytes(b) {
			return string(b), nil
		}
	}
	return "", newDecodeError("", "term", n)
}

// Tagged splits a tagged union [%tag fields...] into its tag and the rest
// of the noun (the fields, as one noun).
func Tagged(n Noun) (tag string, rest Noun, err error) {
	h, t, ok := n.Uncell()
	if !ok {
		return "", Zero, newDecodeError("", "tagged cell [%tag ...]", n)
	}
	tag, err = FromTerm(h)
	if err != nil {
		return "", Zero, prefixDecodeError("tag", err)
	}
	return tag, t, nil
}
