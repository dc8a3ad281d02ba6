package eventlog

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/goleak"

	"github.com/kingserf/king/noun"
)

// childEnv selects a child-process mode of the test binary (see
// crash_torture_test.go and diskerr_test.go).
const childEnv = "KING_EVENTLOG_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		goleak.VerifyTestMain(m)
	case "crash":
		os.Exit(crashChild())
	case "fsize":
		os.Exit(fsizeChild())
	default:
		os.Stderr.WriteString("unknown " + childEnv + "\n")
		os.Exit(2)
	}
}

// testShip is a 128-bit ship name (a comet-sized atom).
var testShip = noun.AtomBytes([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})

// testEvent returns a deterministic event numbered n whose jam cues, with
// sizes that vary with n.
func testEvent(n uint64) Event {
	pad := make([]byte, n%37)
	for i := range pad {
		pad[i] = byte(n) + byte(i)
	}
	e := noun.T(noun.Atom(n), noun.Cord("ovum"), noun.AtomBytes(pad), noun.Atom(n*7919))
	return Event{Num: n, Mug: noun.Mug(e), Jam: noun.Jam(e)}
}

// testEvents returns testEvent(from) .. testEvent(to).
func testEvents(from, to uint64) []Event {
	evs := make([]Event, 0, to-from+1)
	for n := from; n <= to; n++ {
		evs = append(evs, testEvent(n))
	}
	return evs
}

// newLog creates a log in a fresh temporary directory. Sync is off unless
// a test needs durability, to keep the suite fast.
func newLog(t testing.TB, opts Options) *Log {
	t.Helper()
	if !opts.NoSync {
		opts.NoSync = true
	}
	l, err := Create(filepath.Join(t.TempDir(), "log"), Identity{Who: testShip, Fake: true, Life: 1}, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// appendN appends events 1..n (after an empty log) in batches of 100.
func appendN(t testing.TB, l *Log, n uint64) {
	t.Helper()
	last, _ := l.Last()
	for from := last + 1; from <= last+n; from += 100 {
		to := min(from+99, last+n)
		require.NoError(t, l.Append(context.Background(), testEvents(from, to)))
	}
}

// rawPut writes a key/value into EVENTS directly, bypassing every check, to
// simulate damage.
func rawPut(t testing.TB, l *Log, key, value []byte) {
	t.Helper()
	require.NoError(t, l.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEvents).Put(key, value)
	}))
}

// rawDelete deletes a key from EVENTS directly.
func rawDelete(t testing.TB, l *Log, num uint64) {
	t.Helper()
	require.NoError(t, l.db.Update(func(tx *bolt.Tx) error {
		var k [8]byte
		return tx.Bucket(bucketEvents).Delete(eventKey(k[:], num))
	}))
}

// key returns the stored key of event n.
func key(n uint64) []byte {
	var k [8]byte
	return eventKey(k[:], n)
}

// badJam is a value body that does not cue (a mat prefix that runs past
// the end of the input).
var badJam = []byte{0x00}

// specVectors is the part of shared/spec/vectors.json these tests use.
type specVectors struct {
	Jam []struct {
		Noun string `json:"noun"`
		Jam  string `json:"jam"`
	} `json:"jam"`
}

// loadVectors reads the spec vectors, skipping the test visibly if the
// shared spec is not checked out beside the repository.
func loadVectors(t *testing.T) specVectors {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	// This package is king/eventlog; the repository root is two levels up.
	path := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("spec vectors not found at %s; skipping vector test", path)
	}
	require.NoError(t, err)
	var v specVectors
	require.NoError(t, json.Unmarshal(data, &v))
	require.NotEmpty(t, v.Jam)
	return v
}

// mustHex decodes a hex string from the vectors.
func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
