package kingtest

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Screen collects what a program writes to a terminal, read from the pty
// master, and lets a test wait for text to appear.
type Screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{} // closed and replaced at each read
	done chan struct{} // closed when the pty is closed
}

// ReadScreen starts reading ptmx until it fails (the pty is closed).
func ReadScreen(ptmx *os.File) *Screen {
	s := &Screen{more: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			close(s.more)
			s.more = make(chan struct{})
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return s
}

// Await waits until text appears after offset from, and returns the
// offset just past it; it fails the test if the text has not appeared
// within limit.
func (s *Screen) Await(t *testing.T, from int, text string, limit time.Duration) int {
	t.Helper()
	deadline := time.After(limit)
	for {
		s.mu.Lock()
		out := s.buf.String()
		more := s.more
		s.mu.Unlock()
		if i := strings.Index(out[from:], text); i >= 0 {
			return from + i + len(text)
		}
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("%q never appeared on the screen; after offset %d it shows %q", text, from, out[from:])
		}
	}
}

// Text returns everything read so far.
func (s *Screen) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// Done is closed once the pty can no longer be read.
func (s *Screen) Done() <-chan struct{} { return s.done }
