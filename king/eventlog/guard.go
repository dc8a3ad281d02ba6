package eventlog

import (
	"fmt"
	"runtime/debug"
)

// guard runs fn, turning a panic or memory fault inside bbolt into a
// *CorruptFileError. bbolt trusts its pages and panics (or faults on the
// mmap) when a damaged file points outside them; a damaged log is bad input
// and must be reported, not crash the king. fn must only call into bbolt and
// this package's own decoding, so that a recovered panic means damage.
func guard(op string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &CorruptFileError{Op: op, Cause: fmt.Sprint(r)}
		}
	}()
	// A read of a mapped page past the end of a truncated file raises
	// SIGBUS; with panic-on-fault it becomes a recoverable panic in this
	// goroutine only.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return fn()
}
