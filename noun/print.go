package noun

import (
	"strconv"
	"strings"
)

// String returns n in Hoon-style noun syntax, choosing a readable form for
// each atom. Parse(String(n)) always equals n.
//
// Cells print as [a b c] (right-nested tails are flattened, so [a [b c]]
// prints as [a b c]; a cell in head position keeps its brackets). Atoms
// print by these rules, applied in order:
//
//   - 0 prints as 0 (not ~, so that a number is never shown as null);
//   - an atom of at least 2 bytes whose bytes are a valid term (a lowercase
//     letter, then lowercase letters, digits and hyphens) prints as %term,
//     e.g. %live, %k141; this is the threshold Hoon's own untyped printer
//     (++r:at) uses, and it keeps small numbers such as 97 decimal;
//   - an atom of at least 2 bytes whose bytes are all printable ASCII and
//     include at least one letter prints as a 'cord' (with \\ and \'
//     escaped), e.g. 'Hello, world!'; the letter rule keeps numbers such as
//     12345 (bytes "90") decimal;
//   - everything else prints in decimal with Hoon's dot separators every
//     three digits, e.g. 1.000.000.
//
// String never recurses, so nouns nested millions of levels deep print
// without exhausting the stack. Wide atoms convert with math/big.
func String(n Noun) string {
	p := txtPrinter{}
	p.print(n)
	return p.b.String()
}

// String returns String(n), so that a Noun prints readably with the fmt
// package's %v and %s verbs.
func (n Noun) String() string { return String(n) }

// Raw returns n with every atom in plain decimal and every cell fully
// bracketed, e.g. [1 [2 3]] for [1 2 3]. This is the "raw" form of the
// protocol's test vectors; Parse(Raw(n)) always equals n.
func Raw(n Noun) string {
	p := txtPrinter{raw: true}
	p.print(n)
	return p.b.String()
}

// shortString returns String(n) cut to about max bytes, ending in "..."
// when cut. It stops early, so describing a huge noun in an error message
// costs O(max) for cells (a single huge atom is still converted whole).
func shortString(n Noun, max int) string {
	p := txtPrinter{limit: max}
	p.print(n)
	s := p.b.String()
	if p.cut {
		return s + "..."
	}
	return s
}

// txtPrinter writes nouns as text with an explicit stack.
type txtPrinter struct {
	b     strings.Builder
	raw   bool // every atom decimal without dots, every cell bracketed
	limit int  // stop after this many bytes; 0 means no limit
	cut   bool // output was cut at limit
	dig   []byte
}

// txtTask is one pending step of the printer: print n as a value
// (txtValue); print a space and then n as the rest of a flattened tuple,
// closing the bracket after its last atom (txtTail); or close a bracket
// (txtClose, used only in raw mode, where tails print as values).
type txtTask struct {
	n    Noun
	kind uint8
}

const (
	txtValue uint8 = iota
	txtTail
	txtClose
)

func (p *txtPrinter) print(n Noun) {
	stack := make([]txtTask, 0, 64)
	cur, kind := n, txtValue
	for {
		switch kind {
		case txtClose:
			p.b.WriteByte(']')
		case txtTail:
			p.b.WriteByte(' ')
			h, tl, ok := cur.Uncell()
			switch {
			case !ok:
				p.atom(cur)
				p.b.WriteByte(']')
			case p.raw:
				stack = append(stack, txtTask{kind: txtClose})
				kind = txtValue
				continue
			default:
				// Invariant: a tail that is a cell continues the same
				// tuple: its head is the next element, its tail the rest.
				stack = append(stack, txtTask{n: tl, kind: txtTail})
				cur, kind = h, txtValue
				continue
			}
		default:
			// Descend through heads without a push for each.
			for {
				h, tl, ok := cur.Uncell()
				if !ok {
					break
				}
				if p.full() {
					return
				}
				p.b.WriteByte('[')
				stack = append(stack, txtTask{n: tl, kind: txtTail})
				cur = h
			}
			p.atom(cur)
		}
		if len(stack) == 0 || p.full() {
			return
		}
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cur, kind = t.n, t.kind
	}
}

// full reports, and records, that the output reached the printer's limit.
func (p *txtPrinter) full() bool {
	if p.limit > 0 && p.b.Len() >= p.limit {
		p.cut = true
	}
	return p.cut
}

// atom writes one atom in the printer's mode.
func (p *txtPrinter) atom(a Noun) {
	if v, ok := a.Word(); ok && v < 256 {
		p.dig = strconv.AppendUint(p.dig[:0], v, 10)
		p.b.Write(p.dig)
		return
	}
	if p.raw {
		p.decimal(a, false)
		return
	}
	if a.ByteLen() >= 2 {
		var small [8]byte
		var b []byte
		if v, ok := a.Word(); ok {
			b = small[:a.ByteLen()]
			for i := range b {
				b[i] = byte(v >> (8 * i))
			}
		} else {
			b = a.Bytes()
		}
		switch {
		case termBytes(b):
			p.b.WriteByte('%')
			p.b.Write(b)
			return
		case cordBytes(b):
			p.b.WriteByte('\'')
			for _, c := range b {
				if c == '\\' || c == '\'' {
					p.b.WriteByte('\\')
				}
				p.b.WriteByte(c)
			}
			p.b.WriteByte('\'')
			return
		}
	}
	p.decimal(a, true)
}

// decimal writes a in base 10, with a dot before every group of three
// digits counted from the right when dots is set.
func (p *txtPrinter) decimal(a Noun, dots bool) {
	if v, ok := a.Word(); ok {
		p.dig = strconv.AppendUint(p.dig[:0], v, 10)
	} else {
		p.dig = a.BigInt().Append(p.dig[:0], 10)
	}
	if !dots {
		p.b.Write(p.dig)
		return
	}
	first := len(p.dig) % 3
	if first == 0 {
		first = 3
	}
	p.b.Write(p.dig[:first])
	for i := first; i < len(p.dig); i += 3 {
		p.b.WriteByte('.')
		p.b.Write(p.dig[i : i+3])
	}
}

// termBytes reports whether b is a valid term: a lowercase letter, then
// lowercase letters, digits and hyphens (Hoon's ++sym).
func termBytes(b []byte) bool {
	if len(b) == 0 || b[0] < 'a' || b[0] > 'z' {
		return false
	}
	for _, c := range b[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// cordBytes reports whether b should print as a 'cord': printable ASCII
// only, with at least one letter.
func cordBytes(b []byte) bool {
	letter := false
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			letter = true
		}
	}
	return letter
}
