package control

import (
	"fmt"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// BailCode is the code of a [0 %bail code text] response: why the server
// closed a connection.
type BailCode uint64

// The bail codes.
const (
	// BailCue: a frame whose payload does not cue.
	BailCue BailCode = iota + 1
	// BailFrame: a bad frame (not newt framing, zero length, too large, cut).
	BailFrame
	// BailShape: a noun that is not [rid tag args] with an atom rid.
	BailShape
	// BailTag: an unknown request tag.
	BailTag
	// BailArgs: arguments a request does not take.
	BailArgs
	// BailSlow: the client does not read its responses.
	BailSlow
	// BailBusy: the server has too many connections.
	BailBusy
)

// String names the code as Urbit's conn.c names the same fault.
func (c BailCode) String() string {
	switch c {
	case BailCue:
		return "cue-none"
	case BailFrame:
		return "frame-bad"
	case BailShape:
		return "jar-bad"
	case BailTag:
		return "tag-unknown"
	case BailArgs:
		return "args-bad"
	case BailSlow:
		return "slow"
	case BailBusy:
		return "busy"
	}
	return fmt.Sprintf("bail-%d", uint64(c))
}

// requestError is a malformed request: the connection is closed after a
// [0 %bail code text].
type requestError struct {
	code BailCode
	text string
}

func (e *requestError) Error() string { return e.code.String() + ": " + e.text }

func badRequest(code BailCode, format string, args ...any) *requestError {
	return &requestError{code: code, text: fmt.Sprintf(format, args...)}
}

// request is a parsed [rid tag args].
type request struct {
	rid  noun.Noun
	tag  string
	args noun.Noun
}

// The request tags.
const (
	tagPeek = "peek"
	tagPeel = "peel"
	tagOvum = "ovum"
	tagSave = "save"
	tagPack = "pack"
	tagMeld = "meld"
	tagIntr = "intr"
	tagExit = "exit"
	tagUrth = "urth"
	tagDill = "dill"
)

// RequestTags lists the request tags the server takes, for /help and
// documentation.
func RequestTags() []string {
	return []string{tagPeek, tagPeel, tagOvum, tagSave, tagPack, tagMeld, tagIntr, tagExit, tagUrth, tagDill}
}

// parseRequest checks a request's shape and its tag's arguments.
func parseRequest(n noun.Noun) (request, *requestError) {
	rid, rest, ok := n.Uncell()
	if !ok || !rid.IsAtom() {
		return request{}, badRequest(BailShape, "want [rid tag args] with an atom rid, got %s", clip(n))
	}
	tagN, args, ok := rest.Uncell()
	if !ok || !tagN.IsAtom() {
		return request{}, badRequest(BailShape, "want [rid tag args], got %s", clip(n))
	}
	tag, err := noun.FromTerm(tagN)
	if err != nil {
		return request{}, badRequest(BailTag, "tag %s is not a term", clip(tagN))
	}
	req := request{rid: rid, tag: tag, args: args}
	switch tag {
	case tagPeek:
		if _, err := peekSample(args); err != nil {
			return request{}, err
		}
	case tagPeel:
		if _, err := noun.FromPath(args); err != nil {
			return request{}, badRequest(BailArgs, "%%peel wants a path, got %s", clip(args))
		}
	case tagOvum:
		if _, err := ovumOf(args); err != nil {
			return request{}, err
		}
	case tagSave, tagPack, tagMeld, tagIntr, tagExit, tagDill:
		if !args.IsZero() {
			return request{}, badRequest(BailArgs, "%%%s takes ~, got %s", tag, clip(args))
		}
	case tagUrth:
		if a, err := noun.FromTerm(args); err != nil || (a != "pack" && a != "meld") {
			return request{}, badRequest(BailArgs, "urth-bad: %%urth takes %%pack or %%meld, got %s", clip(args))
		}
	default:
		return request{}, badRequest(BailTag, "%%%s", tag)
	}
	return req, nil
}

// peekSample builds the serf's peek sample [gang each] for the args of a
// %peek: a bare path becomes [%& path]; [%& path] and [%| ...] pass as
// they are. The gang is [~ ~], as Urbit's conn.c sends.
func peekSample(args noun.Noun) (noun.Noun, *requestError) {
	head, _, isCell := args.Uncell()
	if isCell && head.IsAtom() {
		if w, _ := head.Word(); head.IsZero() || w == 1 {
			// [%& path] or [%| [%once care desk path]]: the kernel checks.
			return noun.Cell(ipc.LocalGang(), args), nil
		}
	}
	if _, err := noun.FromPath(args); err != nil {
		return noun.Zero, badRequest(BailArgs, "%%peek wants a path, [%%& path] or [%%| %%once care desk path], got %s", clip(args))
	}
	return noun.T(ipc.LocalGang(), noun.Zero, args), nil
}

// ovumOf returns the event of an %ovum request: args [wire card] as it
// is, or Urbit conn.c's [tar wire card] as [[tar wire] card].
func ovumOf(args noun.Noun) (noun.Noun, *requestError) {
	head, rest, ok := args.Uncell()
	if !ok {
		return noun.Zero, badRequest(BailArgs, "ovum-bad: want [wire card] or [tar wire card], got %s", clip(args))
	}
	if head.IsCell() {
		return args, nil
	}
	wire, card, ok := rest.Uncell()
	if !ok {
		return noun.Zero, badRequest(BailArgs, "ovum-bad: want [wire card] or [tar wire card], got %s", clip(args))
	}
	return noun.Cell(noun.Cell(head, wire), card), nil
}

// bailNoun is the [0 %bail code text] closing a connection.
func bailNoun(e *requestError) noun.Noun {
	return noun.T(noun.Zero, noun.Cord("bail"), noun.Atom(uint64(e.code)), noun.Cord(e.Error()))
}

// failData is the data of a request the pier could not serve.
func failData(err error) noun.Noun { return noun.Cell(noun.Cord("fail"), noun.Cord(err.Error())) }

// goofList is a (list goof).
func goofList(gs []ipc.Goof) noun.Noun {
	ns := make([]noun.Noun, len(gs))
	for i, g := range gs {
		ns[i] = g.Noun()
	}
	return noun.List(ns...)
}

// clip renders a noun for an error text, cut to a readable length.
func clip(n noun.Noun) string {
	s := noun.String(n)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
