package king

import (
	"math/bits"

	"github.com/kingserf/king/noun"
)

// A replay from a log holds each event as a jam already. Cueing every
// event and jamming the %play writ again cost the king more than the serf
// spends computing a counter event, so the splicer builds the writ's jam
// [%play eve lit] from the logged jams directly: it copies each event's
// bits into the list, rewriting only its backrefs, whose offsets are
// positions in the whole stream. The result is not the canonical jam of
// the writ (no sharing across events), but it cues to the same noun, which
// is all the protocol asks of a writ.
//
// The splicer validates each jam as it copies it, accepting exactly what
// noun.Cue accepts (a fuzz test holds it to that), and reports a bad one
// with the *noun.CueError Cue would give, so a damaged log event is named
// before anything of it reaches the serf.

// playTag and workTag are the cords %play and %work.
var (
	playTag = noun.Cord("play")
	workTag = noun.Cord("work")
)

// spliceRetain bounds the buffers a splicer keeps between batches, so one
// batch of huge events does not pin its memory for the whole replay.
const spliceRetain = 16 << 20

// writSplicer builds the payload of one writ at a time: a %play from its
// events' jams, or a %work from its job's jam (a caller that logs events
// has that jam already). Not safe for concurrent use.
type writSplicer struct {
	w      bitWriter
	events int
	// nouns and open are scratch for one event: the nouns that started in
	// it, in order of their offsets, and its cells still being copied.
	nouns []splicedNoun
	open  []openCell
	r     bitReader
}

// splicedNoun is a noun met while copying an event: where it started in
// the event's jam and in the writ. A backref may name it once done.
type splicedNoun struct {
	src, dst uint64
	done     bool
}

// openCell is a cell being copied: its index in nouns, and whether its
// head is done.
type openCell struct {
	idx  int
	head bool
}

// begin starts the %play writ of a batch whose first event is eve.
func (sp *writSplicer) begin(eve uint64) {
	sp.reset()
	tag, _ := playTag.Word()
	sp.w.cellTag() // [%play [eve lit]]
	sp.w.atom(tag)
	sp.w.cellTag() // [eve lit]
	sp.w.atom(eve)
}

// work returns the jam of [%work mil job] given the jam of job, valid
// until the next call. A jam that does not cue is a *noun.CueError.
func (sp *writSplicer) work(mil uint64, job []byte) ([]byte, error) {
	sp.reset()
	tag, _ := workTag.Word()
	sp.w.cellTag() // [%work [mil job]]
	sp.w.atom(tag)
	sp.w.cellTag() // [mil job]
	sp.w.atom(mil)
	if err := sp.copyNoun(job); err != nil {
		return nil, err
	}
	return sp.w.bytes(), nil
}

// reset empties the splicer for a new writ, dropping buffers a huge writ
// grew.
func (sp *writSplicer) reset() {
	if cap(sp.w.buf) > spliceRetain {
		sp.w.buf = nil
	}
	if cap(sp.nouns) > spliceRetain/24 {
		sp.nouns, sp.open = nil, nil
	}
	sp.w.reset()
	sp.events = 0
}

// add appends the event whose jam is jam. A jam that does not cue is a
// *noun.CueError and adds nothing.
func (sp *writSplicer) add(jam []byte) error {
	m := sp.w.mark()
	sp.w.cellTag() // [event rest-of-list]
	if err := sp.copyNoun(jam); err != nil {
		sp.w.cut(m)
		return err
	}
	sp.events++
	return nil
}

// len is the number of events added since begin.
func (sp *writSplicer) len() int { return sp.events }

// finish ends the list and returns the writ's jam; it is valid until the
// next begin.
func (sp *writSplicer) finish() []byte {
	sp.w.atom(0) // ~
	return sp.w.bytes()
}

// copyNoun validates the jam of one noun and appends it, backrefs
// rewritten, at the writer's position. It never recurses.
func (sp *writSplicer) copyNoun(jam []byte) error {
	if len(jam) == 0 {
		return &noun.CueError{Offset: 0, Err: noun.ErrCueEmpty}
	}
	if cap(sp.r.words) > spliceRetain/8 {
		sp.r.words = nil
	}
	r := &sp.r
	r.load(jam)
	err := sp.copyWords(r)
	return err
}

// copyWords is copyNoun of the jam loaded into r.
func (sp *writSplicer) copyWords(r *bitReader) error {
	nouns, open := sp.nouns[:0], sp.open[:0]
	// The scratch slices go back to sp, grown, whatever happens.
	defer func() { sp.nouns, sp.open = nouns[:0], open[:0] }()
	pos := uint64(0)
	for {
		if pos >= r.nbits {
			return &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
		}
		w := r.peek(pos)
		switch {
		case w&1 == 0: // atom: copied bit for bit
			b, start, err := matLen(r, pos+1)
			if err != nil {
				return err
			}
			nouns = append(nouns, splicedNoun{src: pos, dst: sp.w.bits(), done: true})
			sp.w.copyBits(r, pos, start+b-pos)
			pos = start + b
		case w&2 == 0: // cell: its head and tail follow
			if pos+2 > r.nbits {
				return &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
			}
			nouns = append(nouns, splicedNoun{src: pos, dst: sp.w.bits()})
			open = append(open, openCell{idx: len(nouns) - 1})
			sp.w.cellTag()
			pos += 2
			continue
		default: // backref: to the same noun, at its offset in the writ
			dst, next, err := backrefTarget(r, pos, nouns)
			if err != nil {
				return err
			}
			sp.w.backref(dst)
			pos = next
		}
		// A noun is done: hand it to the innermost open cell, and close
		// every cell it completes.
		for {
			if len(open) == 0 {
				return nil
			}
			top := &open[len(open)-1]
			if !top.head {
				top.head = true
				break
			}
			nouns[top.idx].done = true
			open = open[:len(open)-1]
		}
	}
}

// matLen decodes the length header of a mat at pos, as noun.Cue does: it
// returns the atom's bit length b and the offset where its bits start,
// having checked that they lie within the input.
func matLen(r *bitReader, pos uint64) (b, start uint64, err error) {
	if pos >= r.nbits {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
	}
	w := r.peek(pos)
	if w == 0 {
		if r.nbits-pos < 64 {
			return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
		}
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueLengthPrefix}
	}
	c := uint64(bits.TrailingZeros64(w))
	if c == 0 {
		return 0, pos + 1, nil
	}
	start = pos + 2*c
	if start > r.nbits {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
	}
	b = uint64(1)<<(c-1) | r.read(pos+c+1, c-1)
	if b > r.nbits-start {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueAtomLength}
	}
	return b, start, nil
}

// backrefTarget decodes the backref whose tag is at pos and returns the
// writ offset of the noun it names and the offset just past it. The noun
// must have started earlier in the event and be complete: an atom or a
// finished cell, not a backref and not a cell that encloses pos.
func backrefTarget(r *bitReader, pos uint64, nouns []splicedNoun) (dst, next uint64, err error) {
	if pos+2 > r.nbits {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueTruncated}
	}
	b, start, err := matLen(r, pos+2)
	if err != nil {
		return 0, 0, err
	}
	if b > 64 {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueBackref}
	}
	k := r.read(start, b)
	lo, hi := 0, len(nouns)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if nouns[mid].src < k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(nouns) || nouns[lo].src != k || !nouns[lo].done {
		return 0, 0, &noun.CueError{Offset: pos, Err: noun.ErrCueBackref}
	}
	return nouns[lo].dst, start + b, nil
}
