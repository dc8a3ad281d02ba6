package ipc

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Framing is the way frames are delimited on a stream (PROTOCOL.md §2).
type Framing uint8

const (
	// Auto means "not yet known": a Reader given Auto detects the framing
	// from the first frame. A first byte other than 0x00 means Legacy. A
	// 0x00 starts a newt frame, and also a legacy frame whose length is a
	// multiple of 256: the bytes at offsets 5 to 7 tell them apart (the
	// high bytes of a legacy length, zero below 2^40, against the start of
	// a newt payload). Detection is exact for every stream whose first
	// frame is the jam of a cell, as every message of the protocol is, or
	// of an atom under 2^22 bits; only a newt stream whose first payload
	// is a bigger atom is taken for legacy. Writers need a definite
	// framing.
	Auto Framing = iota
	// Legacy frames are an 8-byte little-endian length, then the payload:
	// the protocol of 2020–2021 serfs (urbit up to v1.8).
	Legacy
	// Newt frames are a 0x00 tag byte, a 4-byte little-endian length, then
	// the payload: urbit v1.9 and later.
	Newt
)

// Header sizes in bytes.
const (
	legacyHeaderSize = 8
	newtHeaderSize   = 5
	// maxNewtLen is the largest payload a newt header can describe.
	maxNewtLen = math.MaxUint32
)

// String returns "auto", "legacy" or "newt".
func (f Framing) String() string {
	switch f {
	case Auto:
		return "auto"
	case Legacy:
		return "legacy"
	case Newt:
		return "newt"
	}
	return fmt.Sprintf("framing(%d)", uint8(f))
}

// ParseFraming is the inverse of String, for flags and configuration.
func ParseFraming(s string) (Framing, error) {
	switch s {
	case "auto":
		return Auto, nil
	case "legacy":
		return Legacy, nil
	case "newt":
		return Newt, nil
	}
	return Auto, fmt.Errorf("%w %q (want auto, legacy or newt)", ErrBadFraming, s)
}

// HeaderSize returns the length of a frame header in this framing: 8 for
// Legacy, 5 for Newt, 0 for anything else.
func (f Framing) HeaderSize() int {
	switch f {
	case Legacy:
		return legacyHeaderSize
	case Newt:
		return newtHeaderSize
	}
	return 0
}

// AppendFrame appends one frame carrying payload to dst and returns the
// extended slice. It fails, appending nothing, for an empty payload
// (ErrZeroLength), a payload too long for a newt header (ErrFrameTooLarge)
// or a framing other than Legacy or Newt (ErrBadFraming).
func AppendFrame(dst []byte, f Framing, payload []byte) ([]byte, error) {
	if err := checkFrame(f, len(payload)); err != nil {
		return dst, err
	}
	dst = appendHeader(dst, f, len(payload))
	return append(dst, payload...), nil
}

// checkFrame reports whether a payload of n bytes can be framed with f.
func checkFrame(f Framing, n int) error {
	switch f {
	case Legacy:
	case Newt:
		if uint64(n) > maxNewtLen {
			return &FrameTooLargeError{Len: uint64(n), Max: maxNewtLen}
		}
	default:
		return fmt.Errorf("%w: %v", ErrBadFraming, f)
	}
	if n == 0 {
		return ErrZeroLength
	}
	return nil
}

// appendHeader appends the header of a frame of n payload bytes; the
// caller has checked f and n with checkFrame.
func appendHeader(dst []byte, f Framing, n int) []byte {
	if f == Newt {
		dst = append(dst, 0)
		return binary.LittleEndian.AppendUint32(dst, uint32(n))
	}
	return binary.LittleEndian.AppendUint64(dst, uint64(n))
}
