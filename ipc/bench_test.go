package ipc

import (
	"bytes"
	"os"
	"testing"

	"github.com/kingserf/king/noun"
)

// benchJob is a typical terminal event: [now [[%d %term '1' ~] [%belt %txt 'a' ~]]].
func benchJob(b *testing.B) noun.Noun {
	now, err := noun.Parse("0x8000.000d.2e8c.7380.8000.0000.0000.0000")
	if err != nil {
		b.Fatal(err)
	}
	wire := noun.T(noun.Cord("d"), noun.Cord("term"), noun.Cord("1"), noun.Zero)
	card := noun.T(noun.Cord("belt"), noun.Cord("txt"), noun.Atom('a'), noun.Zero)
	return noun.T(now, wire, card)
}

// benchEffects is a typical reply: one %blit on the terminal wire.
func benchEffects() noun.Noun {
	wire := noun.T(noun.Zero, noun.Cord("term"), noun.Cord("1"), noun.Zero)
	blit := noun.T(noun.Cord("lin"), noun.Atom('a'), noun.Zero)
	return noun.T(noun.T(wire, noun.Cord("blit"), blit, noun.Zero), noun.Zero)
}

// BenchmarkPipeRoundTrip68 writes one 68-byte frame into an os.Pipe and
// reads it back out, one frame in flight: one write and one read syscall.
func BenchmarkPipeRoundTrip68(b *testing.B) {
	for _, f := range []Framing{Legacy, Newt} {
		b.Run(f.String(), func(b *testing.B) {
			pr, pw, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			defer pr.Close()
			defer pw.Close()
			w := NewWriter(pw, f)
			r := NewReader(pr, WithFraming(f))
			payload := bytes.Repeat([]byte{0x5a}, 68)
			b.SetBytes(68)
			b.ReportAllocs()
			for b.Loop() {
				if err := w.WriteFrame(payload); err != nil {
					b.Fatal(err)
				}
				if _, err := r.ReadFrame(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPipeStream68 streams 68-byte frames through an os.Pipe from a
// writer goroutine to a reader: throughput with many frames in flight.
func BenchmarkPipeStream68(b *testing.B) {
	pr, pw, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	defer pr.Close()
	payload := bytes.Repeat([]byte{0x5a}, 68)
	n := b.N
	done := make(chan error, 1)
	go func() {
		w := NewWriter(pw, Newt)
		for i := 0; i < n; i++ {
			if err := w.WriteFrame(payload); err != nil {
				pw.Close()
				done <- err
				return
			}
		}
		done <- pw.Close()
	}()
	r := NewReader(pr, WithFraming(Newt))
	b.SetBytes(68)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < n; i++ {
		if _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWorkEncode builds and jams a %work writ.
func BenchmarkWorkEncode(b *testing.B) {
	job := benchJob(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = noun.Jam(Work{Job: job}.Noun())
	}
}

// BenchmarkWorkDecode cues and decodes a %work writ.
func BenchmarkWorkDecode(b *testing.B) {
	jam := noun.Jam(Work{Job: benchJob(b)}.Noun())
	b.SetBytes(int64(len(jam)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := noun.Cue(jam)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeWrit(n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkDoneEncode builds and jams a %work %done plea.
func BenchmarkWorkDoneEncode(b *testing.B) {
	effects := benchEffects()
	b.ReportAllocs()
	for b.Loop() {
		_ = noun.Jam(WorkDone{Eve: 12345, Mug: 0x798b06ca, Effects: effects}.Noun())
	}
}

// BenchmarkWorkDoneDecode cues and decodes a %work %done plea.
func BenchmarkWorkDoneDecode(b *testing.B) {
	jam := noun.Jam(WorkDone{Eve: 12345, Mug: 0x798b06ca, Effects: benchEffects()}.Noun())
	b.SetBytes(int64(len(jam)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := noun.Cue(jam)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodePlea(n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeWorkDoneNoun decodes an already-cued %work %done plea:
// the cost of this package alone.
func BenchmarkDecodeWorkDoneNoun(b *testing.B) {
	n := WorkDone{Eve: 12345, Mug: 0x798b06ca, Effects: benchEffects()}.Noun()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePlea(n); err != nil {
			b.Fatal(err)
		}
	}
}
