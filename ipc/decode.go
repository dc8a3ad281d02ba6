package ipc

import (
	"math"
	"strconv"
	"strings"

	"github.com/kingserf/king/noun"
)

// decoder checks the fields of one kind of message ("writ" or "plea") and
// builds DecodeErrors that name the field. Error text is only built on
// failure, so decoding a good message allocates nothing here.
type decoder struct{ kind string }

// maxFields is the most fields any message tuple has (%work %swap: eve mug
// job effects).
const maxFields = 4

// fail returns a DecodeError for field.
func (d decoder) fail(field, want string, got noun.Noun) error {
	return &DecodeError{Kind: d.kind, Field: field, Want: want, Got: describe(got), Value: got}
}

// unknownTag returns a DecodeError for a tag that names no message.
func (d decoder) unknownTag(path, want string, got noun.Noun) error {
	return &DecodeError{Kind: d.kind, Field: path, Want: want, Got: describeTag(got), Value: got}
}

// tuple splits n, a right-nested tuple with one element per name, into
// the first len(names) slots of the result; the last element takes the
// rest of the noun. A tuple that ends early names the first missing field.
func (d decoder) tuple(n noun.Noun, path string, names ...string) ([maxFields]noun.Noun, error) {
	var out [maxFields]noun.Noun
	last := len(names) - 1
	for i := 0; i < last; i++ {
		h, t, ok := n.Uncell()
		if !ok {
			want := "cell [" + strings.Join(names[i:], " ") + "]"
			return out, d.fail(join(path, names[i]), want, n)
		}
		out[i] = h
		n = t
	}
	out[last] = n
	return out, nil
}

// u64 checks that n is an atom that fits in 64 bits.
func (d decoder) u64(n noun.Noun, field string) (uint64, error) {
	v, ok := n.Word()
	if !ok {
		return 0, d.fail(field, "atom < 2^64", n)
	}
	return v, nil
}

// version checks that n is an atom and returns it, or math.MaxUint64 for
// one of more than 64 bits: a version is only compared, and a king must
// not fail on a version it would ignore.
func (d decoder) version(n noun.Noun, field string) (uint64, error) {
	if !n.IsAtom() {
		return 0, d.fail(field, "atom", n)
	}
	if v, ok := n.Word(); ok {
		return v, nil
	}
	return math.MaxUint64, nil
}

// mug checks that n is an atom below 2^32.
func (d decoder) mug(n noun.Noun, field string) (uint32, error) {
	v, ok := n.Word()
	if !ok || v > 0xffffffff {
		return 0, d.fail(field, "atom < 2^32", n)
	}
	return uint32(v), nil
}

// byte8 checks that n is an atom below 2^8.
func (d decoder) byte8(n noun.Noun, field string) (uint8, error) {
	v, ok := n.Word()
	if !ok || v > 0xff {
		return 0, d.fail(field, "atom < 256", n)
	}
	return uint8(v), nil
}

// null checks that n is ~.
func (d decoder) null(n noun.Noun, field string) error {
	if !n.IsZero() {
		return d.fail(field, "~", n)
	}
	return nil
}

// cell checks that n is a cell; want describes the expected shape.
func (d decoder) cell(n noun.Noun, field, want string) error {
	if !n.IsCell() {
		return d.fail(field, want, n)
	}
	return nil
}

// text checks that n is an atom and returns its bytes as a string (a cord
// or a term).
func (d decoder) text(n noun.Noun, field string) (string, error) {
	if n.IsCell() {
		return "", d.fail(field, "atom", n)
	}
	return string(n.Bytes()), nil
}

// list checks that n is a null-terminated list without collecting it.
func (d decoder) list(n noun.Noun, field string) error {
	end, _ := walkList(n, nil)
	if !end.IsZero() {
		return d.listFail(field, end)
	}
	return nil
}

// items checks that n is a null-terminated list and returns its elements.
func (d decoder) items(n noun.Noun, field string) ([]noun.Noun, error) {
	end, out := walkList(n, []noun.Noun{})
	if !end.IsZero() {
		return nil, d.listFail(field, end)
	}
	return out, nil
}

func (d decoder) listFail(field string, end noun.Noun) error {
	return &DecodeError{Kind: d.kind, Field: field, Want: "null-terminated list",
		Got: "list ending in " + describe(end), Value: end}
}

// walkList follows the tails of n to the first atom and returns it (~ for
// a proper list). If out is non-nil, the heads are appended to it and the
// result returned as the second value.
func walkList(n noun.Noun, out []noun.Noun) (noun.Noun, []noun.Noun) {
	for {
		h, t, ok := n.Uncell()
		if !ok {
			return n, out
		}
		if out != nil {
			out = append(out, h)
		}
		n = t
	}
}

// join appends a field name to a dotted path.
func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// index returns "path[i]", the name of a list element.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// describe says what a noun is without printing a large one: "cell",
// "atom 42", or "atom of 130 bits".
func describe(n noun.Noun) string {
	if n.IsCell() {
		return "cell"
	}
	if v, ok := n.Word(); ok {
		return "atom " + strconv.FormatUint(v, 10)
	}
	return "atom of " + strconv.Itoa(n.BitLen()) + " bits"
}

// maxTermShown is the longest term describeTag prints as %term.
const maxTermShown = 32

// describeTag is describe, but prints an atom that spells a short term
// (lower-case letters, digits and hyphens, starting with a letter) as
// %term, since that is what an unknown tag usually is.
func describeTag(n noun.Noun) string {
	if n.IsAtom() && !n.IsZero() && n.ByteLen() <= maxTermShown {
		b := n.Bytes()
		if isTerm(b) {
			return "%" + string(b)
		}
	}
	return describe(n)
}

func isTerm(b []byte) bool {
	if len(b) == 0 || b[0] < 'a' || b[0] > 'z' {
		return false
	}
	for _, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
