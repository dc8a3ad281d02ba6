// Package patp reads and writes ship names in Urbit's @p notation, such
// as ~zod (0), ~marzod (256) or ~dapnep-ronmyl (65536): each 16 bits of
// the ship number is a prefix and a suffix syllable, a galaxy (below 256)
// one suffix, and planet numbers are scrambled first (see scramble.go).
package patp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kingserf/king/noun"
)

// ErrBadName is the error, wrapped with the name, of a string that is not
// a canonical @p.
var ErrBadName = errors.New("patp: not a ship name")

// ErrTooBig is the error of a ship number of more than 128 bits (or a
// cell).
var ErrTooBig = errors.New("patp: a ship is an atom below 2^128")

// maxChunks is the most 16-bit chunks a ship has (a comet's 128 bits).
const maxChunks = 8

// Format returns the @p of ship, with its leading ~.
func Format(ship noun.Noun) (string, error) {
	if ship.IsCell() || ship.BitLen() > 128 {
		return "", ErrTooBig
	}
	ws := ship.Words()
	var lo, hi uint64
	if len(ws) > 0 {
		lo = ws[0]
	}
	if len(ws) > 1 {
		hi = ws[1]
	}
	return format(lo, hi), nil
}

// format is Format of the ship hi<<64 | lo.
func format(lo, hi uint64) string {
	if hi == 0 {
		lo = fein(lo)
		if lo < 0x100 {
			return "~" + suffix(lo)
		}
	}
	chunks := chunksOf(lo, hi)
	var b strings.Builder
	b.WriteByte('~')
	for i := len(chunks) - 1; i >= 0; i-- {
		c := chunks[i]
		b.WriteString(prefix(c >> 8))
		b.WriteString(suffix(c & 0xff))
		switch {
		case i == 0:
		case i%4 == 0:
			b.WriteString("--")
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// chunksOf splits hi<<64 | lo into 16-bit chunks, lowest first, as many
// as it needs (at least one).
func chunksOf(lo, hi uint64) []uint64 {
	var out []uint64
	for i := 0; i < maxChunks; i++ {
		w := lo
		if i >= 4 {
			w = hi
		}
		out = append(out, w>>(16*(i%4))&0xffff)
	}
	n := len(out)
	for n > 1 && out[n-1] == 0 {
		n--
	}
	return out[:n]
}

// Parse reads a @p, with or without its leading ~, into the ship number.
// Only the canonical form is accepted (the one Format writes: no
// leading ~zod syllables or doz prefixes, hyphens in place).
func Parse(s string) (noun.Noun, error) {
	name := strings.TrimPrefix(s, "~")
	groups := strings.FieldsFunc(name, func(r rune) bool { return r == '-' })
	if len(groups) == 0 {
		return noun.Zero, fmt.Errorf("%w: %q is empty", ErrBadName, s)
	}
	var lo, hi uint64
	if len(groups) == 1 && len(groups[0]) == 3 {
		i := syllableIndex(suffixText, groups[0])
		if i < 0 {
			return noun.Zero, fmt.Errorf("%w: %q: %q is not a suffix syllable", ErrBadName, s, groups[0])
		}
		lo = uint64(i)
	} else {
		if len(groups) > maxChunks {
			return noun.Zero, fmt.Errorf("%w: %q has more than %d words", ErrBadName, s, maxChunks)
		}
		for _, g := range groups {
			c, err := word(g)
			if err != nil {
				return noun.Zero, fmt.Errorf("%w: %q: %v", ErrBadName, s, err)
			}
			hi = hi<<16 | lo>>48
			lo = lo<<16 | c
		}
	}
	if hi == 0 {
		lo = fynd(lo)
	}
	if format(lo, hi) != "~"+name {
		return noun.Zero, fmt.Errorf("%w: %q is not in canonical form (that ship is %s)", ErrBadName, s, format(lo, hi))
	}
	return noun.AtomWords([]uint64{lo, hi}), nil
}

// word reads a six-letter word, a prefix then a suffix syllable.
func word(g string) (uint64, error) {
	if len(g) != 6 {
		return 0, fmt.Errorf("%q is not a six-letter word", g)
	}
	p, q := syllableIndex(prefixText, g[:3]), syllableIndex(suffixText, g[3:])
	if p < 0 {
		return 0, fmt.Errorf("%q is not a prefix syllable", g[:3])
	}
	if q < 0 {
		return 0, fmt.Errorf("%q is not a suffix syllable", g[3:])
	}
	return uint64(p)<<8 | uint64(q), nil
}
