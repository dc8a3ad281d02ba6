//go:build !unix

package serf

import (
	"errors"
	"os"
)

// TakeStdio is only available on Unix systems; see the Unix version.
func TakeStdio() (in, out *os.File, err error) {
	return nil, nil, errors.New("serf: the serf process needs a Unix system")
}
