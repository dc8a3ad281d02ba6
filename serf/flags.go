package serf

import (
	"fmt"

	"github.com/kingserf/king/ipc"
)

// Flags is the serf's <flags> argument (PROTOCOL.md §3.3), the bit set
// package ipc defines. Bits other than the nine named are ignored (the
// serf reports them in a %flog).
type Flags = ipc.Flags

// The flag bits, and what this serf does with each.
const (
	// DebugRAM asks for memory diagnostics. Accepted; this serf has none.
	DebugRAM = ipc.DebugRAM
	// DebugCPU asks for a profile. Accepted; this serf has none.
	DebugCPU = ipc.DebugCPU
	// CheckCorrupt makes the serf read every snapshot back after writing
	// it and compare event number, mug and kernel.
	CheckCorrupt = ipc.CheckCorrupt
	// CheckFatal makes failed checks fatal. Accepted; every check this serf
	// makes is fatal already.
	CheckFatal = ipc.CheckFatal
	// Verbose adds %flog lines with the timing of every computation.
	Verbose = ipc.Verbose
	// DryRun makes %live %save answer without writing a snapshot.
	DryRun = ipc.DryRun
	// Quiet suppresses the kernel's %slog hints, as in the reference
	// interpreter, and the serf's informational %flog lines (load, save,
	// cram, meld, ignored flags); errors are still reported.
	Quiet = ipc.Quiet
	// Hashless turns off jet hashing. Accepted; this serf has no jets.
	Hashless = ipc.Hashless
	// Trace asks for an event trace file. Accepted; this serf writes none.
	Trace = ipc.Trace
)

// inertFlags are accepted for compatibility but change nothing here.
const inertFlags = DebugRAM | DebugCPU | CheckFatal | Hashless | Trace

// inert returns the bits of f that are known but have no effect here.
func inert(f Flags) Flags { return f & inertFlags }

// ParseFlags parses the decimal <flags> argument; an error matches
// ErrConfig.
func ParseFlags(s string) (Flags, error) {
	f, err := ipc.ParseFlags(s)
	if err != nil {
		return 0, fmt.Errorf("%w: flags %q: want a decimal number below 2^32", ErrConfig, s)
	}
	return f, nil
}
