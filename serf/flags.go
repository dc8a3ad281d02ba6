package serf

import (
	"fmt"
	"strconv"
	"strings"
)

// Flags is the serf's <flags> argument (PROTOCOL.md §3.3): a bit set written
// in decimal on the command line.
type Flags uint32

// The flag bits, in the order of PROTOCOL.md §3.3. Bits other than these are
// ignored (the serf reports them in a %flog).
const (
	// DebugRAM asks for memory diagnostics. Accepted; this serf has none.
	DebugRAM Flags = 1 << iota
	// DebugCPU asks for a profile. Accepted; this serf has none.
	DebugCPU
	// CheckCorrupt makes the serf read every snapshot back after writing
	// it and compare event number, mug and kernel.
	CheckCorrupt
	// CheckFatal makes failed checks fatal. Accepted; every check this serf
	// makes is fatal already.
	CheckFatal
	// Verbose adds %flog lines with the timing of every computation.
	Verbose
	// DryRun makes %live %save answer without writing a snapshot.
	DryRun
	// Quiet suppresses the informational %flog lines (load, save, cram,
	// meld, ignored flags); errors are still reported.
	Quiet
	// Hashless turns off jet hashing. Accepted; this serf has no jets.
	Hashless
	// Trace asks for an event trace file. Accepted; this serf writes none.
	Trace
)

// knownFlags is every bit this serf understands.
const knownFlags = DebugRAM | DebugCPU | CheckCorrupt | CheckFatal | Verbose | DryRun | Quiet | Hashless | Trace

// inertFlags are accepted for compatibility but change nothing here.
const inertFlags = DebugRAM | DebugCPU | CheckFatal | Hashless | Trace

var flagNames = [...]string{"debug-ram", "debug-cpu", "check-corrupt", "check-fatal",
	"verbose", "dry-run", "quiet", "hashless", "trace"}

// ParseFlags parses the decimal <flags> argument; an error matches
// ErrConfig. Any 32-bit value is accepted; unknown bits are kept (see Unknown) so the caller can report
// them.
func ParseFlags(s string) (Flags, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: flags %q: want a decimal number below 2^32", ErrConfig, s)
	}
	return Flags(v), nil
}

// Has reports whether every bit of g is set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Unknown returns the bits of f that this serf does not know.
func (f Flags) Unknown() Flags { return f &^ knownFlags }

// Inert returns the bits of f that are known but have no effect here.
func (f Flags) Inert() Flags { return f & inertFlags }

// String names the bits set, separated by "|", such as "verbose|quiet";
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
