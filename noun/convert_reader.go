package noun

import "time"

// Reader decodes the fields of a tuple noun [a b c ...] in order, naming
// each place it reads so that a failure says where it happened. The first
// error is kept and every later read returns a zero value, so a decoder
// reads all its fields and checks Err once:
//
//	r := noun.NewReader(plea, "plea")
//	switch r.Tag() {
//	case "work":
//		switch r.Tag() {
//		case "done":
//			eve := r.Uint64("eve")
//			mug := r.Uint32("mug")
//			fx := r.Last().List("effects")
//			if err := r.Err(); err != nil {
//				return err // e.g. "noun: plea.work.done.eve: want atom, got cell [1 2]"
//			}
//		}
//	}
//
// A tuple's last field is its whole remaining tail, not the head of it, so
// the final read must follow Last() (or use Rest). Tags read with Tag join
// the path, so errors show which case of a union was being decoded.
type Reader struct {
	rest Noun
	path string
	last bool
	// err is shared with sub-readers made by Sub, so an error anywhere
	// stops the whole decode.
	err *error
}

// NewReader returns a Reader for the tuple n, naming it name in errors.
func NewReader(n Noun, name string) *Reader {
	return &Reader{rest: n, path: name, err: new(error)}
}

// Err returns the first error met by this reader or any of its
// sub-readers, a *DecodeError, or nil.
func (r *Reader) Err() error { return *r.err }

// Where returns the path the reader's fields are named under, including
// the tags read so far, e.g. "plea.work.done".
func (r *Reader) Where() string { return r.path }

// Last makes the next read take the whole rest of the tuple: use it for a
// tuple's final field. It returns r for chaining.
func (r *Reader) Last() *Reader {
	r.last = true
	return r
}

// Fail records a decode error at the named field of the reader, unless an
// error is already recorded. Decoders use it for checks of their own, such
// as an unknown tag.
func (r *Reader) Fail(name, want string, got Noun) {
	r.setErr(newDecodeError(joinDecodePath(r.path, name), want, got))
}

func (r *Reader) setErr(err error) {
	if *r.err == nil {
		*r.err = err
	}
}

// next takes the next field: the head of the rest, or after Last the rest
// itself. ok is false, with the error recorded, when there is no field.
func (r *Reader) next(name string) (Noun, bool) {
	if *r.err != nil {
		return Zero, false
	}
	if r.last {
		v := r.rest
		r.rest, r.last = Zero, false
		return v, true
	}
	h, t, ok := r.rest.Uncell()
	if !ok {
		r.setErr(newDecodeError(joinDecodePath(r.path, name), "a cell (more fields)", r.rest))
		return Zero, false
	}
	r.rest = t
	return h, true
}

// check records err, if any, under the named field and reports success.
func (r *Reader) check(name string, err error) bool {
	if err != nil {
		r.setErr(prefixDecodeError(joinDecodePath(r.path, name), err))
		return false
	}
	return true
}

// Tag reads a term and appends it to the reader's path. It returns "" on
// error.
func (r *Reader) Tag() string {
	v, ok := r.next("tag")
	if !ok {
		return ""
	}
	s, err := FromTerm(v)
	if !r.check("tag", err) {
		return ""
	}
	r.path = joinDecodePath(r.path, s)
	return s
}

// Noun reads any noun.
func (r *Reader) Noun(name string) Noun {
	v, _ := r.next(name)
	return v
}

// Rest returns the whole rest of the tuple as the final field.
func (r *Reader) Rest(name string) Noun { return r.Last().Noun(name) }

// Atom reads an atom.
func (r *Reader) Atom(name string) Noun {
	v, ok := r.next(name)
	if ok && v.IsCell() {
		r.Fail(name, "atom", v)
		return Zero
	}
	return v
}

// Cell reads a cell.
func (r *Reader) Cell(name string) Noun {
	v, ok := r.next(name)
	if ok && !v.IsCell() {
		r.Fail(name, "cell", v)
		return Zero
	}
	return v
}

// Uint64 reads an atom below 2^64.
func (r *Reader) Uint64(name string) uint64 {
	v, ok := r.next(name)
	if !ok {
		return 0
	}
	w, ok := v.Word()
	if !ok {
		r.Fail(name, "atom below 2^64", v)
	}
	return w
}

// Uint32 reads an atom below 2^32, such as a mug.
func (r *Reader) Uint32(name string) uint32 {
	v, ok := r.next(name)
	if !ok {
		return 0
	}
	w, ok := v.Word()
	if !ok || w > 0xffffffff {
		r.Fail(name, "atom below 2^32", v)
		return 0
	}
	return uint32(w)
}

// Null reads ~ (the atom 0).
func (r *Reader) Null(name string) {
	if v, ok := r.next(name); ok && !v.IsZero() {
		r.Fail(name, "~", v)
	}
}

// Loob reads a loobean: & (0) is true, | (1) is false.
func (r *Reader) Loob(name string) bool {
	v, ok := r.next(name)
	if !ok {
		return false
	}
	b, err := FromLoob(v)
	r.check(name, err)
	return b
}

// Term reads a term.
func (r *Reader) Term(name string) string {
	v, ok := r.next(name)
	if !ok {
		return ""
	}
	s, err := FromTerm(v)
	r.check(name, err)
	return s
}

// Cord reads an atom as a string of its bytes.
func (r *Reader) Cord(name string) string {
	v, ok := r.next(name)
	if !ok {
		return ""
	}
	s, err := FromCord(v)
	r.check(name, err)
	return s
}

// Da reads an @da as a time.
func (r *Reader) Da(name string) time.Time {
	v, ok := r.next(name)
	if !ok {
		return time.Time{}
	}
	t, err := FromDa(v)
	r.check(name, err)
	return t
}

// Unit reads a unit: ~ gives ok false, [~ v] gives v and ok true.
func (r *Reader) Unit(name string) (v Noun, ok bool) {
	n, present := r.next(name)
	if !present {
		return Zero, false
	}
	v, ok, err := FromUnit(n)
	r.check(name, err)
	return v, ok
}

// List reads a null-terminated list.
func (r *Reader) List(name string) []Noun {
	v, ok := r.next(name)
	if !ok {
		return nil
	}
	items, err := FromList(v)
	r.check(name, err)
	return items
}

// Path reads a path (a list of cords).
func (r *Reader) Path(name string) []string {
	v, ok := r.next(name)
	if !ok {
		return nil
	}
	segs, err := FromPath(v)
	r.check(name, err)
	return segs
}

// Tape reads a tape (a list of bytes) as a string.
func (r *Reader) Tape(name string) string {
	v, ok := r.next(name)
	if !ok {
		return ""
	}
	s, err := FromTape(v)
	r.check(name, err)
	return s
}

// Sub reads the next field as a nested tuple and returns a Reader for it,
// named name under this reader's path. Errors of the sub-reader are errors
// of this reader too.
func (r *Reader) Sub(name string) *Reader {
	v, _ := r.next(name)
	return &Reader{rest: v, path: joinDecodePath(r.path, name), err: r.err}
}
