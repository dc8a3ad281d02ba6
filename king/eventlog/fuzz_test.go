package eventlog

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// FuzzDecodeMeta: any META values either decode to an identity that
// re-encodes to the minimal form and decodes back the same, or give an
// error; never a panic.
func FuzzDecodeMeta(f *testing.F) {
	f.Add([]byte{1}, []byte{}, []byte{}, []byte{})
	f.Add([]byte{1}, testShip.Bytes(), []byte{1}, []byte{5})
	f.Add([]byte{2}, []byte{1}, []byte{1}, []byte{1})
	f.Add([]byte{1, 0}, []byte{7, 0}, []byte{0}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{1}, make([]byte, 17), []byte{2}, []byte{})
	f.Fuzz(func(t *testing.T, version, who, fake, life []byte) {
		meta := map[string][]byte{"version": version, "who": who, "fake": fake, "life": life}
		id, err := decodeMeta(func(k string) []byte { return meta[k] })
		if err != nil {
			require.Contains(t, err.Error(), "eventlog:")
			return
		}
		enc := encodeMeta(id)
		for k, v := range enc {
			require.Equal(t, noun.AtomBytes(v).Bytes(), v, "META %q is not minimal", k)
		}
		again, err := decodeMeta(func(k string) []byte { return enc[k] })
		require.NoError(t, err)
		require.True(t, noun.Equal(id.Who, again.Who))
		require.Equal(t, id.Fake, again.Fake)
		require.Equal(t, id.Life, again.Life)
	})
}

// FuzzOpenFile: a data file of arbitrary bytes (seeded with a real log and
// damaged copies of it) must give errors, not panics, from Open and from
// every reader; whatever opens must repair or refuse cleanly.
func FuzzOpenFile(f *testing.F) {
	dir := f.TempDir()
	l, err := Create(dir, Identity{Who: testShip, Life: 1}, Options{NoSync: true})
	require.NoError(f, err)
	require.NoError(f, l.Append(context.Background(), testEvents(1, 40)))
	require.NoError(f, l.Close())
	good, err := os.ReadFile(filepath.Join(dir, FileName))
	require.NoError(f, err)
	f.Add(good)
	// Damage each page in turn (past the two meta pages, bbolt checksums
	// those) so the corpus starts inside bbolt's trusted structures.
	for off := 2 * 4096; off < len(good); off += 4096 {
		bad := append([]byte(nil), good...)
		for i := off + 16; i < off+64 && i < len(bad); i++ {
			bad[i] ^= 0x5a
		}
		f.Add(bad)
	}
	f.Add([]byte{})
	f.Add(good[:4096])
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), data, 0o600))
		ctx := context.Background()
		// Readers first, on a read-only handle.
		l, err := Open(dir, Options{ReadOnly: true, LockTimeout: -1})
		if err != nil {
			require.Contains(t, err.Error(), "eventlog:")
			return
		}
		_ = l.Verify(ctx, nil)
		for _, err := range l.Events(1, 0) {
			if err != nil {
				break
			}
		}
		require.NoError(t, l.Close())
		// Then repair. bbolt trusts its freelist, so a damaged one can
		// send a write far past the end of the file; the size cap keeps
		// the fuzzer from writing gigabytes (such a write fails and
		// breaks the handle).
		l, err = Open(dir, Options{NoSync: true, LockTimeout: -1, maxSize: 4*len(data) + 1<<20})
		if err != nil {
			require.Contains(t, err.Error(), "eventlog:")
			return
		}
		defer func() { _ = l.Close() }()
		if _, err := l.RepairTail(ctx, nil); err == nil {
			// After a successful repair the log verifies, unless the
			// file itself is damaged (a bbolt-level problem RepairTail
			// does not claim to fix).
			if err := l.Verify(ctx, nil); err != nil {
				var cf *CorruptFileError
				require.ErrorAs(t, err, &cf)
			}
		}
	})
}
