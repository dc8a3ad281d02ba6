package nock

import (
	"runtime"
	"runtime/metrics"
)

// HeapLookEvery is how many bytes a computation allocates (as the memory
// budget counts them) between two reads of the heap's size under
// Config.HeapLimit: a read costs a few microseconds, 64 MiB of cells take
// tens of milliseconds to build, so the look costs nothing measurable and
// a runaway computation overshoots the limit by at most this much.
const HeapLookEvery int64 = 64 << 20

// heapObjects names the runtime metric of the bytes the heap's objects
// occupy: the live ones and the dead ones not yet swept.
const heapObjects = "/memory/classes/heap/objects:bytes"

// heapWithin reports whether the heap's objects fit in limit bytes, after
// a full collection if they do not at first sight, and the size it found
// last.
func heapWithin(limit uint64) (uint64, bool) {
	s := []metrics.Sample{{Name: heapObjects}}
	metrics.Read(s)
	if s[0].Value.Uint64() <= limit {
		return s[0].Value.Uint64(), true
	}
	// Most of it may be garbage: only what survives a collection counts.
	runtime.GC()
	metrics.Read(s)
	return s[0].Value.Uint64(), s[0].Value.Uint64() <= limit
}
