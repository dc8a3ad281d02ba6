package pier

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/kingserf/king/king/eventlog"
)

// tamper edits the EVENTS bucket of a pier's log (not running) directly,
// as damage from outside the eventlog package would.
func tamper(t testing.TB, dir string, edit func(events *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(Layout{Dir: dir}.Log(), eventlog.FileName), 0o600, nil)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		return edit(tx.Bucket([]byte("EVENTS")))
	}))
}

// eventKey is the EVENTS key of event n (8-byte big-endian).
func eventKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// setMug overwrites the logged mug of event n.
func setMug(t testing.TB, dir string, n uint64, mug uint32) {
	tamper(t, dir, func(b *bolt.Bucket) error {
		v := append([]byte(nil), b.Get(eventKey(n))...)
		require.GreaterOrEqual(t, len(v), 4, "event %d", n)
		binary.LittleEndian.PutUint32(v, mug)
		return b.Put(eventKey(n), v)
	})
}

// putRaw stores a raw value as event n.
func putRaw(t testing.TB, dir string, n uint64, v []byte) {
	tamper(t, dir, func(b *bolt.Bucket) error { return b.Put(eventKey(n), v) })
}

// readLog returns every event of a pier's log (not running).
func readLog(t testing.TB, dir string) []eventlog.Event {
	t.Helper()
	lg, err := eventlog.Open(Layout{Dir: dir}.Log(), eventlog.Options{ReadOnly: true})
	require.NoError(t, err)
	defer lg.Close()
	var out []eventlog.Event
	for ev, err := range lg.Events(1, 0) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}
