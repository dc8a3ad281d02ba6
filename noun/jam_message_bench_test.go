package noun_test

import (
	"testing"

	"github.com/kingserf/king/noun"
)

// BenchmarkJamMessage jams one freshly built message of the size the king
// and serf exchange per event, a %work %done plea carrying one effect:
// building it is part of the figure, as it is of every real message.
func BenchmarkJamMessage(b *testing.B) {
	done, work := noun.Cord("done"), noun.Cord("work")
	d, test, poke := noun.Cord("d"), noun.Cord("test"), noun.Cord("poke")
	b.ReportAllocs()
	for i := range b.N {
		ev := uint64(i)
		ovum := noun.T(noun.T(d, test, noun.Atom(ev), noun.Zero), poke, noun.Atom(ev))
		plea := noun.T(work, done, noun.Atom(ev), noun.Atom(ev*0x9e3779b1&0x7fffffff), noun.Cell(ovum, noun.Zero))
		noun.Jam(plea)
	}
}
