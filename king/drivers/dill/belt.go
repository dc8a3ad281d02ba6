package dill

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/kingserf/king/noun"
)

// BeltKind says what a Belt is (PROTOCOL.md §6).
type BeltKind uint8

// The kinds of belt.
const (
	// BeltTxt is [%txt (list @c)]: printable text.
	BeltTxt BeltKind = iota + 1
	// BeltAro is [%aro ?(%d %l %r %u)]: an arrow key.
	BeltAro
	// BeltBac is [%bac ~]: backspace.
	BeltBac
	// BeltCtl is [%ctl @c]: a control key, Key being its letter.
	BeltCtl
	// BeltDel is [%del ~]: the delete key.
	BeltDel
	// BeltMet is [%met @c]: a meta (alt) key.
	BeltMet
	// BeltRet is [%ret ~]: return.
	BeltRet
)

// Belt is one keystroke event for the terminal vane.
type Belt struct {
	Kind BeltKind
	// Text is the text of a BeltTxt, one code point each.
	Text []rune
	// Key is the key of a BeltCtl or BeltMet, and the direction of a
	// BeltAro: 'u', 'd', 'l' or 'r'.
	Key rune
}

// Noun returns the belt as the kernel receives it, such as [%txt ~[104 105]]
// or [%ctl 'c'].
func (b Belt) Noun() noun.Noun {
	tag := noun.Cord(b.tag())
	switch b.Kind {
	case BeltTxt:
		cs := make([]noun.Noun, len(b.Text))
		for i, r := range b.Text {
			cs[i] = noun.Atom(uint64(r))
		}
		return noun.Cell(tag, noun.List(cs...))
	case BeltAro:
		return noun.Cell(tag, noun.Cord(string(b.Key)))
	case BeltCtl, BeltMet:
		return noun.Cell(tag, noun.Atom(uint64(b.Key)))
	default:
		return noun.Cell(tag, noun.Zero)
	}
}

// String renders the belt for tests and logs, such as `%txt "hi"` or
// `%ctl c`.
func (b Belt) String() string {
	switch b.Kind {
	case BeltTxt:
		return "%txt " + strconv.Quote(string(b.Text))
	case BeltAro, BeltCtl, BeltMet:
		return "%" + b.tag() + " " + strconv.QuoteRuneToASCII(b.Key)
	default:
		return "%" + b.tag()
	}
}

func (b Belt) tag() string {
	switch b.Kind {
	case BeltTxt:
		return "txt"
	case BeltAro:
		return "aro"
	case BeltBac:
		return "bac"
	case BeltCtl:
		return "ctl"
	case BeltDel:
		return "del"
	case BeltMet:
		return "met"
	case BeltRet:
		return "ret"
	}
	return fmt.Sprintf("belt-%d", b.Kind)
}

// Decoder turns the bytes a terminal sends into belts. It keeps the state
// of an escape sequence or a UTF-8 character cut between two reads.
//
// The mapping follows Urbit's terminal driver:
//
//   - printable ASCII and UTF-8 characters: %txt, consecutive ones joined;
//   - 0x7f and 0x08 (^H): %bac; \r and \n: %ret;
//   - other bytes 0x01-0x1a, tab (^I) included: [%ctl letter];
//   - ESC [ A/B/C/D and ESC O A/B/C/D: %aro %u/%d/%r/%l (modifier
//     parameters are ignored); ESC [ 3 ~: %del; other CSI sequences are
//     consumed and dropped;
//   - ESC followed by any other byte 0x01-0x7f: [%met byte];
//   - NUL, 0x1c-0x1f and malformed UTF-8 are dropped.
//
// A lone ESC waits for the next byte, as in Urbit's driver: ESC then x is
// meta-x even when typed apart.
type Decoder struct {
	state  decState
	csiArg []byte // parameter bytes of the CSI sequence being read
	utf    [utf8.UTFMax]byte
	utfLen int // bytes of utf held
	utfWid int // bytes the held character needs
	txt    []rune
	out    []Belt
}

type decState uint8

const (
	stGround decState = iota
	stEsc             // after ESC
	stCSI             // after ESC [
	stSS3             // after ESC O
)

// maxCSIArg bounds the parameter bytes kept of one CSI sequence; longer
// ones are consumed all the same.
const maxCSIArg = 16

