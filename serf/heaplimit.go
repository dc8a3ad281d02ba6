package serf

import (
	"math"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// MaxDefaultHeapLimit is the largest heap limit DefaultHeapLimit picks on
// its own: the 2 GiB loom of the 2020–2021 reference serf. A runaway event
// then fails within seconds, as it does there; a kernel that needs more
// runs with a larger GOMEMLIMIT.
const MaxDefaultHeapLimit int64 = 2 << 30

// DefaultHeapLimit returns the heap limit `king serf` runs with (see
// Config.HeapLimit): the GOMEMLIMIT the process was started with, if any,
// else half the machine's memory, at most MaxDefaultHeapLimit. An event
// that would grow the heap past it fails with %meme, as one that fills the
// reference serf's loom does, instead of taking the machine's memory.
func DefaultHeapLimit() int64 {
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		return lim
	}
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return MaxDefaultHeapLimit
	}
	half := uint64(si.Totalram) * uint64(si.Unit) / 2
	if half == 0 || half > uint64(MaxDefaultHeapLimit) {
		return MaxDefaultHeapLimit
	}
	return int64(half)
}
