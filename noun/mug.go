package noun

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Mug returns the 31-bit hash of n exactly as Urbit computes it
// (PROTOCOL.md §1.1): MurmurHash3_x86_32 over an atom's minimal
// little-endian bytes with seed 0xcafebabe, and over the child mugs for a
// cell with seed 0xdeadbeef, folded to 31 bits. A mug is never 0.
//
// Cell and big-atom mugs are cached in the noun, so the mug of a kernel that
// shares most of its cells with the previous one costs only the new cells.
// Mug never recurses: arbitrarily deep nouns are hashed with an explicit
// stack.
func Mug(n Noun) uint32 {
	switch {
	case n.p == nil:
		return mugWord(n.v)
	case n.v == tagBig:
		return mugBig(n.big())
	}
	c := n.cell()
	if m := c.mug.Load(); m != 0 {
		return m
	}
	return mugCellDeep(c)
}

const (
	atomSeed     = 0xcafebabe
	atomFallback = 0x7fff
	cellSeed     = 0xdeadbeef
	cellFallback = 0xfffe
)

// mugWord hashes a direct atom without allocating. Atoms below 256 (most
// atoms of compiled code: opcodes, axes, small constants) come from a table.
func mugWord(v uint64) uint32 {
	if v < uint64(len(smallAtomMugs)) {
		return smallAtomMugs[v]
	}
	return mumWord(atomSeed, atomFallback, v, (bits.Len64(v)+7)/8)
}

// smallAtomMugs holds the mugs of the atoms 0 to 255. It is computed once
// and never written again.
var smallAtomMugs = func() (t [256]uint32) {
	for v := range t {
		t[v] = mumWord(atomSeed, atomFallback, uint64(v), (bits.Len64(uint64(v))+7)/8)
	}
	return t
}()

func mugBig(b *bigAtom) uint32 {
	if m := b.mug.Load(); m != 0 {
		return m
	}
	top := b.words[len(b.words)-1]
	size := 8*(len(b.words)-1) + (bits.Len64(top)+7)/8
	seed := uint32(atomSeed)
	m := uint32(atomFallback)
	for i := 0; i < 8; i++ {
		h := murmurWords(b.words, size, seed)
		if ham := (h >> 31) ^ (h & 0x7fffffff); ham != 0 {
			m = ham
			break
		}
		seed++
	}
	b.mug.Store(m)
	return m
}

// murmurWords is murmur3 over the first n bytes of the little-endian words
// ws, read in place: a big atom is hashed without copying it to bytes.
func murmurWords(ws []uint64, n int, seed uint32) uint32 {
	h := seed
	full := n / 8
	for _, w := range ws[:full] {
		h = murmurBlock(h, uint32(w))
		h = murmurBlock(h, uint32(w>>32))
	}
	if rest := n - 8*full; rest > 0 {
		w := ws[full]
		if rest >= 4 {
			h = murmurBlock(h, uint32(w))
			w >>= 32
			rest -= 4
		}
		if rest > 0 {
			h ^= murmurTail(uint32(w) & (1<<(8*uint(rest)) - 1))
		}
	}
	return murmurFinal(h, n)
}

// mugPair hashes a cell from the mugs of its head and tail: the bytes are
// LE32(hm) followed by the significant bytes of tm, 5 to 8 bytes in all.
// This is murmurWord unrolled for that case; the retry loop of mum runs
// only when the first seed folds to zero (one hash in 2^31).
func mugPair(hm, tm uint32) uint32 {
	h := murmurBlock(cellSeed, hm)
	var n uint32
	if tm >= 1<<24 {
		h = murmurBlock(h, tm)
		n = 8
	} else {
		h ^= murmurTail(tm)
		n = 4 + uint32(bits.Len32(tm)+7)/8
	}
	h = murmurFinal(h, int(n))
	if ham := (h >> 31) ^ (h & 0x7fffffff); ham != 0 {
		return ham
	}
	return mumWordRetry(cellSeed+1, cellFallback, uint64(hm)|uint64(tm)<<32, int(n))
}

// mugCellDeep computes and caches the mug of c and every uncached cell below
// it, in post-order, with an explicit stack.
func mugCellDeep(root *cellNode) uint32 {
	m, _, _, _ := mugWalk(root, math.MaxInt)
	return m
}

// mugFrame is a cell of mugWalk whose tail's mug is awaited (hm, the
// head's mug, is set) or whose head's mug is awaited (hm == 0: no mug is 0).
type mugFrame struct {
	c  *cellNode
	hm uint32
}

