package dill

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/king/drivers"
	"github.com/kingserf/king/noun"
)

// Vane is the vane name terminal effects are routed by: their wire is
// [0 %term '1' ~].
const Vane = "term"

// Session is the terminal session this driver serves, the element after
// the vane in its wires: Urbit's runtime of this era has only session 1.
const Session = "1"

// Default terminal size, when the size cannot be read.
const (
	DefaultCols = 80
	DefaultRows = 24
)

// minTankWidth is the narrowest width tanks are rendered at.
const minTankWidth = 8

// TermWire returns the event wire of terminal session 1, [%d %term '1' ~].
func TermWire() noun.Noun {
	return noun.T(noun.Cord("d"), noun.Cord(Vane), noun.Cord(Session), noun.Zero)
}

// BeltOvum returns the event for a keystroke, [[%d %term '1' ~] [%belt b]].
func BeltOvum(b Belt) noun.Noun { return noun.T(TermWire(), noun.Cord("belt"), b.Noun()) }

// BlewOvum returns the event for a terminal size,
// [[%d %term '1' ~] [%blew cols rows]].
func BlewOvum(cols, rows int) noun.Noun {
	return noun.T(TermWire(), noun.Cord("blew"), noun.Atom(uint64(cols)), noun.Atom(uint64(rows)))
}

// HailOvum returns the redraw request, [[%d %term '1' ~] [%hail ~]].
func HailOvum() noun.Noun { return noun.T(TermWire(), noun.Cord("hail"), noun.Zero) }

// Options configure a Terminal.
type Options struct {
	// In carries the keystrokes: a raw-mode terminal (MakeRaw), or the
	// relay of a remote one. If it has SetReadDeadline (an *os.File of a
	// terminal or pipe does), Run's context can interrupt a read;
	// otherwise Run returns only after the read in progress does.
	In io.Reader
	// Out is the terminal the blits are drawn on.
	Out io.Writer
	// Inject hands an event to the pier and returns once it is accepted
	// (pier.InjectAsync; not waiting for the commit, so that typing
	// stays fast). Keystrokes are injected in order, from Run's
	// goroutine. Required.
	Inject func(ctx context.Context, ovum noun.Noun) error
	// Interrupt is called on ^C, after the [%ctl 'c'] belt is injected:
	// it should SIGINT the serf (pier.Interrupt) so a looping event
	// stops. Nil means only the belt.
	Interrupt func()
	// Detach is called on ^D, which ends Run; nil means nothing more.
	Detach func()
	// Size reports the terminal's size in columns and rows (SizeOf);
	// nil, or an error, means DefaultCols × DefaultRows.
	Size func() (cols, rows int, err error)
	// OutputLimit is how many bytes of output may wait for a terminal
	// that is not reading before further output is dropped (see
	// Output); 0 means DefaultOutputLimit.
	OutputLimit int
	// Logger receives the terminal's lines; nil means zap.NewNop().
	Logger *zap.Logger
}

// Terminal is the terminal driver for session 1: it turns keystrokes into
// %belt events and renders %blit effects, keeping the prompt line.
type Terminal struct {
	opts   Options
	logger *zap.Logger
	out    *Output // Options.Out behind a queue: drawing never waits for the terminal
	r      *Renderer
	cols   atomic.Int64 // the width last reported, for rendering tanks
}

// New returns a terminal driver. Nothing is read or injected before Run.
func New(opts Options) (*Terminal, error) {
	if opts.In == nil || opts.Out == nil || opts.Inject == nil {
		return nil, errors.New("dill: Options.In, Out and Inject are required")
	}
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	t := &Terminal{opts: opts, logger: logger}
	t.out = NewOutput(opts.Out, OutputOptions{Limit: opts.OutputLimit, Logger: logger,
		OnResume: func(n int64) {
			// The prompt line on the screen may be stale: PrintAbove
			// redraws it under the notice.
			t.PrintAbove(droppedNotice(n))
		}})
	t.r = NewRenderer(t.out, RendererOptions{Logger: logger})
	t.cols.Store(DefaultCols)
	return t, nil
}

// Renderer returns the terminal's renderer. What it draws is queued
// (Output): Flush waits for the terminal to take it.
func (t *Terminal) Renderer() *Renderer { return t.r }

// Output returns the queue in front of Options.Out.
func (t *Terminal) Output() *Output { return t.out }

// Flush waits until everything drawn so far has been written to the
// terminal, or ctx ends.
func (t *Terminal) Flush(ctx context.Context) error { return t.out.Flush(ctx) }

// Close leaves the terminal on a fresh line below the prompt and waits,
// until ctx ends, for the output to drain (see Output.Close). Call it
// once nothing more will be drawn; later drawing fails with
// ErrOutputClosed.
func (t *Terminal) Close(ctx context.Context) error {
	if err := t.r.Finish(); err != nil && !errors.Is(err, ErrOutputClosed) {
		return err
	}
	return t.out.Close(ctx)
}

