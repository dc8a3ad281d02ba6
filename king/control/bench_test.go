package control

import (
	"context"
	"testing"

	"github.com/kingserf/king/noun"
)

// benchClient serves a fake backend on a socket for the length of the
// benchmark and returns a client connected to it.
func benchClient(b *testing.B) *Client {
	srv, err := Listen(b.TempDir(), Options{Backend: newFake()})
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(context.Background()) }()
	c, err := DialSocket(context.Background(), srv.Path())
	if err != nil {
		_ = srv.Close()
		<-served
		b.Fatal(err)
	}
	b.Cleanup(func() {
		c.Close()
		_ = srv.Close()
		<-served
	})
	return c
}

// BenchmarkPeelRoundTrip measures one request and its response over the
// socket (no pier behind it): the cost the control socket itself adds.
func BenchmarkPeelRoundTrip(b *testing.B) {
	c, ctx := benchClient(b), context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Peel(ctx, "live"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPokeRoundTrip measures an %ovum request answered by a backend
// that commits at once.
func BenchmarkPokeRoundTrip(b *testing.B) {
	c, ctx := benchClient(b), context.Background()
	ov := noun.T(noun.Path("d", "term", "1"), noun.Cord("belt"), noun.Cord("ret"), noun.Zero)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Poke(ctx, ov); err != nil {
			b.Fatal(err)
		}
	}
}
