package drivers

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kingserf/king/noun"
)

// ErrBadEffect is what ParseEffect's errors match: an effect that is not
// [wire card] with a wire naming a vane.
var ErrBadEffect = errors.New("drivers: malformed effect")

// Effect is one effect of a committed event, as routed to drivers.
type Effect struct {
	// Eve is the event that produced it.
	Eve uint64
	// Wire is the effect's wire, such as [0 %term '1' ~].
	Wire noun.Noun
	// Card is the effect's card, such as [%blit blits].
	Card noun.Noun
	// Vane names the wire's vane: its second element when the first is
	// 0 (the usual effect wire), else its first element; as text.
	Vane string
	// Tag is the card's tag ("blit", "doze") when the card is a cell
	// whose head is an atom, else "".
	Tag string
}

// ParseEffect splits an ovum [wire card] into an Effect. The wire must be
// a cell whose vane element (see Effect.Vane) is an atom.
func ParseEffect(eve uint64, ovum noun.Noun) (Effect, error) {
	wire, card, ok := ovum.Uncell()
	if !ok {
		return Effect{}, fmt.Errorf("%w: want [wire card], got the atom %s", ErrBadEffect, clip(ovum))
	}
	head, tail, ok := wire.Uncell()
	if !ok {
		return Effect{}, fmt.Errorf("%w: wire %s is not a path", ErrBadEffect, clip(wire))
	}
	vane := head
	if head.IsZero() {
		second, _, ok := tail.Uncell()
		if !ok {
			return Effect{}, fmt.Errorf("%w: wire %s names no vane", ErrBadEffect, clip(wire))
		}
		vane = second
	}
	if !vane.IsAtom() {
		return Effect{}, fmt.Errorf("%w: wire %s: the vane is a cell", ErrBadEffect, clip(wire))
	}
	ef := Effect{Eve: eve, Wire: wire, Card: card, Vane: AtomText(vane)}
	if tag, _, ok := card.Uncell(); ok && tag.IsAtom() {
		ef.Tag = AtomText(tag)
	}
	return ef, nil
}

// Kind names the effect's kind for logs and counts: its vane and card
// tag, such as "/term %blit".
func (ef Effect) Kind() string {
	if ef.Tag == "" {
		return "/" + ef.Vane + " (card without a tag)"
	}
	return "/" + ef.Vane + " %" + ef.Tag
}

// AtomText renders an atom as text when its bytes are printable UTF-8
// (a cord or term, as wires and tags are), else in noun syntax.
func AtomText(a noun.Noun) string {
	if a.IsZero() {
		return ""
	}
	b := a.Bytes()
	if len(b) <= 64 && utf8.Valid(b) && !strings.ContainsFunc(string(b), func(r rune) bool { return !unicode.IsPrint(r) }) {
		return string(b)
	}
	return clip(a)
}

// pathText renders a wire as /a/b/c, or in noun syntax if it is not a
// path.
func pathText(wire noun.Noun) string {
	var sb strings.Builder
	for n := wire; ; {
		h, t, ok := n.Uncell()
		if !ok {
			if !n.IsZero() {
				return clip(wire)
			}
			break
		}
		if !h.IsAtom() {
			return clip(wire)
		}
		sb.WriteByte('/')
		sb.WriteString(AtomText(h))
		n = t
		if sb.Len() > 200 {
			sb.WriteString("/…")
			break
		}
	}
	if sb.Len() == 0 {
		return "/"
	}
	return sb.String()
}

// clip renders a noun for a log line, cut to a readable length.
func clip(n noun.Noun) string {
	s := noun.String(n)
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// OnSession reports whether the effect's wire names the session s in the
// element after its vane, as a terminal effect's [0 %term '1' ~] names
// session 1, or names none (the wire ends at the vane).
func (ef Effect) OnSession(s string) bool {
	head, rest, _ := ef.Wire.Uncell() // [vane session ...]
	if head.IsZero() {
		_, rest, _ = rest.Uncell() // [0 vane session ...]
	}
	sess, _, ok := rest.Uncell()
	return !ok || noun.Equal(sess, noun.Cord(s))
}