// Run attaches the terminal and reads keystrokes until ^D (Detach is
// called, Run returns nil), the end of In (nil), ctx ends (ctx's error)
// or a read or injection fails. Attaching injects the terminal's size
// (%blew) and a redraw request (%hail), as Urbit's runtime does.
func (t *Terminal) Run(ctx context.Context) error {
	if err := t.Attach(ctx); err != nil {
		return err
	}
	if dl, ok := t.opts.In.(interface{ SetReadDeadline(time.Time) error }); ok {
		stop := context.AfterFunc(ctx, func() { _ = dl.SetReadDeadline(time.Now()) })
		defer func() {
			if !stop() {
				// The deadline was set: clear it for the next reader.
				_ = dl.SetReadDeadline(time.Time{})
			}
		}()
	}
	var dec Decoder
	buf := make([]byte, 4096)
	for {
		n, rerr := t.opts.In.Read(buf)
		if n > 0 {
			detached, err := t.keys(ctx, dec.Feed(buf[:n]))
			if err != nil || detached {
				return err
			}
		}
		switch {
		case rerr == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(rerr, io.EOF):
			return nil
		default:
			return fmt.Errorf("dill: read keystrokes: %w", rerr)
		}
	}
}

// Attach injects the terminal's size and a redraw request.
func (t *Terminal) Attach(ctx context.Context) error {
	if err := t.Resize(ctx); err != nil {
		return err
	}
	if err := t.opts.Inject(ctx, HailOvum()); err != nil {
		return fmt.Errorf("dill: inject %%hail: %w", err)
	}
	return nil
}

// Resize injects the terminal's current size as a %blew event; call it
// on SIGWINCH (WatchResize).
func (t *Terminal) Resize(ctx context.Context) error {
	cols, rows := DefaultCols, DefaultRows
	if t.opts.Size != nil {
		c, r, err := t.opts.Size()
		switch {
		case err != nil:
			t.logger.Debug("dill: terminal size unknown, using the default", zap.Error(err))
		case c > 0 && r > 0:
			cols, rows = c, r
		}
	}
	t.cols.Store(int64(cols))
	if err := t.opts.Inject(ctx, BlewOvum(cols, rows)); err != nil {
		return fmt.Errorf("dill: inject %%blew: %w", err)
	}
	return nil
}

// keys injects the belts of one read; detached is true after ^D.
func (t *Terminal) keys(ctx context.Context, belts []Belt) (detached bool, err error) {
	for _, b := range belts {
		if b.Kind == BeltCtl && b.Key == 'd' {
			t.logger.Debug("dill: ^D, detaching")
			if t.opts.Detach != nil {
				t.opts.Detach()
			}
			return true, nil
		}
		if err := t.opts.Inject(ctx, BeltOvum(b)); err != nil {
			return false, fmt.Errorf("dill: inject belt %s: %w", b, err)
		}
		if b.Kind == BeltCtl && b.Key == 'c' && t.opts.Interrupt != nil {
			t.opts.Interrupt()
		}
	}
	return false, nil
}

// HandleEffect claims [%blit blits] effects of session 1 and draws them.
// It does not wait for the terminal (see Output).
func (t *Terminal) HandleEffect(ef drivers.Effect) bool {
	if ef.Vane != Vane || ef.Tag != "blit" || !ef.OnSession(Session) {
		return false
	}
	_, blits, _ := ef.Card.Uncell()
	if err := t.r.RenderNoun(blits); err != nil && !errors.Is(err, ErrOutputClosed) {
		t.logger.Warn("dill: cannot draw", zap.Error(err))
	}
	return true
}

// PrintAbove prints text above the prompt line (see Renderer.PrintAbove).
func (t *Terminal) PrintAbove(text string) {
	// Not logged once closed: the log may be drawn here (LogWriter).
	if err := t.r.PrintAbove(text); err != nil && !errors.Is(err, ErrOutputClosed) {
		t.logger.Warn("dill: cannot print", zap.Error(err))
	}
}

// Slog prints a kernel %slog above the prompt line: the tank rendered at
// the terminal's width. pri is the priority (0 to 3; shown as that many
// '>' before the text, as Urbit does for 1 to 3).
func (t *Terminal) Slog(pri uint64, tank noun.Noun) {
	t.PrintAbove(SlogText(pri, tank, int(t.cols.Load())))
}

// SlogText renders a %slog for printing: the tank's lines at width
// columns, prefixed with pri '>' characters (at most 3) and a space.
func SlogText(pri uint64, tank noun.Noun, width int) string {
	prefix := ""
	if pri > 0 {
		prefix = strings.Repeat(">", int(min(pri, 3))) + " "
	}
	lines, err := noun.RenderTank(tank, max(width-len(prefix), minTankWidth))
	if err != nil {
		return prefix + "(unprintable slog: " + err.Error() + ")"
	}
	if prefix != "" && len(lines) > 0 {
		lines[0] = prefix + lines[0]
	}
	return strings.Join(lines, "\n")
}

// LogWriter returns an io.Writer that prints what is written to it above
// the prompt line, a line at a time (a partial line waits for its end):
// where the king's log should go while the terminal is in raw mode, in
// which a bare \n would not return the cursor to the left.
func (t *Terminal) LogWriter() io.Writer { return &aboveWriter{t: t} }

// aboveWriter is LogWriter's writer.
type aboveWriter struct {
	mu  sync.Mutex
	t   *Terminal
	buf []byte
}

// maxLogLine bounds a partial line held by an aboveWriter.
const maxLogLine = 1 << 16

func (w *aboveWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.t.PrintAbove(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > maxLogLine {
		w.t.PrintAbove(string(w.buf))
		w.buf = nil
	}
	return len(p), nil
}
