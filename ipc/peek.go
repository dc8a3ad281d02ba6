package ipc

import "github.com/kingserf/king/noun"

// Peek samples have the shape [gang (each path [%once care desk path])]
// (PROTOCOL.md §3.1). gang is a (unit (set ship)): who may see the result.
// Reference kings send [~ ~] (LocalGang) for their own queries.

// LocalGang returns the gang [~ ~] that reference kings put in their own
// peeks.
func LocalGang() noun.Noun { return noun.Cell(noun.Zero, noun.Zero) }

// PeekPath builds the sample [gang %.y path] of a peek by a whole path,
// each element of path being a knot (a cord).
func PeekPath(gang noun.Noun, path ...string) noun.Noun {
	return noun.T(gang, noun.Zero, noun.Path(path...))
}

// PeekOnce builds the sample [gang %.n %once care desk path] of a peek with
// a care (such as "x") at a desk (such as "base"), the usual form.
func PeekOnce(gang noun.Noun, care, desk string, path ...string) noun.Noun {
	return noun.T(gang, noun.One, tag(tagOnce), noun.Cord(care), noun.Cord(desk), noun.Path(path...))
}
