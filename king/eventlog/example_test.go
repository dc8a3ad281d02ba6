package eventlog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kingserf/king/king/eventlog"
	"github.com/kingserf/king/noun"
)

// ExampleCreate writes a boot formula and one [now ovum] event, then
// replays the log.
func ExampleCreate() {
	pier, err := os.MkdirTemp("", "pier")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(pier) }()
	dir := filepath.Join(pier, ".urb", "log")

	l, err := eventlog.Create(dir, eventlog.Identity{Who: noun.Atom(0), Fake: true, Life: 1}, eventlog.Options{})
	if err != nil {
		panic(err)
	}
	formula := noun.T(noun.Atom(1), noun.Atom(0)) // [1 0]: a boot formula, stored raw with mug 0
	ovum := noun.T(noun.T(noun.Cord("d"), noun.Cord("term"), noun.Atom(1), noun.Zero), noun.Cord("hail"), noun.Zero)
	event := noun.T(noun.Atom(1<<48), ovum) // [now ovum]
	err = l.Append(context.Background(), []eventlog.Event{
		{Num: 1, Mug: 0, Jam: noun.Jam(formula)},
		{Num: 2, Mug: 0x7d035270, Jam: noun.Jam(event)},
	})
	if err != nil {
		panic(err)
	}
	for e, err := range l.Events(1, 0) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("event %d mug %#x, %d jam bytes\n", e.Num, e.Mug, len(e.Jam))
	}
	eve, mug := l.Last()
	fmt.Printf("last %d %#x\n", eve, mug)
	if err := l.Close(); err != nil {
		panic(err)
	}
	_, err = eventlog.Create(dir, eventlog.Identity{}, eventlog.Options{})
	fmt.Println(err != nil)
	// Output:
	// event 1 mug 0x0, 1 jam bytes
	// event 2 mug 0x7d035270, 23 jam bytes
	// last 2 0x7d035270
	// true
}
