package noun

import (
	"encoding/binary"
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

// mugWord hashes a direct atom without allocating.
func mugWord(v uint64) uint32 {
	return mumWord(atomSeed, atomFallback, v, (bits.Len64(v)+7)/8)
}

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
// LE32(hm) followed by the significant bytes of tm.
func mugPair(hm, tm uint32) uint32 {
	return mumWord(cellSeed, cellFallback, uint64(hm)|uint64(tm)<<32, 4+(bits.Len32(tm)+7)/8)
}

// shallowMug returns the mug of n if it is known without descending into
// an uncached cell; ok is false for such a cell.
func shallowMug(n Noun) (uint32, bool) {
	switch {
	case n.p == nil:
		return mugWord(n.v), true
	case n.v == tagBig:
		return mugBig(n.big()), true
	}
	m := n.cell().mug.Load()
	return m, m != 0
}

// mugCellDeep computes and caches the mug of c and every uncached cell below
// it, in post-order, with an explicit stack. Each uncached cell is visited
// once: a frame remembers the head's mug while the tail is computed, so no
// child is hashed twice.
func mugCellDeep(root *cellNode) uint32 {
	m, _ := mugCount(root)
	return m
}

// mugCount is mugCellDeep that also returns how many cells it hashed.
func mugCount(root *cellNode) (uint32, int) {
	if m := root.mug.Load(); m != 0 {
		return m, 0
	}
	count := 0
	type frame struct {
		c  *cellNode
		hm uint32
		// inTail is set once the head's mug is in hm.
		inTail bool
	}
	var buf [32]frame
	stack := buf[:0]
	c := root
	var hm uint32
	inTail := false
	for {
		// c is uncached. Find the mug of its head, then of its tail,
		// descending into whichever is an uncached cell.
		if !inTail {
			m, ok := shallowMug(c.head)
			if !ok {
				stack = append(stack, frame{c: c})
				c = c.head.cell()
				continue
			}
			hm = m
		}
		tm, ok := shallowMug(c.tail)
		if !ok {
			stack = append(stack, frame{c: c, hm: hm, inTail: true})
			c = c.tail.cell()
			inTail = false
			continue
		}
		m := mugPair(hm, tm)
		c.mug.Store(m)
		count++
		// Return m to the frames waiting for it.
		for {
			if len(stack) == 0 {
				return m, count
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !f.inTail {
				c, hm, inTail = f.c, m, true
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
	for i := 0; i < 8; i++ {
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
