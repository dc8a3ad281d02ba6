package ipc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Flags is the serf's <flags> argument (PROTOCOL.md §3.3): a bit set the
// king writes in decimal on the serf's command line. Package king (which
// sets them) and package serf (which obeys them) share this one type.
type Flags uint32

// The flag bits, in the order of PROTOCOL.md §3.3.
const (
	// DebugRAM asks the serf for memory diagnostics.
	DebugRAM Flags = 1 << iota
	// DebugCPU asks the serf for a profile.
	DebugCPU
	// CheckCorrupt asks the serf to check its state for corruption.
	CheckCorrupt
	// CheckFatal makes failed checks fatal.
	CheckFatal
	// Verbose asks the serf for more output.
	Verbose
	// DryRun asks the serf not to persist anything.
	DryRun
	// Quiet asks the serf for less output.
	Quiet
	// Hashless turns off jet hashing.
	Hashless
	// Trace asks the serf for an event trace.
	Trace
)

// KnownFlags is every bit PROTOCOL.md §3.3 names.
const KnownFlags = DebugRAM | DebugCPU | CheckCorrupt | CheckFatal | Verbose | DryRun | Quiet | Hashless | Trace

var flagNames = [...]string{"debug-ram", "debug-cpu", "check-corrupt", "check-fatal",
	"verbose", "dry-run", "quiet", "hashless", "trace"}

// ErrBadFlags is the error of a <flags> argument that is not a decimal
// number below 2^32.
var ErrBadFlags = errors.New("ipc: bad serf flags")

// ParseFlags parses the decimal <flags> argument. Any 32-bit value is
// accepted; unknown bits are kept (see Unknown) so the serf can report
// them.
func ParseFlags(s string) (Flags, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w %q: want a decimal number below 2^32", ErrBadFlags, s)
	}
	return Flags(v), nil
}

// Has reports whether every bit of g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Unknown returns the bits of f that PROTOCOL.md §3.3 does not name.
func (f Flags) Unknown() Flags { return f &^ KnownFlags }

// String names the bits set, separated by "|", such as "verbose|dry-run";
// unknown bits are shown as one hexadecimal number. No bits is "0".
func (f Flags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for i, name := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	if u := f.Unknown(); u != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint32(u)))
	}
	return strings.Join(parts, "|")
}
