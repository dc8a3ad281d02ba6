package control

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// The example runs a counter pier with the real serf, `king serf`, which
// TestMain builds into kingPath, and serves its control socket as `king
// run` does; the client half is what `king con` and other programs do.

func ExampleDial() {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "pier")
	stop, err := exampleServe(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	// A client: dial the pier's socket, inject an event, ask the kernel.
	c, err := Dial(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	res, err := c.Poke(ctx, noun.T(noun.Path("test"), noun.Cord("ping"), noun.Zero))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("committed as event", res.Eve)
	count, err := c.Peek(ctx, noun.Path("x", "count"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("the kernel answers", count)
	// Output:
	// committed as event 2
	// the kernel answers [0 %noun 1]
}

// exampleServe boots a counter pier at dir, runs it and serves its
// control socket; stop undoes it all in `king run`'s order.
func exampleServe(ctx context.Context, dir string) (stop func(), err error) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", "counter.pill"))
	if err != nil {
		return nil, err
	}
	pill, err := pier.LoadPill(b)
	if err != nil {
		return nil, err
	}
	serf := king.Config{SerfPath: kingPath}
	if _, err := pier.New(ctx, dir, pill, pier.NewOptions{Fake: true, Serf: serf}); err != nil {
		return nil, err
	}
	p, err := pier.Open(dir, pier.Options{})
	if err != nil {
		return nil, err
	}
	ready, ran := make(chan struct{}), make(chan error, 1)
	go func() { ran <- p.Run(ctx, pier.RunOptions{Serf: serf, OnReady: func() { close(ready) }}) }()
	select {
	case <-ready:
	case err := <-ran:
		p.Close()
		return nil, err
	}
	srv, err := Listen(dir, Options{Backend: PierBackend{Pier: p}})
	if err == nil {
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ctx) }()
		return func() {
			srv.Close()
			<-served
			p.Shutdown(ctx)
			<-ran
			p.Close()
		}, nil
	}
	p.Shutdown(ctx)
	<-ran
	p.Close()
	return nil, err
}