// mugWalk is mugCellDeep that also returns how many cells it hashed and
// how many times a hashed cell had a child cell whose mug was cached
// already (a cell shared with a part hashed before, as in a noun decoded
// by Cue, or hashed by an earlier Mug). Each uncached cell is visited
// once: a frame remembers the head's mug while the tail is computed, and a
// finished child hands its mug to its parent, so no child is hashed twice
// and no cached mug is read twice.
//
// It stops once it has hashed limit cells or is limit cells deep (Jam's
// test of a small noun), returning done false and mug 0; the mugs cached
// so far stay cached, and are right.
func mugWalk(root *cellNode, limit int) (mug uint32, hashed, shared int, done bool) {
	if m := root.mug.Load(); m != 0 {
		return m, 0, 0, true
	}
	count, cached := 0, 0
	var buf [64]mugFrame
	stack := buf[:0]
	c := root
	var hm uint32 // the head's mug, or 0 while it is not known
	for {
		// c is uncached. Find the mug of its head, then of its tail,
		// descending into whichever is an uncached cell.
		if hm == 0 {
			h := c.head
			switch {
			case h.p == nil:
				hm = mugWord(h.v)
			case h.v == tagBig:
				hm = mugBig(h.big())
			default:
				hc := h.cell()
				if hm = hc.mug.Load(); hm == 0 {
					if len(stack) >= limit {
						return 0, count, cached, false
					}
					stack = append(stack, mugFrame{c: c})
					c = hc
					continue
				}
				cached++
			}
		}
		var m uint32
		t := c.tail
		switch {
		case t.p == nil:
			m = mugWord(t.v)
		case t.v == tagBig:
			m = mugBig(t.big())
		default:
			tc := t.cell()
			if m = tc.mug.Load(); m == 0 {
				if len(stack) >= limit {
					return 0, count, cached, false
				}
				stack = append(stack, mugFrame{c: c, hm: hm})
				c, hm = tc, 0
				continue
			}
			cached++
		}
		m = mugPair(hm, m)
		c.mug.Store(m)
		count++
		// Hand m to the frames waiting for it.
		for {
			if len(stack) == 0 {
				return m, count, cached, true
			}
			if count >= limit {
				return 0, count, cached, false
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.hm == 0 {
				c, hm = f.c, m
				break
			}
			m = mugPair(f.hm, m)
			f.c.mug.Store(m)
			count++
		}
	}
}

// mum is Urbit's u3r_mug_bytes retry loop around MurmurHash3_x86_32.
func mum(seed, fallback uint32, data []byte) uint32 {
	for i := 0; i < 8; i++ {
		h := murmur3(data, seed)
		if ham := (h >> 31) ^ (h & 0x7fffffff); ham != 0 {
			return ham
		}
		seed++
	}
	return fallback
}

// mumWord is mum over the n <= 8 low bytes of v, little-endian, without
// building a slice: the hot path of every atom and cell mug.
func mumWord(seed, fallback uint32, v uint64, n int) uint32 {
	h := murmurWord(v, n, seed)
	if ham := (h >> 31) ^ (h & 0x7fffffff); ham != 0 {
		return ham
	}
	return mumWordRetry(seed+1, fallback, v, n)
}

// mumWordRetry is mumWord's loop over the seven seeds after the first.
func mumWordRetry(seed, fallback uint32, v uint64, n int) uint32 {
	for i := 1; i < 8; i++ {
		h := murmurWord(v, n, seed)
		if ham := (h >> 31) ^ (h & 0x7fffffff); ham != 0 {
			return ham
		}
		seed++
	}
	return fallback
}

// murmurWord is murmur3 over the n <= 8 low bytes of v.
func murmurWord(v uint64, n int, seed uint32) uint32 {
	h := seed
	switch {
	case n == 8:
		h = murmurBlock(h, uint32(v))
		h = murmurBlock(h, uint32(v>>32))
	case n >= 4:
		h = murmurBlock(h, uint32(v))
		h ^= murmurTail(uint32(v>>32) & (1<<(8*uint(n-4)) - 1))
	case n > 0:
		h ^= murmurTail(uint32(v) & (1<<(8*uint(n)) - 1))
	}
	return murmurFinal(h, n)
}

const (
	murmurC1 = 0xcc9e2d51
	murmurC2 = 0x1b873593
)

// murmurBlock mixes one 4-byte block k into h.
func murmurBlock(h, k uint32) uint32 {
	k *= murmurC1
	k = bits.RotateLeft32(k, 15)
	k *= murmurC2
	h ^= k
	h = bits.RotateLeft32(h, 13)
	return h*5 + 0xe6546b64
}

// murmurTail scrambles the 1 to 3 trailing bytes k (k != 0 or the tail is
// all zero bytes, which scrambles to 0 either way).
func murmurTail(k uint32) uint32 {
	k *= murmurC1
	k = bits.RotateLeft32(k, 15)
	return k * murmurC2
}

// murmurFinal folds in the length and applies the finalization mix.
func murmurFinal(h uint32, n int) uint32 {
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// murmur3 is MurmurHash3_x86_32 as in Austin Appleby's reference code.
func murmur3(data []byte, seed uint32) uint32 {
	const (
		c1 = 0xcc9e2d51
		c2 = 0x1b873593
	)
	h := seed
	n := len(data)
	i := 0
	for ; i+4 <= n; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
		h = bits.RotateLeft32(h, 13)
		h = h*5 + 0xe6546b64
	}
	var k uint32
	switch n & 3 {
	case 3:
		k ^= uint32(data[i+2]) << 16
		fallthrough
	case 2:
		k ^= uint32(data[i+1]) << 8
		fallthrough
	case 1:
		k ^= uint32(data[i])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
	}
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}
