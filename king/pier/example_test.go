package pier

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/noun"
)

// The examples boot and run the counter kernel (testdata/kernels) with the
// real serf, `king serf`, which TestMain builds into kingPath. A program
// that is itself the king binary leaves king.Config.SerfPath empty.

// exampleSerf is the serf the examples run.
func exampleSerf() king.Config { return king.Config{SerfPath: kingPath} }

// exampleCounterPill loads testdata/kernels/counter.pill.
func exampleCounterPill() (Pill, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "kernels", "counter.pill"))
	if err != nil {
		return Pill{}, err
	}
	return LoadPill(b)
}

// examplePier boots a new counter pier in a fresh temporary directory and
// returns its path and a function that removes it.
func examplePier(ctx context.Context) (dir string, remove func(), err error) {
	tmp, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		return "", nil, err
	}
	remove = func() { os.RemoveAll(tmp) }
	pill, err := exampleCounterPill()
	if err == nil {
		dir = filepath.Join(tmp, "pier")
		_, err = New(ctx, dir, pill, NewOptions{Fake: true, Serf: exampleSerf()})
	}
	if err != nil {
		remove()
		return "", nil, err
	}
	return dir, remove, nil
}

// exampleOvum is an ovum for the counter kernel, which counts it and
// echoes it as its one effect.
func exampleOvum(i uint64) noun.Noun {
	return noun.T(noun.Path("test"), noun.Cord("ping"), noun.Atom(i))
}

// exampleRun runs the pier at dir until n events are injected and
// committed, then shuts it down.
func exampleRun(ctx context.Context, dir string, n uint64) error {
	p, err := Open(dir, Options{})
	if err != nil {
		return err
	}
	defer p.Close()
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, RunOptions{Serf: exampleSerf(), OnReady: func() { close(ready) }}) }()
	select {
	case <-ready:
	case err := <-done:
		return err
	}
	for i := uint64(1); i <= n; i++ {
		if _, err := p.Inject(ctx, exampleOvum(i)); err != nil {
			_ = p.Shutdown(ctx)
			<-done
			return err
		}
	}
	if err := p.Shutdown(ctx); err != nil {
		return err
	}
	return <-done
}

func ExampleNew() {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(tmp)
	pill, err := exampleCounterPill()
	if err != nil {
		fmt.Println(err)
		return
	}

	dir := filepath.Join(tmp, "pier")
	rep, err := New(ctx, dir, pill, NewOptions{Fake: true, Serf: exampleSerf()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("booted: events", rep.Events, "life", rep.Life, "fake", rep.Fake)

	// Info reads the pier at rest, without a serf.
	info, err := Info(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged: events", info.Events, "snapshot at", info.SnapshotEvent)
	// Output:
	// booted: events 1 life 1 fake true
	// logged: events 1 snapshot at 1
}

func ExamplePier_Run() {
	ctx := context.Background()
	dir, remove, err := examplePier(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer remove()

	p, err := Open(dir, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- p.Run(ctx, RunOptions{
			Serf:    exampleSerf(),
			OnReady: func() { close(ready) },
			// Effects are released only once their event is durable.
			Effects: func(eve uint64, effects noun.Noun) {
				fmt.Println("effects of event", eve, effects)
			},
		})
	}()
	select {
	case <-ready:
	case err := <-done:
		fmt.Println("run:", err)
		return
	}

	for i := uint64(1); i <= 2; i++ {
		res, err := p.Inject(ctx, exampleOvum(i))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Kind, "as event", res.Eve)
	}

	// Shutdown drains, commits, snapshots and stops the serf; Run then
	// returns nil.
	if err := p.Shutdown(ctx); err != nil {
		fmt.Println(err)
	}
	fmt.Println("run:", <-done)
	// Output:
	// effects of event 2 [[[%test 0] %ping 1] 0]
	// done as event 2
	// effects of event 3 [[[%test 0] %ping 2] 0]
	// done as event 3
	// run: <nil>
}

func ExampleReplay() {
	ctx := context.Background()
	dir, remove, err := examplePier(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer remove()
	if err := exampleRun(ctx, dir, 3); err != nil {
		fmt.Println(err)
		return
	}

	// Replay checks a pier: the whole log into a fresh serf in a scratch
	// directory, each batch's mug compared with the logged one. The pier
	// itself is not touched.
	rep, err := Replay(ctx, dir, ReplayOptions{Serf: exampleSerf()})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("replayed events", rep.First, "to", rep.Last, "mismatches", len(rep.Mismatches))
	info, err := Info(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("final mug matches the log: %v\n", rep.FinalMug == info.LastMug)
	// Output:
	// replayed events 1 to 4 mismatches 0
	// final mug matches the log: true
}
