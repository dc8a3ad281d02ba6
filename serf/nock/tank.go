package nock

import (
	"strconv"

	"github.com/kingserf/king/noun"
)

// tagLeaf is the tank tag %leaf.
const tagLeaf = uint64('l') | uint64('e')<<8 | uint64('a')<<16 | uint64('f')<<24

// Leaf returns the tank [%leaf tape] that prints as s.
func Leaf(s string) noun.Noun { return noun.Cell(noun.Atom(tagLeaf), noun.Tape(s)) }

// formatUD renders n the way Hoon prints @ud: groups of three digits
// separated by dots, as in 1.372.
func formatUD(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	lead := len(s) % 3
	if lead == 0 {
		lead = 3
	}
	out = append(out, s[:lead]...)
	for i := lead; i < len(s); i += 3 {
		out = append(out, '.')
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}
