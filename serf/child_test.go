package serf_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// childLimit kills a child serf that a broken test leaves hanging; it is a
// guard, never a means of synchronisation.
const childLimit = 2 * time.Minute

// child is a `king serf` process under test, spoken to through the ipc
// package as a king would.
type child struct {
	t       testing.TB
	cmd     *exec.Cmd
	framing ipc.Framing
	stdin   io.WriteCloser
	w       *ipc.Writer
	r       *ipc.Reader
	stderr  syncBuffer
	// logs are the %slog and %flog pleas seen so far, in order.
	logs []ipc.Plea
	// transcript is every frame sent and received, as "> hex" and "< hex"
	// lines, for the golden test.
	transcript []string
	record     bool
	exited     bool
}

// childOpts are the arguments of a child serf; the zero value is a legacy
// serf with no flags, cache size 0 and no rock.
type childOpts struct {
	framing ipc.Framing
	flags   serf.Flags
	rock    uint64
	// args, if set, replaces the whole argv after "serf".
	args []string
	// env adds environment variables.
	env []string
	// record keeps a transcript of every frame.
	record bool
}

// startSerf starts `king serf` on pier. The child is reaped when the test
// ends, killed first if it is still running.
func startSerf(t testing.TB, pier string, o childOpts) *child {
	t.Helper()
	if o.framing == ipc.Auto {
		o.framing = ipc.Legacy
	}
	args := o.args
	if args == nil {
		args = []string{pier, "", strconv.FormatUint(uint64(o.flags), 10), "1000", strconv.FormatUint(o.rock, 10)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), childLimit)
	c := &child{t: t, framing: o.framing, record: o.record}
	c.cmd = exec.CommandContext(ctx, kingBin(t), append([]string{"serf"}, args...)...)
	c.cmd.Env = append(os.Environ(), serf.FramingEnv+"="+o.framing.String())
	c.cmd.Env = append(c.cmd.Env, o.env...)
	c.cmd.Stderr = &c.stderr
	var err error
	c.stdin, err = c.cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := c.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, c.cmd.Start())
	c.w = ipc.NewWriter(c.stdin, o.framing)
	c.r = ipc.NewReader(stdout, ipc.WithFraming(o.framing))
	t.Cleanup(func() {
		cancel()
		if !c.exited {
			_ = c.stdin.Close()
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

// sendNoun sends any noun as a frame.
func (c *child) sendNoun(n noun.Noun) {
	c.t.Helper()
	c.sendFrame(noun.Jam(n))
}

// send sends a writ.
func (c *child) send(w ipc.Writ) {
	c.t.Helper()
	c.sendNoun(w.Noun())
}

// sendFrame sends one frame with this payload.
func (c *child) sendFrame(payload []byte) {
	c.t.Helper()
	if c.record {
		frame, err := ipc.AppendFrame(nil, c.framing, payload)
		require.NoError(c.t, err)
		c.transcript = append(c.transcript, "> "+hex.EncodeToString(frame))
	}
	require.NoError(c.t, c.w.WriteFrame(payload))
}

// next reads the next plea, whatever it is.
func (c *child) next() ipc.Plea {
	c.t.Helper()
	p, err := c.nextErr()
	require.NoError(c.t, err, "reading a plea; serf stderr: %s", c.stderr.String())
	return p
}

func (c *child) nextErr() (ipc.Plea, error) {
	payload, err := c.r.ReadFrame()
	if err != nil {
		return nil, err
	}
	if c.record {
		frame, err := ipc.AppendFrame(nil, c.framing, payload)
		if err != nil {
			return nil, err
		}
		c.transcript = append(c.transcript, "< "+hex.EncodeToString(frame))
	}
	n, err := noun.Cue(payload)
	if err != nil {
		return nil, err
	}
	p, err := ipc.DecodePlea(n)
	if err != nil {
		return nil, err
	}
	switch p.(type) {
	case ipc.Slog, ipc.Flog:
		c.logs = append(c.logs, p)
	}
	return p, nil
}

// recv reads the next plea that is not a %slog or %flog.
func (c *child) recv() ipc.Plea {
	c.t.Helper()
	for {
		switch p := c.next().(type) {
		case ipc.Slog, ipc.Flog:
			continue
		default:
			return p
		}
	}
}

// ripe reads the %ripe plea.
func (c *child) ripe() ipc.Ripe {
	c.t.Helper()
	p := c.recv()
	r, ok := p.(ipc.Ripe)
	require.True(c.t, ok, "want %%ripe, got %s", p)
	require.Equal(c.t, uint64(1), r.Proto)
	require.Equal(c.t, uint64(141), r.Hon)
	require.Equal(c.t, uint64(4), r.Nock)
	return r
}

// boot sends the boot %play and requires %play %done; it returns the mug.
func (c *child) boot(events []noun.Noun) uint32 {
	c.t.Helper()
	c.send(ipc.Play{Eve: 1, Events: events})
	p := c.recv()
	done, ok := p.(ipc.PlayDone)
	require.True(c.t, ok, "want %%play %%done, got %s", p)
	return done.Mug
}

// work sends a %work and returns the reply.
func (c *child) work(mil uint64, job noun.Noun) ipc.Plea {
	c.t.Helper()
	c.send(ipc.Work{Mil: mil, Job: job})
	return c.recv()
}

// workDone sends a %work and requires %work %done.
func (c *child) workDone(job noun.Noun) ipc.WorkDone {
	c.t.Helper()
	p := c.work(0, job)
	done, ok := p.(ipc.WorkDone)
	require.True(c.t, ok, "want %%work %%done, got %s", p)
	return done
}

// peekCount peeks and returns the count a counter-like kernel answers.
func (c *child) peekCount() uint64 {
	c.t.Helper()
	c.send(ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "count")})
	p := c.recv()
	done, ok := p.(ipc.PeekDone)
	require.True(c.t, ok, "want %%peek %%done, got %s", p)
	mark, data, ok := done.Cask()
	require.True(c.t, ok)
	require.Equal(c.t, "noun", mark)
	v, ok := data.Word()
	require.True(c.t, ok)
	return v
}

// live sends a %live writ and requires [%live ~].
func (c *child) live(w ipc.Writ) {
	c.t.Helper()
	c.send(w)
	p := c.recv()
	require.IsType(c.t, ipc.Live{}, p, "want [%%live ~], got %s", p)
}

// expectExit reads the rest of the serf's output, requiring that it holds
// no reply (only %slog or %flog), reaps the child and requires exit status
// code. It returns stderr.
func (c *child) expectExit(code int) string {
	c.t.Helper()
	_ = c.stdin.Close()
	for {
		p, err := c.nextErr()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(c.t, err, "stderr: %s", c.stderr.String())
		switch p.(type) {
		case ipc.Slog, ipc.Flog:
		default:
			c.t.Fatalf("want exit, got plea %s", p)
		}
	}
	err := c.cmd.Wait()
	c.exited = true
	got := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		got = exit.ExitCode()
	} else {
		require.NoError(c.t, err)
	}
	require.Equal(c.t, code, got, "exit status; stderr: %s", c.stderr.String())
	return c.stderr.String()
}

// expectFatal requires the serf to exit with status code and exactly one
// line on stderr containing every one of want.
func (c *child) expectFatal(code int, want ...string) {
	c.t.Helper()
	stderr := c.expectExit(code)
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	require.Len(c.t, lines, 1, "want one line on stderr, got %q", stderr)
	for _, w := range want {
		require.Contains(c.t, lines[0], w)
	}
}

// flogs returns the texts of the %flog pleas seen so far.
func (c *child) flogs() []string {
	var out []string
	for _, p := range c.logs {
		if f, ok := p.(ipc.Flog); ok {
			out = append(out, f.Text)
		}
	}
	return out
}

// waitSlog reads pleas until a %slog arrives, failing on any reply.
func (c *child) waitSlog() ipc.Slog {
	c.t.Helper()
	for {
		switch p := c.next().(type) {
		case ipc.Slog:
			return p
		case ipc.Flog:
		default:
			c.t.Fatalf("want %%slog, got %s", p)
		}
	}
}

// interrupt sends SIGINT to the serf.
func (c *child) interrupt() {
	c.t.Helper()
	require.NoError(c.t, c.cmd.Process.Signal(os.Interrupt))
}

// syncBuffer is a bytes.Buffer safe to read while exec's copying
// goroutine writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// goofMotes lists the motes of goofs.
func goofMotes(gs []ipc.Goof) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Mote
	}
	return out
}

// hexf formats a mug for messages.
func hexf(m uint32) string { return fmt.Sprintf("%#08x", m) }
