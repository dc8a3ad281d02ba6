package patp

import "math/bits"

// Ship numbers from 2^16 to 2^32-1 (planets, and the low half of moons)
// are shown scrambled, so that neighbouring planets do not look alike:
// Urbit's ++fein, a four-round Feistel cipher over [0, 2^32 - 2^16) with
// murmur3 as its round function (++ob in hoon.hoon); ++fynd undoes it.

// Feistel parameters: the domain is split as a*b with a = 2^16-1 and
// b = 2^16; k bounds the cycle walk.
const (
	feA     = 0xffff
	feB     = 0x10000
	feK     = 0xffffffff
	feRound = 4
)

// raku are the round keys, the seeds of the round function.
var raku = [feRound]uint32{0xb76d5eed, 0xee281300, 0x85bcae01, 0x4b387af7}

// round is the round function of round j: the 32-bit murmur3 (x86) of the
// two low bytes of r, little-endian, seeded with raku[j].
func round(j int, r uint64) uint64 {
	const c1, c2 = 0xcc9e2d51, 0x1b873593
	k := uint32(r & 0xffff)
	k *= c1
	k = bits.RotateLeft32(k, 15)
	k *= c2
	h := raku[j] ^ k
	h ^= 2 // the length in bytes
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return uint64(h)
}

// fein scrambles a ship number below 2^64; others are unchanged.
func fein(v uint64) uint64 {
	switch {
	case v >= 0x10000 && v <= 0xffffffff:
		return 0x10000 + cycle(v-0x10000, fe)
	case v > 0xffffffff:
		return v&^0xffffffff | fein(v&0xffffffff)
	}
	return v
}

// fynd is the inverse of fein.
func fynd(v uint64) uint64 {
	switch {
	case v >= 0x10000 && v <= 0xffffffff:
		return 0x10000 + cycle(v-0x10000, fen)
	case v > 0xffffffff:
		return v&^0xffffffff | fynd(v&0xffffffff)
	}
	return v
}

// cycle applies f, and once more if the result falls outside the domain
// (cycle walking: a*b exceeds the domain by a little).
func cycle(m uint64, f func(uint64) uint64) uint64 {
	c := f(m)
	if c < feK {
		return c
	}
	return f(c)
}

// fe is one pass of the cipher.
func fe(m uint64) uint64 {
	ell, arr := m%feA, m/feA
	for j := 1; j <= feRound; j++ {
		mod := uint64(feB)
		if j%2 == 1 {
			mod = feA
		}
		ell, arr = arr, (round(j-1, arr)+ell)%mod
	}
	// feRound is even.
	if arr == feA {
		return feA*arr + ell
	}
	return feA*ell + arr
}

// fen is one pass of the inverse cipher.
func fen(m uint64) uint64 {
	// feRound is even.
	ahh, ale := m%feA, m/feA
	ell, arr := ale, ahh
	if ale == feA {
		ell, arr = ahh, ale
	}
	for j := feRound; j >= 1; j-- {
		mod := uint64(feB)
		if j%2 == 1 {
			mod = feA
		}
		f := round(j-1, ell)
		ell, arr = (arr+mod-f%mod)%mod, ell
	}
	return feA*arr + ell
}
