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
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	return mum(atomSeed, atomFallback, buf[:(bits.Len64(v)+7)/8])
}

func mugBig(b *bigAtom) uint32 {
	if m := b.mug.Load(); m != 0 {
		return m
	}
	buf := make([]byte, 8*len(b.words))
	for i, w := range b.words {
		binary.LittleEndian.PutUint64(buf[8*i:], w)
	}
	top := b.words[len(b.words)-1]
	size := 8*(len(b.words)-1) + (bits.Len64(top)+7)/8
	m := mum(atomSeed, atomFallback, buf[:size])
	b.mug.Store(m)
	return m
}

// mugPair hashes a cell from the mugs of its head and tail.
func mugPair(hm, tm uint32) uint32 {
	var buf [8]byte
	binary.LittleEndian.PutUint32(buf[:4], hm)
	binary.LittleEndian.PutUint32(buf[4:], tm)
	return mum(cellSeed, cellFallback, buf[:4+(bits.Len32(tm)+7)/8])
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
// it, in post-order, with an explicit stack.
func mugCellDeep(root *cellNode) uint32 {
	stack := make([]*cellNode, 0, 64)
	stack = append(stack, root)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		if c.mug.Load() != 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		hm, hok := shallowMug(c.head)
		tm, tok := shallowMug(c.tail)
		if hok && tok {
			c.mug.Store(mugPair(hm, tm))
			stack = stack[:len(stack)-1]
			continue
		}
		if !tok {
			stack = append(stack, c.tail.cell())
		}
		if !hok {
			stack = append(stack, c.head.cell())
		}
	}
	return root.mug.Load()
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
