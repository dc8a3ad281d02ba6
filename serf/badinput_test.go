package serf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// TestBadInput feeds each kind of bad input to a serf process: each ends
// it with exit status 1 and one line on stderr naming the problem, with no
// reply and no snapshot written.
func TestBadInput(t *testing.T) {
	ex := loadExample(t)
	var j jobs
	tests := []struct {
		name    string
		framing ipc.Framing
		boot    bool
		feed    func(c *child)
		want    []string
	}{
		{name: "frame does not cue", feed: func(c *child) { c.sendFrame([]byte{0, 0, 0}) },
			want: []string{"frame does not cue"}},
		{name: "unknown writ", feed: func(c *child) { c.sendNoun(noun.T(noun.Cord("foo"), noun.One)) },
			want: []string{"bad writ", "foo"}},
		{name: "malformed writ", feed: func(c *child) { c.sendNoun(noun.T(noun.Cord("work"), noun.Zero)) },
			want: []string{"bad writ", "work"}},
		{name: "play wrong event on empty serf", feed: func(c *child) { c.send(ipc.Play{Eve: 2, Events: ex.boot}) },
			want: []string{"out of order", "%play of event 2, want 1"}},
		{name: "play wrong event after boot", boot: true,
			feed: func(c *child) { c.send(ipc.Play{Eve: 3, Events: ex.jobs[:1]}) },
			want: []string{"out of order", "%play of event 3, want 2"}},
		{name: "play atom event", boot: true,
			feed: func(c *child) { c.send(ipc.Play{Eve: 2, Events: []noun.Noun{noun.Atom(5)}}) },
			want: []string{"job is not [now ovum]", "event 2"}},
		{name: "work before boot", feed: func(c *child) { c.send(ipc.Work{Job: ex.jobs[0]}) },
			want: []string{"%work before boot"}},
		{name: "work job with a cell for now", boot: true,
			feed: func(c *child) {
				c.send(ipc.Work{Job: noun.T(noun.Cell(noun.One, noun.One), noun.Path("x"), noun.Zero)})
			},
			want: []string{"job is not [now ovum]"}},
		{name: "save wrong event", boot: true, feed: func(c *child) { c.send(ipc.LiveSave{Eve: 5}) },
			want: []string{"%save of event 5, but the last event is 1"}},
		{name: "cram wrong event", boot: true, feed: func(c *child) { c.send(ipc.LiveCram{Eve: 2}) },
			want: []string{"%cram of event 2, but the last event is 1"}},
		{name: "cram before boot", feed: func(c *child) { c.send(ipc.LiveCram{Eve: 0}) },
			want: []string{"%cram before boot"}},
		{name: "stdin closed", feed: func(c *child) {}, want: []string{"serf: stdin closed"}},
		{name: "stdin closed after boot", boot: true, feed: func(c *child) { c.workDone(j.job(tagged("x"))) },
			want: []string{"serf: stdin closed"}},
		{name: "zero-length legacy frame", feed: func(c *child) { c.writeRaw(make([]byte, 8)) },
			want: []string{"bad frame", "zero-length"}},
		{name: "bad newt tag", framing: ipc.Newt, feed: func(c *child) { c.writeRaw([]byte{1, 4, 0, 0, 0, 1, 2, 3, 4}) },
			want: []string{"bad frame", "tag"}},
		{name: "zero-length newt frame", framing: ipc.Newt, feed: func(c *child) { c.writeRaw([]byte{0, 0, 0, 0, 0}) },
			want: []string{"bad frame", "zero-length"}},
		{name: "frame too large", feed: func(c *child) { c.writeRaw([]byte{0, 0, 0, 0, 0, 0, 0, 0x80}) },
			want: []string{"bad frame", "too large"}},
		{name: "stream ends inside a header", feed: func(c *child) { c.writeRaw([]byte{9, 0, 0}) },
			want: []string{"bad frame", "inside a frame"}},
		{name: "stream ends inside a body", feed: func(c *child) { c.writeRaw([]byte{9, 0, 0, 0, 0, 0, 0, 0, 1, 2}) },
			want: []string{"bad frame", "inside a frame"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pier := t.TempDir()
			c := startSerf(t, pier, childOpts{framing: tt.framing})
			c.ripe()
			if tt.boot {
				c.boot(ex.boot)
			}
			tt.feed(c)
			c.expectFatal(serf.ExitError, tt.want...)
			_, err := os.Stat(filepath.Join(pier, ".urb", "chk"))
			require.True(t, os.IsNotExist(err), "no snapshot directory may be written")
		})
	}
}

// writeRaw writes bytes to the serf's stdin as they are.
func (c *child) writeRaw(b []byte) {
	c.t.Helper()
	_, err := c.stdin.Write(b)
	require.NoError(c.t, err)
}
