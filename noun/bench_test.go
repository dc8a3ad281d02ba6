package noun_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/noun/corpus"
)

// benchCorpus holds the jam of each corpus kind, built once per process.
type benchCorpus struct {
	mixed, cells []byte
	events       [][]byte // one jam per event
}

var loadBench = sync.OnceValues(func() (benchCorpus, error) {
	evs := corpus.Events(1, 10_000)
	jams := make([][]byte, len(evs))
	for i, e := range evs {
		jams[i] = noun.Jam(e)
	}
	c := benchCorpus{
		mixed:  noun.Jam(corpus.Mixed(1)),
		cells:  noun.Jam(corpus.Cells(1)),
		events: jams,
	}
	// The corpora must keep the sizes the targets are stated for.
	if n := len(c.mixed); n < 2_500_000 || n > 3_500_000 {
		return c, fmt.Errorf("mixed corpus is %d bytes, want about 3 MB", n)
	}
	if n := len(c.cells); n < 4_000_000 || n > 6_000_000 {
		return c, fmt.Errorf("cells corpus is %d bytes, want about 5 MB", n)
	}
	return c, nil
})

func corpora(b *testing.B) benchCorpus {
	c, err := loadBench()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// fresh returns a newly decoded copy of the noun jammed in b: no mug is
// cached in it, as in a noun just built or received.
func fresh(b testing.TB, data []byte) noun.Noun {
	n, err := noun.Cue(data)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// freshUntimed is fresh with the timer stopped, followed by a collection,
// so the timed operation neither includes the decoding nor pays for its
// garbage.
func freshUntimed(b *testing.B, data []byte) noun.Noun {
	b.StopTimer()
	n := fresh(b, data)
	runtime.GC()
	b.StartTimer()
	return n
}

func bigCorpora(b *testing.B) []struct {
	name string
	data []byte
} {
	c := corpora(b)
	return []struct {
		name string
		data []byte
	}{{"mixed", c.mixed}, {"cells", c.cells}}
}

func BenchmarkCue(b *testing.B) {
	for _, tc := range bigCorpora(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := noun.Cue(tc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkJam(b *testing.B) {
	for _, tc := range bigCorpora(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n := freshUntimed(b, tc.data)
				if out := noun.Jam(n); len(out) != len(tc.data) {
					b.Fatalf("jam is %d bytes, want %d", len(out), len(tc.data))
				}
			}
		})
	}
}

// BenchmarkJamCached jams nouns whose mugs are all cached already, as a
// serf's snapshot of a kernel it mugs after every event: Jam then skips
// the hashing pass.
func BenchmarkJamCached(b *testing.B) {
	for _, tc := range bigCorpora(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				n := fresh(b, tc.data)
				noun.Mug(n)
				runtime.GC()
				b.StartTimer()
				if out := noun.Jam(n); len(out) != len(tc.data) {
					b.Fatalf("jam is %d bytes, want %d", len(out), len(tc.data))
				}
			}
		})
	}
}

// BenchmarkCellAllocator builds a million-cell list with Cell and with a
// CellAllocator, as an interpreter builds its short-lived cells.
func BenchmarkCellAllocator(b *testing.B) {
	const cells = 1_000_000
	b.Run("Cell", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			l := noun.Zero
			for k := range cells {
				l = noun.Cell(noun.Atom(uint64(k)), l)
			}
		}
	})
	b.Run("CellAllocator", func(b *testing.B) {
		b.ReportAllocs()
		a := noun.NewCellAllocator(0)
		for i := 0; i < b.N; i++ {
			l := noun.Zero
			for k := range cells {
				l = a.Cell(noun.Atom(uint64(k)), l)
			}
		}
	})
}

func BenchmarkMug(b *testing.B) {
	for _, tc := range bigCorpora(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n := freshUntimed(b, tc.data)
				noun.Mug(n)
			}
		})
	}
}

// eventBatch yields fresh event nouns, re-decoding the whole batch with the
// timer stopped whenever it has been used up.
type eventBatch struct {
	jams  [][]byte
	nouns []noun.Noun
	next  int
}

func (e *eventBatch) take(b *testing.B) (noun.Noun, int) {
	if e.next == len(e.nouns) {
		b.StopTimer()
		if e.nouns == nil {
			e.nouns = make([]noun.Noun, len(e.jams))
		}
		for i, j := range e.jams {
			e.nouns[i] = fresh(b, j)
		}
		e.next = 0
		runtime.GC()
		b.StartTimer()
	}
	e.next++
	return e.nouns[e.next-1], e.next - 1
}

// BenchmarkEvents measures one message each way, as a king and serf do per
// event: jam a freshly built event, then cue the bytes.
func BenchmarkEvents(b *testing.B) {
	c := corpora(b)
	b.Run("jam+cue", func(b *testing.B) {
		batch := eventBatch{jams: c.events}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			n, _ := batch.take(b)
			if _, err := noun.Cue(noun.Jam(n)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jam", func(b *testing.B) {
		batch := eventBatch{jams: c.events}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			n, _ := batch.take(b)
			noun.Jam(n)
		}
	})
	b.Run("cue", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := noun.Cue(c.events[i%len(c.events)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("mug", func(b *testing.B) {
		batch := eventBatch{jams: c.events}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			n, _ := batch.take(b)
			noun.Mug(n)
		}
	})
}
