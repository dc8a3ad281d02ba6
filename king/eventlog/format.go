package eventlog

import (
	"encoding/binary"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"

	"github.com/kingserf/king/noun"
)

// Version is the log format version written to META and the only one Open
// accepts.
const Version = 1

// FileName is the name of the bbolt file inside the log directory.
const FileName = "data.db"

// mugSize is the length of the little-endian mug that starts every value.
const mugSize = 4

// maxJamSize is the largest jam that fits in a bbolt value after the mug.
const maxJamSize = bolt.MaxValueSize - mugSize

// maxWhoBits is the width of a ship name.
const maxWhoBits = 128

// Bucket and META key names, as in Urbit's LMDB logs.
var (
	bucketMeta   = []byte("META")
	bucketEvents = []byte("EVENTS")

	keyVersion = "version"
	keyWho     = "who"
	keyFake    = "fake"
	keyLife    = "life"
)

// Event is one logged event.
type Event struct {
	// Num is the event number, starting at 1.
	Num uint64
	// Mug is the mug of the kernel after the event (0 for boot formulas).
	Mug uint32
	// Jam is the jam of the event: a raw boot formula, or [now ovum].
	Jam []byte
}

// Identity is the pier identity stored in META.
type Identity struct {
	// Who is the ship, an atom of at most 128 bits.
	Who noun.Noun
	// Fake is true for a fake (development) ship.
	Fake bool
	// Life is the number of boot formulas at the start of the log.
	Life uint64
}

// eventKey writes the big-endian key of event n into dst[:8].
func eventKey(dst []byte, n uint64) []byte {
	binary.BigEndian.PutUint64(dst[:8], n)
	return dst[:8]
}

// parseKey returns the event number of a key, or false if the key is not
// an 8-byte number of at least 1.
func parseKey(k []byte) (uint64, bool) {
	if len(k) != 8 {
		return 0, false
	}
	n := binary.BigEndian.Uint64(k)
	return n, n != 0
}

// splitValue returns the mug and jam of a stored value. The jam aliases v.
func splitValue(v []byte) (mug uint32, jam []byte, err error) {
	if len(v) <= mugSize {
		return 0, nil, ErrShortValue
	}
	return binary.LittleEndian.Uint32(v), v[mugSize:], nil
}

// checkEvent rejects events that could not be stored, so that one bad
// request never fails (and so breaks) a whole group commit.
func checkEvent(e Event) error {
	switch {
	case len(e.Jam) == 0:
		return fmt.Errorf("%w: event %d", ErrEmptyEvent, e.Num)
	case len(e.Jam) > maxJamSize:
		return fmt.Errorf("%w: event %d has %d jam bytes, at most %d fit", ErrTooLarge, e.Num, len(e.Jam), maxJamSize)
	}
	return nil
}

// checkIdentity rejects identities that META cannot represent.
func checkIdentity(id Identity) error {
	if !id.Who.IsAtom() {
		return &MetaError{Key: keyWho, Msg: "ship is a cell, not an atom"}
	}
	if id.Who.BitLen() > maxWhoBits {
		return &MetaError{Key: keyWho, Msg: fmt.Sprintf("ship has %d bits, at most %d allowed", id.Who.BitLen(), maxWhoBits)}
	}
	return nil
}

// encodeMeta returns the META entries for id: minimal little-endian atoms.
func encodeMeta(id Identity) map[string][]byte {
	return map[string][]byte{
		keyVersion: noun.Atom(Version).Bytes(),
		keyWho:     id.Who.Bytes(),
		keyFake:    noun.Loob(id.Fake).Bytes(),
		keyLife:    noun.Atom(id.Life).Bytes(),
	}
}

// decodeMeta reads the identity from META entries got by get (nil for a
// missing key). Values are read as atoms, so non-minimal bytes (high zero
// bytes) are tolerated as Urbit's runtime does.
func decodeMeta(get func(key string) []byte) (Identity, error) {
	var id Identity
	version, err := metaWord(get, keyVersion)
	if err != nil {
		return id, err
	}
	if version != Version {
		return id, &VersionError{Got: version}
	}
	who := get(keyWho)
	if who == nil {
		return id, &MetaError{Key: keyWho, Msg: "missing"}
	}
	id.Who = noun.AtomBytes(who)
	if err := checkIdentity(id); err != nil {
		return id, err
	}
	fake := get(keyFake)
	if fake == nil {
		return id, &MetaError{Key: keyFake, Msg: "missing"}
	}
	switch f := noun.AtomBytes(fake); {
	case f.IsZero():
		id.Fake = true
	case noun.Equal(f, noun.One):
		id.Fake = false
	default:
		return id, &MetaError{Key: keyFake, Msg: fmt.Sprintf("not a loobean (%d bytes)", len(fake))}
	}
	if id.Life, err = metaWord(get, keyLife); err != nil {
		return id, err
	}
	return id, nil
}

// metaWord reads a META entry that must be an atom of at most 64 bits.
func metaWord(get func(key string) []byte, key string) (uint64, error) {
	v := get(key)
	if v == nil {
		return 0, &MetaError{Key: key, Msg: "missing"}
	}
	w, ok := noun.AtomBytes(v).Word()
	if !ok {
		if key == keyVersion {
			return 0, &VersionError{Got: math.MaxUint64}
		}
		return 0, &MetaError{Key: key, Msg: fmt.Sprintf("atom of %d bytes does not fit in 64 bits", len(v))}
	}
	return w, nil
}
