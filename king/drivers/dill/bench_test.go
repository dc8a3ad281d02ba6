package dill

import (
	"io"
	"strings"
	"testing"
)

// BenchmarkDecoderTyping decodes a paste of 4 KiB of mixed keys.
func BenchmarkDecoderTyping(b *testing.B) {
	in := []byte(strings.Repeat("hello, wörld ☺\x1b[A\x7f\r", 4096/24))
	var d Decoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d.Feed(in)
	}
}

// BenchmarkRenderPromptLine redraws an 80-column prompt line.
func BenchmarkRenderPromptLine(b *testing.B) {
	r := NewRenderer(io.Discard, RendererOptions{})
	bs := []Blit{{Tag: "lin", Text: []rune(strings.Repeat("x", 80))}, {Tag: "hop", X: 40}}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Render(bs); err != nil {
			b.Fatal(err)
		}
	}
}
