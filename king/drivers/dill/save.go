package dill

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// ErrBadPutPath is what PutPath's errors match: a %sag or %sav path that
// would not name a file inside the put directory.
var ErrBadPutPath = errors.New("dill: bad file path")

// PutPath returns the file a %sag or %sav blit with path writes, under
// putDir, as Urbit's runtime names it: the segments joined with '/', the
// last one being the extension, so /foo/bar/txt is <putDir>/foo/bar.txt
// (and a one-segment path /txt is <putDir>/.txt).
//
// Every segment must be non-empty UTF-8 text without '/', NUL or a control
// character, and none may be "." or "..", so the file is always inside
// putDir.
func PutPath(putDir string, path []string) (string, error) {
	if len(path) == 0 {
		return "", fmt.Errorf("%w: the path is empty", ErrBadPutPath)
	}
	for _, seg := range path {
		if seg == "" || seg == "." || seg == ".." || !utf8.ValidString(seg) ||
			strings.ContainsFunc(seg, func(r rune) bool { return r == '/' || r == '\\' || r < 0x20 || r == 0x7f }) {
			return "", fmt.Errorf("%w: segment %q", ErrBadPutPath, seg)
		}
	}
	n := len(path)
	var file string
	if n == 1 {
		file = "." + path[0]
	} else {
		file = path[n-2] + "." + path[n-1]
	}
	parts := append([]string{putDir}, path[:max(n-2, 0)]...)
	return filepath.Join(append(parts, file)...), nil
}

// Files writes the files of %sag and %sav blits into a pier's put
// directory (usually <pier>/.urb/put). It is a driver of its own, beside
// any terminal: the files are the kernel's output whether or not a
// terminal draws the blits, local or attached through the control socket,
// and are written once, by the king. A write that fails is logged: a
// kernel's file must not stop the pier.
type Files struct {
	dir    string
	logger *zap.Logger
}

// NewFiles returns the driver writing into putDir; a nil logger means
// zap.NewNop().
func NewFiles(putDir string, logger *zap.Logger) *Files {
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Files{dir: putDir, logger: logger}
}

// HandleEffect writes the files of a [%blit blits] effect of the terminal,
// including blits inside %mor. It claims the effect when it held one:
// drawing the rest is a terminal's part.
func (f *Files) HandleEffect(ef drivers.Effect) bool {
	if ef.Vane != Vane || ef.Tag != "blit" {
		return false
	}
	_, list, _ := ef.Card.Uncell()
	if !holdsFile(list) {
		return false // most blits draw: not worth parsing here
	}
	bs, _ := ParseBlits(list) // malformed blits are the terminal's to report
	return f.writeAll(bs)
}

// holdsFile reports whether a (list blit) holds a %sag or %sav, at its
// top or inside a %mor, by the blits' tags alone.
func holdsFile(list noun.Noun) bool {
	for ; list.IsCell(); list = list.Tail() {
		tag, arg, ok := list.Head().Uncell()
		switch {
		case !ok:
		case tag == noun.Cord("sag"), tag == noun.Cord("sav"):
			return true
		case tag == noun.Cord("mor") && holdsFile(arg):
			return true
		}
	}
	return false
}

// writeAll writes the files of bs and reports whether there were any.
func (f *Files) writeAll(bs []Blit) bool {
	any := false
	for _, b := range bs {
		switch b.Tag {
		case "sag", "sav":
			f.write(b)
			any = true
		case "mor":
			any = f.writeAll(b.Mor) || any
		}
	}
	return any
}

// write writes the file of one %sag (the jam of Data) or %sav (Data's
// bytes) blit.
func (f *Files) write(b Blit) {
	file, err := PutPath(f.dir, b.Path)
	if err != nil {
		f.logger.Warn("dill: not writing the file of a %"+b.Tag, zap.Error(err))
		return
	}
	var data []byte
	if b.Tag == "sag" {
		data = noun.Jam(b.Data)
	} else {
		data = b.Data.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		f.logger.Warn("dill: cannot write a kernel file", zap.String("file", file), zap.Error(err))
		return
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		f.logger.Warn("dill: cannot write a kernel file", zap.String("file", file), zap.Error(err))
		return
	}
	f.logger.Info("dill: wrote a kernel file", zap.String("blit", b.Tag), zap.String("file", file),
		zap.Int("bytes", len(data)))
}
