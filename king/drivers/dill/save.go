package dill

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap"

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

// save writes the file of a %sag (the jam of Data) or %sav (Data's bytes)
// blit. Failures are logged: a kernel's file write must not stop the
// terminal.
func (r *Renderer) save(b Blit) {
	if r.putDir == "" {
		r.logger.Warn("dill: no put directory; not writing the file of a %"+b.Tag, zap.Strings("path", b.Path))
		return
	}
	file, err := PutPath(r.putDir, b.Path)
	if err != nil {
		r.logger.Warn("dill: not writing the file of a %"+b.Tag, zap.Error(err))
		return
	}
	var data []byte
	if b.Tag == "sag" {
		data = noun.Jam(b.Data)
	} else {
		data = b.Data.Bytes()
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		r.logger.Warn("dill: cannot write a kernel file", zap.String("file", file), zap.Error(err))
		return
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		r.logger.Warn("dill: cannot write a kernel file", zap.String("file", file), zap.Error(err))
		return
	}
	r.logger.Info("dill: wrote a kernel file", zap.String("blit", b.Tag), zap.String("file", file),
		zap.Int("bytes", len(data)))
}
