package noun

import (
	"math/bits"
	"time"
)

// daUnixEpoch is the high word of the @da for the Unix epoch (PROTOCOL.md
// §1.3): an @da counts 2^-64 seconds from an epoch long before 1970.
const daUnixEpoch = 0x8000000cce9e0d80

// daMaxSeconds bounds the Unix seconds FromDa accepts, keeping every
// result inside time.Time's range (about ±146 billion years).
const daMaxSeconds = 1 << 62

// Da returns the @da (Urbit date) of t, to the microsecond: the high 64
// bits are 0x8000000cce9e0d80 plus the Unix seconds, the low 64 bits are
// ((µs * 65536) / 1000000) << 48, exactly as Urbit's runtime builds them
// from a struct timeval.
func Da(t time.Time) Noun {
	s := t.Unix()
	us := uint64(t.Nanosecond() / 1000)
	low := (us * 65536 / 1000000) << 48
	if s >= 0 {
		high, carry := bits.Add64(daUnixEpoch, uint64(s), 0)
		return AtomWords([]uint64{low, high, carry})
	}
	// s < 0: the epoch word is larger than any int64's magnitude allows
	// to go below zero, so this never wraps.
	return AtomWords([]uint64{low, daUnixEpoch - uint64(-s)})
}

// FromDa decodes an @da to a UTC time.Time with microsecond precision. It
// reads the top 16 bits of the fraction (the precision Da writes) and
// rounds the microseconds up, so that Da(FromDa(Da(t))) == Da(t) for every
// t. Bits of the fraction below 2^-16 s are ignored. Dates more than
// 2^62 seconds from 1970 are an error.
func FromDa(n Noun) (time.Time, error) {
	w := n.Words()
	if n.IsCell() || len(w) > 2 {
		return time.Time{}, newDecodeError("", "@da (an atom of at most 128 bits)", n)
	}
	var low, high uint64
	if len(w) > 0 {
		low = w[0]
	}
	if len(w) > 1 {
		high = w[1]
	}
	var s int64
	switch {
	case high >= daUnixEpoch && high-daUnixEpoch <= daMaxSeconds:
		s = int64(high - daUnixEpoch)
	case high < daUnixEpoch && daUnixEpoch-high <= daMaxSeconds:
		s = -int64(daUnixEpoch - high)
	default:
		return time.Time{}, newDecodeError("", "@da within 2^62 seconds of 1970", n)
	}
	frac := low >> 48
	us := (frac*1000000 + 65535) / 65536
	return time.Unix(s, int64(us)*1000).UTC(), nil
}
