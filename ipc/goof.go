package ipc

import "github.com/kingserf/king/noun"

// Goof is a crash report, [mote tang]: Mote a term such as "exit"
// (deterministic crash), "intr" (interrupted by SIGINT), "alrm" (timeout),
// "meme" (out of memory) or "fail"; Tang a (list tank), the printable
// trace, most recent first. As in any term, trailing NUL bytes of Mote are
// not carried.
type Goof struct {
	Mote string
	Tang noun.Noun
}

// Noun encodes the goof as [mote tang].
func (g Goof) Noun() noun.Noun { return noun.Cell(noun.Cord(g.Mote), g.Tang) }

// String describes the goof for logs: its mote as %mote.
func (g Goof) String() string { return showTerm(g.Mote) }

// DecodeGoof decodes [mote tang], checking that mote is an atom and tang a
// null-terminated list. Errors are *DecodeError with Kind "goof".
func DecodeGoof(n noun.Noun) (Goof, error) {
	return decoder{kind: "goof"}.goof(n, "")
}

// goof decodes a goof whose fields are named under path.
func (d decoder) goof(n noun.Noun, path string) (Goof, error) {
	f, err := d.tuple(n, path, "mote", "tang")
	if err != nil {
		return Goof{}, err
	}
	mote, err := d.text(f[0], join(path, "mote"))
	if err != nil {
		return Goof{}, err
	}
	if err := d.list(f[1], join(path, "tang")); err != nil {
		return Goof{}, err
	}
	return Goof{Mote: mote, Tang: f[1]}, nil
}
