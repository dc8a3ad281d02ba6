package dill

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king/drivers"
)

// stalledTerminal is a terminal that takes no output until it is let go:
// each Write waits for the gate to open.
type stalledTerminal struct {
	gate    chan struct{} // closed to let writes through
	entered chan struct{} // a Write has begun (capacity 1)
	mu      sync.Mutex
	b       bytes.Buffer
	writes  int
}

func newStalledTerminal() *stalledTerminal {
	return &stalledTerminal{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (s *stalledTerminal) Write(p []byte) (int, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.gate
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *stalledTerminal) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOutputDoesNotWaitForTheTerminal: writes to a terminal that does not
// read return at once; what does not fit the limit is dropped whole, and
// once the terminal reads again it gets the queue, in order, then a notice
// of how much was dropped.
func TestOutputDoesNotWaitForTheTerminal(t *testing.T) {
	term := newStalledTerminal()
	o := NewOutput(term, OutputOptions{Limit: 10})
	ctx := context.Background()
	n, err := o.Write([]byte("first"))
	require.NoError(t, err)
	require.Equal(t, 5, n)
	<-term.entered // the writer holds "first" and waits for the terminal
	for _, s := range []string{"abcd", "efgh", "ijkl", "0123456789xyz"} {
		n, err := o.Write([]byte(s))
		require.NoError(t, err)
		require.Equal(t, len(s), n)
	}
	require.Equal(t, int64(4+13), o.Dropped(), "what went past the limit of 10 is dropped, whole writes only")
	flushCtx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	require.ErrorIs(t, o.Flush(flushCtx), context.DeadlineExceeded, "Flush waits for the terminal")
	cancel()

	close(term.gate)
	require.NoError(t, o.Flush(ctx))
	require.Equal(t, "firstabcdefgh"+droppedNotice(17)+"\r\n", term.String())

	// A single write longer than the limit goes through when nothing is
	// queued: a big redraw on a terminal that reads is never dropped.
	long := strings.Repeat("x", 25)
	_, err = o.Write([]byte(long))
	require.NoError(t, err)
	require.NoError(t, o.Flush(ctx))
	require.True(t, strings.HasSuffix(term.String(), long))
	require.Equal(t, int64(17), o.Dropped())

	require.NoError(t, o.Close(ctx))
	_, err = o.Write([]byte("late"))
	require.ErrorIs(t, err, ErrOutputClosed)
}

// TestOutputWriteFailure: a terminal that fails a write (hung up) is
// reported once, and later output is discarded without error.
func TestOutputWriteFailure(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	hungUp := errors.New("terminal hung up")
	o := NewOutput(failingWriter{hungUp}, OutputOptions{Logger: zap.New(core)})
	ctx := context.Background()
	_, err := o.Write([]byte("one"))
	require.NoError(t, err)
	require.ErrorIs(t, o.Flush(ctx), hungUp)
	for range 3 {
		n, err := o.Write([]byte("more"))
		require.NoError(t, err)
		require.Equal(t, 4, n)
	}
	require.ErrorIs(t, o.Flush(ctx), hungUp)
	require.Equal(t, 1, logs.FilterMessageSnippet("failed a write").Len(), "logged once")
	require.NoError(t, o.Close(ctx))
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestOutputCloseCutsAStalledFile: Close of an output to a file nobody
// reads (a pipe whose buffer is full) gives up when its context ends, cuts
// the write in progress with a deadline and leaves no goroutine behind.
func TestOutputCloseCutsAStalledFile(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	o := NewOutput(w, OutputOptions{Limit: 4 << 20})
	big := bytes.Repeat([]byte("y"), 1<<20) // more than a pipe holds
	_, err = o.Write(big)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = o.Close(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "cut short")
	require.Error(t, o.Flush(context.Background()), "the cut write is the output's error")
}

// TestOutputCloseWithoutDeadlines: a writer without deadlines cannot be
// cut; Close says the output was not drained, and the write finishes
// when the terminal takes it.
func TestOutputCloseWithoutDeadlines(t *testing.T) {
	term := newStalledTerminal()
	o := NewOutput(term, OutputOptions{})
	_, err := o.Write([]byte("pending"))
	require.NoError(t, err)
	<-term.entered
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err = o.Close(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "not drained")
	close(term.gate)
	require.NoError(t, o.Flush(context.Background()))
	require.Equal(t, "pending", term.String())
}

// TestTerminalStalledDoesNotHoldUpEffects: a terminal that stops reading
// does not hold up HandleEffect (the pier's release of effects); when it
// reads again it gets a notice of what it missed, and the prompt line as
// the kernel last drew it.
func TestTerminalStalledDoesNotHoldUpEffects(t *testing.T) {
	out := newStalledTerminal()
	tm, err := New(Options{In: emptyReader{}, Out: out, Inject: newEvents().inject, OutputLimit: 64})
	require.NoError(t, err)
	ctx := context.Background()
	line := func(s string) drivers.Effect {
		ef, err := drivers.ParseEffect(1, kingtest.MustParse(t, "[[0 %term '1' ~] %blit ~[[%lin "+tape(s)+"]]]"))
		require.NoError(t, err)
		return ef
	}
	require.True(t, tm.HandleEffect(line("> 0")))
	<-out.entered
	for i := range 200 {
		require.True(t, tm.HandleEffect(line("> "+strings.Repeat("z", i%7)+"!")))
	}
	require.Positive(t, tm.Output().Dropped())
	last := "> " + strings.Repeat("z", 199%7) + "!"
	require.Equal(t, last, tm.Renderer().Line(), "the renderer kept up")

	close(out.gate)
	require.NoError(t, tm.Flush(ctx))
	got := out.String()
	notice := "\r\x1b[K" + droppedNotice(tm.Output().Dropped()) + "\r\n" + last
	require.True(t, strings.HasSuffix(got, notice), "ends with the notice and the prompt redrawn: %q", got)
	require.NoError(t, tm.Close(ctx))
}
