package serf

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// testState is a small state with a cell kernel and a big atom.
func testState() state {
	big := noun.AtomWords([]uint64{1, 2, 3})
	kernel := noun.T(noun.Cord("kernel"), big, noun.Cell(big, noun.Atom(7)))
	return state{eve: 42, mug: noun.Mug(kernel), kernel: kernel}
}

func TestSnapshotRoundTrip(t *testing.T) {
	path := snapshotPath(t.TempDir())
	_, ok, err := readSnapshot(path)
	require.NoError(t, err)
	require.False(t, ok, "no snapshot yet")

	st := testState()
	require.NoError(t, writeSnapshot(path, st))
	got, ok, err := readSnapshot(path)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, st.eve, got.eve)
	require.Equal(t, st.mug, got.mug)
	require.True(t, noun.Equal(st.kernel, got.kernel))

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "KINGSNAP", string(b[:8]))
	require.Len(t, b, snapHeaderSize+len(noun.Jam(st.kernel))+snapTrailerSize)

	// A second save replaces the first and leaves no temporary file.
	st2 := st
	st2.eve = 43
	require.NoError(t, writeSnapshot(path, st2))
	got, _, err = readSnapshot(path)
	require.NoError(t, err)
	require.Equal(t, uint64(43), got.eve)
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

// TestSnapshotEveryDamageDetected flips every bit and cuts at every
// length: no damaged file loads.
func TestSnapshotEveryDamageDetected(t *testing.T) {
	path := snapshotPath(t.TempDir())
	require.NoError(t, writeSnapshot(path, testState()))
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = decodeSnapshot(good)
	require.NoError(t, err)
	for i := range good {
		for bit := 0; bit < 8; bit++ {
			b := append([]byte(nil), good...)
			b[i] ^= 1 << bit
			_, err := decodeSnapshot(b)
			require.Error(t, err, "byte %d bit %d flipped", i, bit)
		}
	}
	for n := 0; n < len(good); n++ {
		_, err := decodeSnapshot(good[:n])
		require.Error(t, err, "cut at %d", n)
	}
	_, err = decodeSnapshot(append(append([]byte(nil), good...), 0))
	require.Error(t, err, "one byte too many")
}

// resum rewrites a snapshot's checksum after a deliberate change, to reach
// the checks behind it.
func resum(b []byte) {
	end := len(b) - snapTrailerSize
	binary.LittleEndian.PutUint32(b[end+8:], crc32.Checksum(b[:end+8], castagnoli()))
}

func TestSnapshotChecksBehindTheChecksum(t *testing.T) {
	path := snapshotPath(t.TempDir())
	require.NoError(t, writeSnapshot(path, testState()))
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	tests := []struct {
		name   string
		damage func(b []byte)
		want   string
	}{
		{"wrong mug", func(b []byte) { b[12] ^= 1 }, "mug mismatch"},
		{"event zero", func(b []byte) { binary.LittleEndian.PutUint64(b[16:], 0) }, "event number 0"},
		{"state does not cue", func(b []byte) {
			for i := snapHeaderSize; i < len(b)-snapTrailerSize; i++ {
				b[i] = 0
			}
		}, "does not cue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			tt.damage(b)
			resum(b)
			require.NoError(t, os.WriteFile(path, b, 0o644))
			_, _, err := readSnapshot(path)
			require.ErrorIs(t, err, ErrBadState)
			var se *StateError
			require.ErrorAs(t, err, &se)
			require.Equal(t, path, se.Path)
			require.Contains(t, se.Problem, tt.want)
			require.Contains(t, err.Error(), path)
			require.Equal(t, ExitBadState, exitCode(err))
		})
	}
}

func TestSnapshotUnreadable(t *testing.T) {
	dir := t.TempDir()
	path := snapshotPath(dir)
	require.NoError(t, os.MkdirAll(path, 0o755)) // a directory where the file should be
	_, _, err := readSnapshot(path)
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrBadState)
	require.Equal(t, ExitError, exitCode(err))
}

func TestRockRoundTrip(t *testing.T) {
	st := testState()
	path := rockPath(t.TempDir(), 9)
	require.Equal(t, "9.jam", filepath.Base(path))
	require.NoError(t, writeRock(path, st.kernel))
	got, err := readRock(path, 9)
	require.NoError(t, err)
	require.Equal(t, uint64(9), got.eve)
	require.Equal(t, st.mug, got.mug)
	require.True(t, noun.Equal(st.kernel, got.kernel))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, noun.Jam(noun.T(noun.Cord("arvo"), st.kernel, noun.Cord("hashboard"), noun.Zero)), b)

	for name, bad := range map[string]noun.Noun{
		"atom":            noun.Atom(5),
		"wrong tag":       noun.T(noun.Cord("urbit"), st.kernel, noun.Cord("hashboard"), noun.Zero),
		"no hashboard":    noun.Cell(noun.Cord("arvo"), st.kernel),
		"other board":     noun.T(noun.Cord("arvo"), st.kernel, noun.Cord("jets"), noun.Zero),
		"board at end":    noun.T(noun.Cord("arvo"), st.kernel, noun.Cord("hashboard")),
		"just the kernel": st.kernel,
	} {
		require.NoError(t, os.WriteFile(path, noun.Jam(bad), 0o644))
		_, err := readRock(path, 9)
		require.ErrorIs(t, err, ErrBadState, name)
	}
}

// bigKernel is a kernel-sized noun: a list of a million small cells.
func bigKernel() noun.Noun {
	n := noun.Zero
	for i := 0; i < 1_000_000; i++ {
		n = noun.Cell(noun.Cell(noun.Atom(uint64(i)), noun.Cord("formula")), n)
	}
	return n
}

// BenchmarkSnapshotWrite measures a save (jam, checksum, fsync, rename)
// of a two-million-cell kernel.
func BenchmarkSnapshotWrite(b *testing.B) {
	k := bigKernel()
	st := state{eve: 1, mug: noun.Mug(k), kernel: k}
	path := snapshotPath(b.TempDir())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		require.NoError(b, writeSnapshot(path, st))
	}
	fi, err := os.Stat(path)
	require.NoError(b, err)
	b.SetBytes(fi.Size())
}

// BenchmarkSnapshotRead measures a load (read, checksum, cue, mug) of the
// same kernel.
func BenchmarkSnapshotRead(b *testing.B) {
	k := bigKernel()
	path := snapshotPath(b.TempDir())
	require.NoError(b, writeSnapshot(path, state{eve: 1, mug: noun.Mug(k), kernel: k}))
	fi, err := os.Stat(path)
	require.NoError(b, err)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, ok, err := readSnapshot(path)
		require.NoError(b, err)
		require.True(b, ok)
	}
}
