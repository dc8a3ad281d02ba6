package pier

import (
	"math/big"
	"time"

	"github.com/kingserf/king/noun"
)

// dateStep is the spacing of successive events' dates, 2^48 (1/65536 s),
// as PROTOCOL.md §1.3 spaces the events of one batch.
var dateStep = new(big.Int).Lsh(big.NewInt(1), 48)

// addDates returns the @da date d plus k steps of 2^48.
func addDates(d noun.Noun, k uint64) noun.Noun {
	if k == 0 {
		return d
	}
	sum := new(big.Int).Mul(dateStep, new(big.Int).SetUint64(k))
	sum.Add(sum, d.BigInt())
	n, _ := noun.AtomBig(sum) // never negative
	return n
}

// nextDate returns the date of the next event: the clock's date if it is
// after prev, otherwise prev plus one step, so that dates strictly
// increase even when the clock stalls or goes back. One step (not one
// unit) also keeps the next date after prev+1, the date the serf gives a
// %crud replacement of the event dated prev.
func nextDate(prev noun.Noun, clock time.Time) noun.Noun {
	now := noun.Da(clock)
	if prev.IsZero() || noun.Compare(now, prev) > 0 {
		return now
	}
	return addDates(prev, 1)
}
