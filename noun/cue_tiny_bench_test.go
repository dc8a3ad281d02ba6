package noun

import (
	"testing"
	"time"
)

// tinyBenchMessages are a %work writ and a %work %done plea with one
// effect, as the king and serf exchange them per event.
func tinyBenchMessages() [][]byte {
	da := AtomWords([]uint64{7 << 48, 0x8000000d2e8c7380})
	wire := T(Cord("d"), Cord("term"), Cord("1"), Zero)
	card := T(Cord("belt"), Cord("txt"), Atom('a'), Zero)
	writ := T(Cord("work"), Zero, da, wire, card)
	effect := T(T(Zero, Cord("term"), Cord("1"), Zero), Cord("blit"), T(Cord("lin"), Atom('a'), Zero), Zero)
	plea := T(Cord("work"), Cord("done"), Atom(12345), Atom(0x1234567), effect, Zero)
	return [][]byte{Jam(writ), Jam(plea)}
}

// BenchmarkCueMessage cues the messages of tinyBenchMessages on the tiny
// path and on the small (scratch) path it replaced, taking turns in
// rounds of 1,000 in one run, so that the machine's load falls on both
// alike; ns/tiny and ns/small are each path's average per message.
func BenchmarkCueMessage(b *testing.B) {
	msgs := tinyBenchMessages()
	var tiny, small time.Duration
	const round = 1000
	b.ReportAllocs()
	for i := 0; i < b.N; i += round {
		t0 := time.Now()
		for k := range round {
			if _, ok := cueTiny(msgs[k&1]); !ok {
				b.Fatal("tiny path declined")
			}
		}
		t1 := time.Now()
		for k := range round {
			if _, err := cueSmall(msgs[k&1]); err != nil {
				b.Fatal(err)
			}
		}
		tiny += t1.Sub(t0)
		small += time.Since(t1)
	}
	n := float64((b.N + round - 1) / round * round)
	b.ReportMetric(float64(tiny.Nanoseconds())/n, "ns/tiny")
	b.ReportMetric(float64(small.Nanoseconds())/n, "ns/small")
}
