package dill

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// events records injected events and lets a test wait for one.
type events struct {
	mu   sync.Mutex
	ova  []noun.Noun
	more chan struct{} // closed and replaced at each event
	fail error
}

func newEvents() *events { return &events{more: make(chan struct{})} }

func (e *events) inject(_ context.Context, ov noun.Noun) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail != nil {
		return e.fail
	}
	e.ova = append(e.ova, ov)
	close(e.more)
	e.more = make(chan struct{})
	return nil
}

// texts returns the events in noun text.
func (e *events) texts() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ov := range e.ova {
		out = append(out, ov.String())
	}
	return out
}

// await waits until an event equal to want has been injected.
func (e *events) await(t *testing.T, want noun.Noun) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		e.mu.Lock()
		for _, ov := range e.ova {
			if noun.Equal(ov, want) {
				e.mu.Unlock()
				return
			}
		}
		more := e.more
		e.mu.Unlock()
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("event %s was never injected; got %v", want, e.texts())
		}
	}
}

func TestTerminalInjectsKeys(t *testing.T) {
	in, typer := io.Pipe()
	var out bytes.Buffer
	ev := newEvents()
	var interrupts, detaches int
	var lastAtInterrupt string
	term, err := New(Options{In: in, Out: &out, Inject: ev.inject,
		Interrupt: func() {
			interrupts++
			texts := ev.texts()
			lastAtInterrupt = texts[len(texts)-1]
		},
		Detach: func() { detaches++ },
		Size:   func() (int, int, error) { return 120, 40, nil }})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- term.Run(context.Background()) }()
	_, err = typer.Write([]byte("hé\x1b[A\r\x03x\x04ignored"))
	require.NoError(t, err)
	require.NoError(t, <-done, "^D ends Run")
	require.NoError(t, typer.Close())
	require.Equal(t, 1, interrupts)
	require.Equal(t, BeltOvum(Belt{Kind: BeltCtl, Key: 'c'}).String(), lastAtInterrupt, "the ^C belt goes before the interrupt")
	require.Equal(t, 1, detaches)
	want := []noun.Noun{BlewOvum(120, 40), HailOvum(),
		BeltOvum(Belt{Kind: BeltTxt, Text: []rune("hé")}),
		BeltOvum(Belt{Kind: BeltAro, Key: 'u'}),
		BeltOvum(Belt{Kind: BeltRet}),
		BeltOvum(Belt{Kind: BeltCtl, Key: 'c'}),
		BeltOvum(Belt{Kind: BeltTxt, Text: []rune("x")}),
	}
	var wantText []string
	for _, w := range want {
		wantText = append(wantText, w.String())
	}
	require.Equal(t, wantText, ev.texts(), "nothing after ^D is sent")
}

func TestTerminalEndsAtEOFAndOnErrors(t *testing.T) {
	ev := newEvents()
	term, err := New(Options{In: bytes.NewReader([]byte("ab")), Out: io.Discard, Inject: ev.inject})
	require.NoError(t, err)
	require.NoError(t, term.Run(context.Background()), "EOF ends Run")
	require.Equal(t, []string{BlewOvum(DefaultCols, DefaultRows).String(), HailOvum().String(),
		BeltOvum(Belt{Kind: BeltTxt, Text: []rune("ab")}).String()}, ev.texts(), "no size: the default")

	ev = newEvents()
	ev.fail = errors.New("pier stopped")
	term, err = New(Options{In: bytes.NewReader([]byte("ab")), Out: io.Discard, Inject: ev.inject,
		Size: func() (int, int, error) { return 0, 0, errors.New("not a terminal") }})
	require.NoError(t, err)
	require.ErrorIs(t, term.Run(context.Background()), ev.fail)

	term, err = New(Options{In: iotestErrReader{}, Out: io.Discard, Inject: newEvents().inject})
	require.NoError(t, err)
	require.ErrorContains(t, term.Run(context.Background()), "read keystrokes")

	_, err = New(Options{In: iotestErrReader{}})
	require.Error(t, err)
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("device gone") }

func TestTerminalRunStopsWithItsContext(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	ev := newEvents()
	term, err := New(Options{In: r, Out: io.Discard, Inject: ev.inject})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- term.Run(ctx) }()
	ev.await(t, HailOvum())
	cancel()
	require.ErrorIs(t, <-done, context.Canceled, "a read on a pipe is interrupted by the context")
}

func TestTerminalHandleEffect(t *testing.T) {
	var out lockedBuffer
	term, err := New(Options{In: bytes.NewReader(nil), Out: &out, Inject: newEvents().inject})
	require.NoError(t, err)
	ctx := context.Background()
	ef := func(s string) drivers.Effect {
		e, err := drivers.ParseEffect(1, kingtest.MustParse(t, s))
		require.NoError(t, err)
		return e
	}
	require.True(t, term.HandleEffect(ef("[[0 %term '1' ~] %blit ~[[%lin "+tape("> x")+"]]]")))
	require.Equal(t, "> x", term.Renderer().Line())
	require.False(t, term.HandleEffect(ef("[[0 %term '1' ~] %logo ~]")))
	require.False(t, term.HandleEffect(ef("[[0 %behn ~] %blit ~]")))
	require.NoError(t, term.Flush(ctx))
	out.Reset()
	term.Slog(1, noun.T(noun.Cord("leaf"), noun.Tape("kernel says")))
	require.NoError(t, term.Flush(ctx))
	require.Equal(t, "\r\x1b[K> kernel says\r\n> x", out.String())

	require.NoError(t, term.Close(ctx))
	require.Equal(t, "\r\x1b[K> kernel says\r\n> x\r\n", out.String(), "Close leaves a fresh line")
	require.True(t, term.HandleEffect(ef("[[0 %term '1' ~] %blit ~[[%bel ~]]]")), "still claimed after Close")
	term.Slog(1, noun.T(noun.Cord("leaf"), noun.Tape("too late")))
	require.NoError(t, term.Flush(ctx))
	require.Equal(t, "\r\x1b[K> kernel says\r\n> x\r\n", out.String(), "nothing is drawn after Close")
	require.NoError(t, term.Close(ctx), "Close is idempotent")
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// emptyReader is an input that has ended.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
