package noun

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
)

// ErrSyntax is the error every *SyntaxError wraps, for errors.Is.
var ErrSyntax = errors.New("noun: syntax error")

// SyntaxError reports where Parse failed and what it expected there.
type SyntaxError struct {
	Offset int    // byte offset into the input
	Want   string // what the parser expected, e.g. "']' or whitespace"
	Got    string // what it found, e.g. "'x'" or "end of input"
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("noun: syntax error at offset %d: want %s, got %s", e.Offset, e.Want, e.Got)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// Parse reads one noun in Hoon-style syntax:
//
//	[a b c]        a cell, right-nested: [a [b c]]; at least two elements
//	~[a b c]       a null-terminated list: [a b c ~]; at least one element
//	123 1.234.567  decimal; dots, if any, separate groups of exactly three
//	               digits after a first group of one to three (Hoon's @ud);
//	               no leading zeros
//	0xdead.beef    hex; dots, if any, separate groups of exactly four digits
//	               after a first group of one to four (Hoon's @ux); leading
//	               zeros and upper-case digits are accepted
//	~              0 (null)
//	%term          the atom whose bytes are the term: a lowercase letter, then
//	               lowercase letters, digits and hyphens (%~ and %$ are not
//	               supported)
//	'cord'         the atom whose bytes are the text; escapes are \\, \' and
//	               \xx (two hex digits); control characters must be escaped
//	& |            0 (yes) and 1 (no)
//
// Elements are separated by one or more spaces, tabs, carriage returns or
// newlines; whitespace is also allowed around the whole input and just
// inside brackets. Nesting depth is limited only by the input's length: the
// parser keeps an explicit stack. Errors are *SyntaxError values giving
// the byte offset and what was expected.
func Parse(s string) (Noun, error) {
	p := txtParser{s: s}
	return p.parse()
}

// txtParser holds the input and the position of the next unread byte.
type txtParser struct {
	s string
	i int
}

// txtFrame is an open bracket: its elements are vals[base:].
type txtFrame struct {
	base int
	list bool // opened with ~[, so the elements end with ~
}

func (p *txtParser) parse() (Noun, error) {
	var (
		frames []txtFrame
		vals   []Noun
	)
	p.space()
	for {
		// Read one value: open brackets until an atom is found.
		if p.i < len(p.s) && p.s[p.i] == '[' {
			frames = append(frames, txtFrame{base: len(vals)})
			p.i++
			p.space()
			continue
		}
		if p.i+1 < len(p.s) && p.s[p.i] == '~' && p.s[p.i+1] == '[' {
			frames = append(frames, txtFrame{base: len(vals), list: true})
			p.i += 2
			p.space()
			continue
		}
		v, err := p.atom()
		if err != nil {
			return Zero, err
		}
		// Place the value, closing every bracket that ends after it.
		for {
			if len(frames) == 0 {
				p.space()
				if p.i != len(p.s) {
					return Zero, p.fail("end of input")
				}
				return v, nil
			}
			vals = append(vals, v)
			gap := p.space()
			if p.i < len(p.s) && p.s[p.i] == ']' {
				f := frames[len(frames)-1]
				elems := vals[f.base:]
				switch {
				case f.list:
					v = Zero
				case len(elems) < 2:
					return Zero, p.fail("a second element (a cell needs two)")
				default:
					v = elems[len(elems)-1]
					elems = elems[:len(elems)-1]
				}
				for j := len(elems) - 1; j >= 0; j-- {
					v = Cell(elems[j], v)
				}
				clear(vals[f.base:])
				vals = vals[:f.base]
				frames = frames[:len(frames)-1]
				p.i++
				continue
			}
			if !gap {
				return Zero, p.fail("whitespace or ']'")
			}
			if p.i == len(p.s) {
				return Zero, p.fail("a noun or ']'")
			}
			break
		}
	}
}

// space skips whitespace and reports whether there was any.
func (p *txtParser) space() bool {
	start := p.i
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
			continue
		}
		break
	}
	return p.i > start
}

// fail returns a *SyntaxError at the current position.
func (p *txtParser) fail(want string) error {
	return p.failAt(p.i, want)
}

func (p *txtParser) failAt(off int, want string) error {
	got := "end of input"
	if off < len(p.s) {
		c := p.s[off]
		if c < 0x80 {
			got = strconv.QuoteRuneToASCII(rune(c))
		} else {
			got = fmt.Sprintf("byte 0x%02x", c)
		}
	}
	return &SyntaxError{Offset: off, Want: want, Got: got}
}

