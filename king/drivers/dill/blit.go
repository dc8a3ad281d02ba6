package dill

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/kingserf/king/noun"
)

// ErrBadBlit is what the errors of ParseBlit match: a blit the renderer
// does not understand.
var ErrBadBlit = errors.New("dill: malformed blit")

// maxMorDepth bounds the nesting of [%mor (list blit)] blits.
const maxMorDepth = 16

// Blit is one terminal output instruction (PROTOCOL.md §6). Tag says
// which; the other fields are set as the tag needs:
//
//	2020 set:  %bel %clr %hop (column) %klr %lin %mor (newline) %sag %sav %url
//	later set: %put %nel %wyp %hop [x y] [%mor (list blit)]
type Blit struct {
	Tag string
	// Text is the text of %lin and %put.
	Text []rune
	// Stub is the styled text of %klr.
	Stub []Run
	// X is the column of %hop; Y its row when HasY (the later [x y] form).
	X, Y int
	HasY bool
	// Path and Data are the file path and content of %sag (Data the noun
	// to jam) and %sav (Data the atom to write).
	Path []string
	Data noun.Noun
	// URL is the URL of %url.
	URL string
	// Mor are the blits of the later [%mor (list blit)].
	Mor []Blit
}

// ParseBlits parses a (list blit). A malformed blit is skipped and its
// error returned alongside the others, so one bad blit does not hide the
// rest of the screen update.
func ParseBlits(list noun.Noun) ([]Blit, []error) {
	items, err := noun.FromList(list)
	if err != nil {
		return nil, []error{fmt.Errorf("%w: not a list: %w", ErrBadBlit, err)}
	}
	var out []Blit
	var errs []error
	for _, it := range items {
		b, err := ParseBlit(it)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, b)
	}
	return out, errs
}

// ParseBlit parses one blit.
func ParseBlit(n noun.Noun) (Blit, error) {
	return parseBlit(n, 0)
}

func parseBlit(n noun.Noun, depth int) (Blit, error) {
	tag, arg, err := noun.Tagged(n)
	if err != nil {
		return Blit{}, fmt.Errorf("%w: %w", ErrBadBlit, err)
	}
	b := Blit{Tag: tag}
	bad := func(want string) (Blit, error) {
		return Blit{}, fmt.Errorf("%w: %%%s wants %s, got %s", ErrBadBlit, tag, want, clip(arg))
	}
	switch tag {
	case "bel", "clr", "nel", "wyp":
	case "lin", "put":
		if b.Text, err = codePoints(arg); err != nil {
			return bad("a (list @c)")
		}
	case "klr":
		if b.Stub, err = parseStub(arg); err != nil {
			return Blit{}, fmt.Errorf("%w: %%klr: %w", ErrBadBlit, err)
		}
	case "hop":
		if x, y, ok := arg.Uncell(); ok {
			xv, xok := smallInt(x)
			yv, yok := smallInt(y)
			if !xok || !yok {
				return bad("@ud or [x=@ud y=@ud]")
			}
			b.X, b.Y, b.HasY = xv, yv, true
		} else if v, ok := smallInt(arg); ok {
			b.X = v
		} else {
			return bad("@ud or [x=@ud y=@ud]")
		}
	case "mor":
		if arg.IsZero() {
			break
		}
		if depth >= maxMorDepth {
			return bad(fmt.Sprintf("at most %d nested %%mor", maxMorDepth))
		}
		items, lerr := noun.FromList(arg)
		if lerr != nil {
			return bad("~ or a (list blit)")
		}
		for _, it := range items {
			sub, err := parseBlit(it, depth+1)
			if err != nil {
				return Blit{}, err
			}
			b.Mor = append(b.Mor, sub)
		}
	case "sag", "sav":
		path, data, ok := arg.Uncell()
		if !ok {
			return bad("[path data]")
		}
		if b.Path, err = noun.FromPath(path); err != nil {
			return bad("[path data] with a path")
		}
		if tag == "sav" && !data.IsAtom() {
			return bad("[path @]")
		}
		b.Data = data
	case "url":
		if !arg.IsAtom() || !utf8.Valid(arg.Bytes()) {
			return bad("a cord")
		}
		b.URL = string(arg.Bytes())
	default:
		return Blit{}, fmt.Errorf("%w: unknown blit %%%s", ErrBadBlit, tag)
	}
	return b, nil
}

// codePoints reads a (list @c). Code points that are not valid Unicode
// scalar values become U+FFFD.
func codePoints(list noun.Noun) ([]rune, error) {
	var out []rune
	for n := list; !n.IsZero(); {
		h, t, ok := n.Uncell()
		if !ok {
			return nil, errors.New("not a null-terminated list")
		}
		c, ok := h.Word()
		if !ok || !h.IsAtom() {
			return nil, errors.New("an element is not an atom below 2^64")
		}
		r := rune(utf8.RuneError)
		if c <= utf8.MaxRune && utf8.ValidRune(rune(c)) {
			r = rune(c)
		}
		out = append(out, r)
		n = t
	}
	return out, nil
}

// smallInt reads an atom that fits an int32.
func smallInt(n noun.Noun) (int, bool) {
	v, ok := n.Word()
	if !ok || !n.IsAtom() || v > 1<<31-1 {
		return 0, false
	}
	return int(v), true
}

// clip renders a noun for an error message, cut to a readable length.
func clip(n noun.Noun) string {
	s := noun.String(n)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
