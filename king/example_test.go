package king

import (
	"context"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// The examples run the real serf, `king serf`, built by TestMain into
// serfBinary. A program that is itself the king binary would leave
// Config.SerfPath empty.

// loadPill reads a kernel's boot sequence: the jam of a list of events.
func loadPill(name string) ([]noun.Noun, error) {
	b, err := os.ReadFile("../testdata/kernels/" + name + ".pill")
	if err != nil {
		return nil, err
	}
	list, err := noun.Cue(b)
	if err != nil {
		return nil, err
	}
	return noun.FromList(list)
}

// pokeJob is a job for the counter kernel: [now [/d/test [%poke i]]].
func pokeJob(i uint64) noun.Noun {
	now := noun.Da(time.Unix(1609459200+int64(i), 0))
	return noun.T(now, noun.Path("d", "test"), noun.Cord("poke"), noun.Atom(i))
}

func ExampleStart() {
	ctx := context.Background()
	pier, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(pier)

	s, info, err := Start(ctx, Config{SerfPath: serfBinary, Pier: pier})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Stop(ctx)
	fmt.Println("protocol", info.Proto, "event", info.Eve, "framing", info.Framing)

	boot, err := loadPill("counter")
	if err != nil {
		fmt.Println(err)
		return
	}
	mug, err := s.Boot(ctx, boot)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("booted with %d event(s): mug %#x\n", len(boot), mug)
	// Output:
	// protocol 1 event 0 framing legacy
	// booted with 1 event(s): mug 0x7d035270
}

func ExampleSerf_Replay() {
	ctx := context.Background()
	pier, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(pier)
	s, _, err := Start(ctx, Config{SerfPath: serfBinary, Pier: pier})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Stop(ctx)
	boot, err := loadPill("counter")
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := s.Boot(ctx, boot); err != nil {
		fmt.Println(err)
		return
	}

	// Events 2 to 1001, as an event log would yield them.
	var log iter.Seq2[ReplayEvent, error] = func(yield func(ReplayEvent, error) bool) {
		for i := uint64(2); i <= 1001; i++ {
			if !yield(ReplayEvent{Num: i, Job: pokeJob(i)}, nil) {
				return
			}
		}
	}
	err = s.Replay(ctx, log, 400, func(p ReplayProgress) {
		fmt.Printf("replayed to event %d (%d events, %d batches): mug %#x\n", p.Eve, p.Events, p.Batches, p.Mug)
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// replayed to event 401 (400 events, 1 batches): mug 0x46eafad
	// replayed to event 801 (800 events, 2 batches): mug 0x7a4bc690
	// replayed to event 1001 (1000 events, 3 batches): mug 0x727ebe75
}

func ExampleSerf_Run() {
	ctx := context.Background()
	pier, err := os.MkdirTemp("", "example-pier-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(pier)
	s, _, err := Start(ctx, Config{SerfPath: serfBinary, Pier: pier})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Stop(ctx)
	boot, err := loadPill("counter")
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := s.Boot(ctx, boot); err != nil {
		fmt.Println(err)
		return
	}

	requests := make(chan Request)
	done := make(chan error)
	go func() { done <- s.Run(ctx, requests, RunOptions{MaxInFlight: 10}) }()

	// Up to 10 works are in flight at once; the callbacks run on Run's
	// goroutine, in order. The counter kernel's mugs are those Urbit's
	// own serf reports for it (vectors.json's kernel_example).
	for i := uint64(1); i <= 3; i++ {
		requests <- Work{Job: pokeJob(i), Done: func(r WorkResult) {
			effects, _ := noun.FromList(r.Effects)
			fmt.Printf("event %d: %s, mug %#x, %d effect(s)\n", r.Eve, r.Kind, r.Mug, len(effects))
		}}
	}
	requests <- Scry{Gang: ipc.LocalGang(), Path: noun.Path("x", "count"), Done: func(n noun.Noun, err error) {
		fmt.Println("scry:", n, err)
	}}
	requests <- Kill{}
	fmt.Println("run:", <-done)
	// Output:
	// event 2: done, mug 0x798b06ca, 1 effect(s)
	// event 3: done, mug 0x7c73198b, 1 effect(s)
	// event 4: done, mug 0x2a64be80, 1 effect(s)
	// scry: [0 %noun 3] <nil>
	// run: <nil>
}