// Feed decodes p and returns the belts it completes. Text typed in p is
// returned at the end of the call (not held for the next), so typing shows
// at once.
func (d *Decoder) Feed(p []byte) []Belt {
	d.out = nil
	for _, c := range p {
		d.byte(c)
	}
	d.flush()
	return d.out
}

func (d *Decoder) byte(c byte) {
	switch d.state {
	case stEsc:
		d.escByte(c)
		return
	case stCSI:
		d.csiByte(c)
		return
	case stSS3:
		d.state = stGround
		d.arrow(c)
		return
	}
	if d.utfWid > 0 {
		d.utfByte(c)
		return
	}
	switch {
	case c >= 0x20 && c < 0x7f:
		d.txt = append(d.txt, rune(c))
	case c == 0x7f || c == 0x08:
		d.emit(Belt{Kind: BeltBac})
	case c == '\r' || c == '\n':
		d.emit(Belt{Kind: BeltRet})
	case c >= 0x01 && c <= 0x1a:
		d.emit(Belt{Kind: BeltCtl, Key: rune('a' + c - 1)})
	case c == 0x1b:
		d.state = stEsc
	case c >= 0xc2 && c <= 0xf4:
		d.utf[0], d.utfLen = c, 1
		switch {
		case c < 0xe0:
			d.utfWid = 2
		case c < 0xf0:
			d.utfWid = 3
		default:
			d.utfWid = 4
		}
	default:
		// NUL, 0x1c-0x1f, a stray continuation byte or an invalid lead.
	}
}

// escByte reads the byte after ESC.
func (d *Decoder) escByte(c byte) {
	switch {
	case c == '[':
		d.state, d.csiArg = stCSI, d.csiArg[:0]
	case c == 'O':
		d.state = stSS3
	case c == 0x1b:
		// ESC ESC: the first is dropped, the second starts over.
	case c >= 0x01 && c < 0x80:
		d.state = stGround
		d.emit(Belt{Kind: BeltMet, Key: rune(c)})
	default:
		d.state = stGround
	}
}

// csiByte reads a byte of a CSI sequence: parameters and intermediates
// until a final byte 0x40-0x7e.
func (d *Decoder) csiByte(c byte) {
	switch {
	case c >= 0x20 && c <= 0x3f:
		if len(d.csiArg) < maxCSIArg {
			d.csiArg = append(d.csiArg, c)
		}
	case c >= 0x40 && c <= 0x7e:
		d.state = stGround
		if c == '~' {
			if string(d.csiArg) == "3" || hasPrefix(d.csiArg, "3;") {
				d.emit(Belt{Kind: BeltDel})
			}
			return
		}
		d.arrow(c)
	default:
		// A control byte inside a sequence aborts it.
		d.state = stGround
	}
}

// arrow emits the arrow of a final byte A-D; others are dropped.
func (d *Decoder) arrow(c byte) {
	switch c {
	case 'A':
		d.emit(Belt{Kind: BeltAro, Key: 'u'})
	case 'B':
		d.emit(Belt{Kind: BeltAro, Key: 'd'})
	case 'C':
		d.emit(Belt{Kind: BeltAro, Key: 'r'})
	case 'D':
		d.emit(Belt{Kind: BeltAro, Key: 'l'})
	}
}

// utfByte reads a continuation byte of a UTF-8 character.
func (d *Decoder) utfByte(c byte) {
	if c < 0x80 || c > 0xbf {
		// Malformed: drop what was held and read c afresh.
		d.utfLen, d.utfWid = 0, 0
		d.byte(c)
		return
	}
	d.utf[d.utfLen] = c
	d.utfLen++
	if d.utfLen < d.utfWid {
		return
	}
	r, n := utf8.DecodeRune(d.utf[:d.utfLen])
	if r != utf8.RuneError || n > 1 {
		d.txt = append(d.txt, r)
	}
	d.utfLen, d.utfWid = 0, 0
}

// emit sends pending text, then b.
func (d *Decoder) emit(b Belt) {
	d.flush()
	d.out = append(d.out, b)
}

// flush sends pending text as one %txt.
func (d *Decoder) flush() {
	if len(d.txt) == 0 {
		return
	}
	d.out = append(d.out, Belt{Kind: BeltTxt, Text: d.txt})
	d.txt = nil
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }
