package hub

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/king"
	"github.com/kingserf/king/king/drivers/dill"
	"github.com/kingserf/king/noun"
)

// TestStalledTerminalDoesNotStallThePier: a terminal that stops reading
// (here a pty whose other end nobody reads) holds up neither the events
// nor the release of their effects; Close then gives up on it after
// dill.DrainTimeout instead of hanging.
func TestStalledTerminalDoesNotStallThePier(t *testing.T) {
	_, tty := openPty(t) // the other end is never read

	// The counter kernel's one effect is the event itself, so each event
	// below draws a 4,000-character prompt line: 1.6 MB in all, far more
	// than a pty holds and more than the output queue takes.
	k := startKing(t, "counter", Options{In: tty, Out: tty})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range 400 {
		text := strings.Repeat(string(rune('a'+i%26)), 4000)
		ov := noun.T(noun.T(noun.Zero, noun.Cord("term"), noun.Cord("1"), noun.Zero),
			noun.Cord("blit"), noun.List(noun.T(noun.Cord("lin"), noun.Tape(text))))
		res, err := k.p.Inject(ctx, ov)
		require.NoError(t, err, "event %d", i)
		require.Equal(t, king.WorkDone, res.Kind)
	}
	require.Positive(t, k.h.Term.Output().Dropped(), "output past the limit was dropped")

	require.NoError(t, k.p.Shutdown(ctx))
	require.NoError(t, <-k.runc)
	start := time.Now()
	err := k.h.Close()
	require.ErrorContains(t, err, "cut short", "the terminal never read its output")
	require.Less(t, time.Since(start), dill.DrainTimeout+5*time.Second)
	require.NoError(t, k.p.Close())
	k.p = nil
}