// atom reads one atom token and checks that a delimiter follows it.
func (p *txtParser) atom() (Noun, error) {
	if p.i >= len(p.s) {
		return Zero, p.fail("a noun")
	}
	var (
		v   Noun
		err error
	)
	switch c := p.s[p.i]; {
	case c == '0' && p.i+1 < len(p.s) && p.s[p.i+1] == 'x':
		p.i += 2
		v, err = p.hex()
	case c >= '0' && c <= '9':
		v, err = p.decimal()
	case c == '~', c == '&':
		p.i++
	case c == '|':
		p.i++
		v = One
	case c == '%':
		p.i++
		v, err = p.term()
	case c == '\'':
		p.i++
		v, err = p.cord()
	default:
		return Zero, p.fail("a noun")
	}
	if err != nil {
		return Zero, err
	}
	if p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', ']':
		default:
			return Zero, p.fail("whitespace, ']' or end of input after an atom")
		}
	}
	return v, nil
}

// digits reads a run of bytes accepted by ok and returns it.
func (p *txtParser) digits(ok func(byte) bool) string {
	start := p.i
	for p.i < len(p.s) && ok(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func isDec(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// grouped reads digits with optional dot separators: a first group of 1 to
// size digits, then groups of exactly size digits, or one undotted run.
// It returns the digits without dots.
func (p *txtParser) grouped(ok func(byte) bool, size int, what string) (string, error) {
	start := p.i
	first := p.digits(ok)
	if first == "" {
		return "", p.fail(what + " digit")
	}
	if p.i >= len(p.s) || p.s[p.i] != '.' {
		return first, nil
	}
	if len(first) > size {
		return "", p.failAt(start+size, fmt.Sprintf("'.' after at most %d digits", size))
	}
	buf := []byte(first)
	for p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		gstart := p.i
		g := p.digits(ok)
		if len(g) != size {
			return "", p.failAt(gstart+min(len(g), size), fmt.Sprintf("a group of exactly %d %s digits after '.'", size, what))
		}
		buf = append(buf, g...)
	}
	return string(buf), nil
}

func (p *txtParser) decimal() (Noun, error) {
	start := p.i
	ds, err := p.grouped(isDec, 3, "decimal")
	if err != nil {
		return Zero, err
	}
	if len(ds) > 1 && ds[0] == '0' {
		return Zero, p.failAt(start, "a number without leading zeros")
	}
	if len(ds) <= 19 { // 19 digits always fit in 64 bits
		if v, err := strconv.ParseUint(ds, 10, 64); err == nil {
			return Atom(v), nil
		}
	}
	a, _ := AtomBig(decimalBig(ds))
	return a, nil
}

// decimalBig converts a string of decimal digits by divide and conquer,
// so that long numbers cost about a multiplication of their size rather
// than the quadratic time of converting digit by digit.
func decimalBig(ds string) *big.Int {
	const base = 512
	pows := map[int]*big.Int{} // 10^k for the few split sizes k used
	var conv func(s string) *big.Int
	conv = func(s string) *big.Int {
		if len(s) <= base {
			x, _ := new(big.Int).SetString(s, 10) // s is all digits
			return x
		}
		// The low part is the largest base*2^j digits shorter than s, so
		// only log(len) distinct powers of ten are ever needed.
		k := base
		for 2*k < len(s) {
			k *= 2
		}
		p := pows[k]
		if p == nil {
			p = new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)
			pows[k] = p
		}
		hi := conv(s[:len(s)-k])
		return hi.Mul(hi, p).Add(hi, conv(s[len(s)-k:]))
	}
	return conv(ds)
}

func (p *txtParser) hex() (Noun, error) {
	ds, err := p.grouped(isHex, 4, "hex")
	if err != nil {
		return Zero, err
	}
	// Little-endian bytes, two digits each, from the right.
	b := make([]byte, (len(ds)+1)/2)
	for k := 0; k < len(ds); k++ {
		d := unhex(ds[len(ds)-1-k])
		b[k/2] |= d << (4 * (k % 2))
	}
	return AtomBytes(b), nil
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func (p *txtParser) term() (Noun, error) {
	if p.i >= len(p.s) || p.s[p.i] < 'a' || p.s[p.i] > 'z' {
		return Zero, p.fail("a lowercase letter after '%'")
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			break
		}
		p.i++
	}
	return Cord(p.s[start:p.i]), nil
}

func (p *txtParser) cord() (Noun, error) {
	var buf []byte
	for {
		if p.i >= len(p.s) {
			return Zero, p.fail("a closing \"'\"")
		}
		c := p.s[p.i]
		switch {
		case c == '\'':
			p.i++
			return AtomBytes(buf), nil
		case c == '\\':
			if p.i+1 < len(p.s) && (p.s[p.i+1] == '\\' || p.s[p.i+1] == '\'') {
				buf = append(buf, p.s[p.i+1])
				p.i += 2
				continue
			}
			if p.i+2 < len(p.s) && isHex(p.s[p.i+1]) && isHex(p.s[p.i+2]) {
				buf = append(buf, unhex(p.s[p.i+1])<<4|unhex(p.s[p.i+2]))
				p.i += 3
				continue
			}
			return Zero, p.failAt(p.i+1, `an escape (\\, \' or two hex digits)`)
		case c < 0x20 || c == 0x7f:
			return Zero, p.fail("a printable character or an escape in a cord")
		default:
			buf = append(buf, c)
			p.i++
		}
	}
}
