package serf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kingserf/king/noun"
)

// The snapshot file, <pier>/.urb/chk/serf.snap, all integers little-endian:
//
//	offset  size  field
//	0       8     magic "KINGSNAP"
//	8       4     format version (1)
//	12      4     mug of the kernel
//	16      8     event number (at least 1)
//	24      n     jam of the kernel
//	24+n    8     n
//	32+n    4     CRC-32C (Castagnoli) of bytes [0, 32+n)
//
// The length and checksum come last so the jam can be streamed out without
// knowing its size first. A file is loaded only if its magic and version
// are right, the length in the trailer matches the file's size, the
// checksum matches, the jam cues, and the kernel's mug is the stored mug.
const (
	snapshotName    = "serf.snap"
	snapshotMagic   = "KINGSNAP"
	snapshotVersion = 1
	snapHeaderSize  = 24
	snapTrailerSize = 12
)

// castagnoli returns the CRC-32C table (crc32.MakeTable builds it once and
// caches it).
func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// snapshotPath is where the snapshot of pier lives.
func snapshotPath(pier string) string {
	return filepath.Join(pier, ".urb", "chk", snapshotName)
}

// state is what a snapshot or rock holds: the kernel after event eve,
// whose mug is mug.
type state struct {
	eve    uint64
	mug    uint32
	kernel noun.Noun
}

// writeSnapshot writes st to path atomically (see writeAtomic).
func writeSnapshot(path string, st state) error {
	return writeAtomic(path, func(w *bufio.Writer) error {
		sum := crc32.New(castagnoli())
		out := io.MultiWriter(w, sum)
		var hdr [snapHeaderSize]byte
		copy(hdr[:8], snapshotMagic)
		binary.LittleEndian.PutUint32(hdr[8:], snapshotVersion)
		binary.LittleEndian.PutUint32(hdr[12:], st.mug)
		binary.LittleEndian.PutUint64(hdr[16:], st.eve)
		if _, err := out.Write(hdr[:]); err != nil {
			return err
		}
		counter := &countWriter{w: out}
		if err := noun.JamTo(counter, st.kernel); err != nil {
			return err
		}
		var tail [snapTrailerSize]byte
		binary.LittleEndian.PutUint64(tail[:8], counter.n)
		if _, err := out.Write(tail[:8]); err != nil {
			return err
		}
		binary.LittleEndian.PutUint32(tail[8:], sum.Sum32())
		_, err := w.Write(tail[8:])
		return err
	})
}

// readSnapshot loads the snapshot at path. ok is false, with no error, when
// there is no snapshot. Every problem with the file's content is a
// *StateError.
func readSnapshot(path string) (st state, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, false, nil
	}
	if err != nil {
		return state{}, false, fmt.Errorf("serf: read snapshot: %w", err)
	}
	st, err = decodeSnapshot(b)
	if err != nil {
		return state{}, false, &StateError{Path: path, Problem: err.Error()}
	}
	return st, true, nil
}

// decodeSnapshot checks and decodes the bytes of a snapshot file. Its
// errors are problem descriptions for a StateError.
func decodeSnapshot(b []byte) (state, error) {
	if len(b) < len(snapshotMagic) || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return state{}, errors.New("not a snapshot (bad magic)")
	}
	if len(b) < snapHeaderSize {
		return state{}, fmt.Errorf("torn: %d bytes, shorter than the header", len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != snapshotVersion {
		return state{}, fmt.Errorf("unknown format version %d (want %d)", v, snapshotVersion)
	}
	if len(b) < snapHeaderSize+snapTrailerSize {
		return state{}, fmt.Errorf("torn: %d bytes, shorter than header and trailer", len(b))
	}
	body := uint64(len(b) - snapHeaderSize - snapTrailerSize)
	end := len(b) - snapTrailerSize
	if n := binary.LittleEndian.Uint64(b[end:]); n != body {
		return state{}, fmt.Errorf("torn: trailer says %d bytes of state, file holds %d", n, body)
	}
	want := binary.LittleEndian.Uint32(b[end+8:])
	if got := crc32.Checksum(b[:end+8], castagnoli()); got != want {
		return state{}, fmt.Errorf("checksum mismatch (stored %#08x, computed %#08x)", want, got)
	}
	st := state{
		mug: binary.LittleEndian.Uint32(b[12:]),
		eve: binary.LittleEndian.Uint64(b[16:]),
	}
	if st.eve == 0 {
		return state{}, errors.New("event number 0")
	}
	kernel, err := noun.Cue(b[snapHeaderSize:end])
	if err != nil {
		return state{}, fmt.Errorf("kernel does not cue: %v", err)
	}
	if m := noun.Mug(kernel); m != st.mug {
		return state{}, fmt.Errorf("mug mismatch (stored %#08x, kernel has %#08x)", st.mug, m)
	}
	st.kernel = kernel
	return st, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n uint64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}
