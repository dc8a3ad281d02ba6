package serf_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// ExampleRun runs the serf in-process on a prepared conversation: boot the
// counter kernel, compute one event, peek, exit.
func ExampleRun() {
	b, err := os.ReadFile("../testdata/kernels/counter.pill")
	if err != nil {
		fmt.Println(err)
		return
	}
	boot, _ := noun.Cue(b)
	events, _ := noun.FromList(boot)
	now := noun.Da(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC))
	job := noun.T(now, noun.Path("test"), noun.Cord("hello"))

	var in, out bytes.Buffer
	w := ipc.NewWriter(&in, ipc.Legacy)
	for _, writ := range []ipc.Writ{
		ipc.Play{Eve: 1, Events: events},
		ipc.Work{Job: job},
		ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "count")},
		ipc.LiveExit{Code: 0},
	} {
		_ = w.WriteWrit(writ)
	}

	code, err := serf.Run(context.Background(), serf.Config{In: &in, Out: &out})
	fmt.Println("exit", code, err)
	r := ipc.NewReader(&out, ipc.WithFraming(ipc.Legacy))
	for {
		p, err := r.ReadPlea()
		if err != nil {
			break
		}
		switch p := p.(type) {
		case ipc.Ripe:
			fmt.Printf("ripe eve=%d mug=%#x\n", p.Eve, p.Mug)
		case ipc.PlayDone:
			fmt.Printf("play done mug=%#x\n", p.Mug)
		case ipc.WorkDone:
			fmt.Printf("work done eve=%d mug=%#x effects=%s\n", p.Eve, p.Mug, noun.String(p.Effects))
		case ipc.PeekDone:
			fmt.Printf("peek done %s\n", noun.String(p.Result))
		}
	}
	// Output:
	// exit 0 <nil>
	// ripe eve=0 mug=0x0
	// play done mug=0x7d035270
	// work done eve=2 mug=0x798b06ca effects=[[[%test 0] %hello] 0]
	// peek done [0 %noun 1]
}
