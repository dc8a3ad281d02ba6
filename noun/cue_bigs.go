package noun

// cueBigs keeps the atoms wider than 64 bits that one Cue decoded, by the
// offset where each started, so that a backref finds them again.
//
// A %play writ carries one 128-bit date per event, so a Cue of a batch
// decodes hundreds of big atoms. Kept in one growing slice, they cost a
// reallocation and copy at every doubling, and each two-word atom its own
// allocation. Here entries go into chunks that are never copied (each
// twice the size of the one before, up to bigChunkMax), and two-word atoms
// are carved from chunks of bigPairs (on the large path; the small path's
// few atoms are allocated one by one, since its scratch is reused).
//
// Invariants: entries are in increasing offset order across chunks, which
// are all full but the last; a chunk of pairs, once handed out from, is
// referenced by the entries of the atoms in it.
type cueBigs struct {
	chunks [][]bigEntry
	// pairs is what is left of the current chunk of pairs; pairChunk is
	// its size, 0 for atoms allocated one by one.
	pairs     []bigPair
	pairChunk int
}

const (
	// bigChunkMin and bigChunkMax bound the entries of a chunk.
	bigChunkMin = 16
	bigChunkMax = 4096
	// bigPairChunk is the number of two-word atoms allocated at once on
	// the large path.
	bigPairChunk = 64
)

// start sets the store up with chunks, nil or the caller's list of a
// first, empty chunk (a small Cue's scratch, so that it allocates nothing
// for either); pairChunk as in cueBigs.
func (s *cueBigs) start(chunks [][]bigEntry, pairChunk int) {
	s.chunks = chunks
	s.pairChunk = pairChunk
}

// add records the big atom n that started at offset pos, which is beyond
// every offset added before.
func (s *cueBigs) add(pos uint64, n Noun) {
	last := len(s.chunks) - 1
	if last < 0 || len(s.chunks[last]) == cap(s.chunks[last]) {
		size := bigChunkMin
		if last >= 0 {
			size = min(2*cap(s.chunks[last]), bigChunkMax)
		}
		s.chunks = append(s.chunks, make([]bigEntry, 0, size))
		last++
	}
	s.chunks[last] = append(s.chunks[last], bigEntry{pos: pos, n: n})
}

// pair returns a fresh two-word atom.
func (s *cueBigs) pair() *bigPair {
	if s.pairChunk == 0 {
		return new(bigPair)
	}
	if len(s.pairs) == 0 {
		s.pairs = make([]bigPair, s.pairChunk)
	}
	p := &s.pairs[0]
	s.pairs = s.pairs[1:]
	return p
}

// find returns the big atom that started at offset k, if any.
func (s *cueBigs) find(k uint64) (Noun, bool) {
	// The last chunk whose first entry starts at or before k.
	lo, hi := 0, len(s.chunks)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if c := s.chunks[mid]; len(c) > 0 && c[0].pos <= k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return Zero, false
	}
	c := s.chunks[lo-1]
	lo, hi = 0, len(c)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if c[mid].pos < k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(c) && c[lo].pos == k {
		return c[lo].n, true
	}
	return Zero, false
}
