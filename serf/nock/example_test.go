package nock_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/nock"
)

func ExampleInterpreter_Nock() {
	it := nock.New(nock.Config{})
	// *[41 [4 0 1]]: increment the subject.
	product, err := it.Nock(context.Background(), noun.Atom(41), noun.T(noun.Atom(4), noun.Atom(0), noun.Atom(1)))
	fmt.Println(product, err)

	// A crash is a *nock.Crash, with the goof the serf reports.
	_, err = it.Nock(context.Background(), noun.Atom(41), noun.T(noun.Atom(0), noun.Atom(2)))
	var c *nock.Crash
	if errors.As(err, &c) {
		fmt.Println(c.Mote, c.Reason)
	}
	// Output:
	// 42 <nil>
	// exit opcode 0: axis 2 is not in the subject
}
