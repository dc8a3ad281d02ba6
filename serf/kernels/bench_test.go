package kernels_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// benchPoke measures pokes of a kernel with the given ovums in turn, the
// kernel advancing each time.
func benchPoke(b *testing.B, k kernels.Kernel, ovums ...string) {
	it := nock.New(nock.Config{})
	ctx := context.Background()
	kernel, err := it.Boot(ctx, k.BootList())
	require.NoError(b, err)
	var ovs []noun.Noun
	for _, o := range ovums {
		ovs = append(ovs, kingtest.MustParse(b, o))
	}
	now := uint64(0)
	for b.Loop() {
		now++
		ov := ovs[int(now)%len(ovs)]
		_, next, err := it.Poke(ctx, kernel, noun.Cell(noun.Atom(now), ov))
		require.NoError(b, err)
		kernel = next
	}
}

func BenchmarkCounterPoke(b *testing.B) {
	benchPoke(b, kernels.Counter(), "[[0 %arvo ~] %hello ~]")
}

func BenchmarkEchoPoke(b *testing.B) {
	// Typing: four short %txt events, then %ret, so the line stays short.
	txt := "[[%d %term '1' ~] %belt %txt ~['a' 'b' 'c']]"
	benchPoke(b, kernels.Echo(), txt, txt, txt, txt, "[[%d %term '1' ~] %belt %ret ~]")
}
