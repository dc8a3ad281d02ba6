package corpus

import (
	"testing"

	"github.com/kingserf/king/noun"
)

func TestSizesTmp(t *testing.T) {
	m := Mixed(1)
	t.Logf("mixed %d", len(noun.Jam(m)))
	c := Cells(1)
	t.Logf("cells %d", len(noun.Jam(c)))
	e := Events(1, 1000)
	t.Logf("events %d", len(noun.Jam(List(e))))
}
