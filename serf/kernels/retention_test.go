package kernels_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// TestPokeRetainsNoGarbage pokes the counter kernel tens of thousands of
// times and checks the live heap stays flat: each kernel must not keep the
// previous event's garbage (the interpreter's cell slabs) reachable, which
// would grow a serf's memory by kilobytes an event, forever.
func TestPokeRetainsNoGarbage(t *testing.T) {
	it := nock.New(nock.Config{})
	ctx := context.Background()
	kernel, err := it.Boot(ctx, kernels.Counter().BootList())
	require.NoError(t, err)
	ov := kingtest.MustParse(t, "[[0 %arvo ~] %hello ~]")
	now := uint64(0)
	poke := func(n int) {
		for range n {
			now++
			_, next, err := it.Poke(ctx, kernel, noun.Cell(noun.Atom(now), ov))
			require.NoError(t, err)
			noun.Mug(next) // as the serf does after every event
			kernel = next
		}
	}
	live := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	poke(2000)
	before := live()
	poke(30000)
	after := live()
	// The kernel must be live while the heap is measured, or the whole
	// chain it would pin is collected with it.
	runtime.KeepAlive(kernel)
	// 30,000 events at a few hundred bytes of slab each would be many MB.
	require.Less(t, after, before+2<<20, "live heap grew from %d to %d bytes over 30,000 events", before, after)
}
