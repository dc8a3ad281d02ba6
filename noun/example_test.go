package noun_test

import (
	"encoding/hex"
	"fmt"

	"github.com/kingserf/king/noun"
)

// Jam serializes a noun; Cue reads it back. Repeated subtrees are written
// once and referenced after.
func ExampleJam() {
	n := noun.T(noun.Cord("fast"), noun.Cord("full"), noun.Cord("fast"))
	fmt.Println(hex.EncodeToString(noun.Jam(n)))
	// Output: 01df2c6c8e1ef0cdead8d893
}

func ExampleCue() {
	b, _ := hex.DecodeString("714834")
	n, err := noun.Cue(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	third, _ := n.Slot(7)
	fmt.Println(third.Word())
	_, err = noun.Cue([]byte{0x01})
	fmt.Println(err)
	// Output:
	// 3 true
	// noun: cue read past the end of the input (bit 3)
}
