package king

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
)

const (
	// pleaBuffer is how many pleas the reader may run ahead of the flow
	// consuming them: enough for a full pipeline of %work replies.
	pleaBuffer = 128
	// drainGrace bounds how long, after the process is reaped, the pipe
	// readers may take to reach end of file. Only a descendant of the serf
	// holding its stdout or stderr open makes them take longer; then the
	// pipes are closed under them.
	drainGrace = time.Second
	// stderrKeep is how many stderr lines LastStderr keeps.
	stderrKeep = 50
	// stderrLineMax is the longest stderr line delivered whole.
	stderrLineMax = 4096
)

// spawned is what the process goroutine reports once the process started.
type spawned struct {
	proc *os.Process
	err  error
}

// pipes are the king's ends of the serf's standard streams, plus the
// serf's ends until the process has started.
type pipes struct {
	stdin, stdout, stderr    *os.File // ours
	childIn, childOut, child *os.File // the serf's (child = its stderr)
}

// newPipes makes the three pipes; on error none is left open.
func newPipes() (*pipes, error) {
	var p pipes
	var err error
	closeAll := func() {
		for _, f := range []*os.File{p.stdin, p.stdout, p.stderr, p.childIn, p.childOut, p.child} {
			if f != nil {
				f.Close()
			}
		}
	}
	if p.childIn, p.stdin, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("king: make serf stdin pipe: %w", err)
	}
	if p.stdout, p.childOut, err = os.Pipe(); err != nil {
		closeAll()
		return nil, fmt.Errorf("king: make serf stdout pipe: %w", err)
	}
	if p.stderr, p.child, err = os.Pipe(); err != nil {
		closeAll()
		return nil, fmt.Errorf("king: make serf stderr pipe: %w", err)
	}
	return &p, nil
}

// closeChildEnds closes the serf's ends in this process, so that our
// reads see end of file when the serf exits.
func (p *pipes) closeChildEnds() {
	p.childIn.Close()
	p.childOut.Close()
	p.child.Close()
}

// spawn starts the serf process from the process goroutine and returns
// once it has started (or failed to). The goroutine then reaps it.
func (s *Serf) spawn(p *pipes) error {
	started := make(chan spawned, 1)
	go s.superviseProcess(p, started)
	sp := <-started
	p.closeChildEnds()
	if sp.err != nil {
		p.stdin.Close()
		p.stdout.Close()
		p.stderr.Close()
		return fmt.Errorf("king: start serf %s: %w", s.cfg.SerfPath, sp.err)
	}
	s.proc = sp.proc
	s.info.Pid = sp.proc.Pid
	return nil
}

// superviseProcess is the process goroutine. It starts the serf, reaps it,
// waits for the pipe readers, closes done and calls OnDeath.
//
// The serf gets Pdeathsig = SIGKILL so that it dies with a king that is
// killed. Linux sends that signal when the *thread* that forked the child
// exits, not the process (golang/go#27505), and the Go runtime may retire
// threads at will; so this goroutine locks its OS thread before forking
// and keeps it, blocked in wait(2), until the child has been reaped. The
// lock is deliberately never released: the thread then ends with the
// goroutine, after the child it guarded is gone.
func (s *Serf) superviseProcess(p *pipes, started chan<- spawned) {
	runtime.LockOSThread()
	attr := &os.ProcAttr{
		Env:   s.cfg.Env,
		Files: []*os.File{p.childIn, p.childOut, p.child},
		Sys: &syscall.SysProcAttr{
			Pdeathsig: syscall.SIGKILL,
			// Its own process group: a terminal's ^C goes to the king,
			// which decides whether to interrupt the serf (SendSIGINT).
			Setpgid: true,
		},
	}
	markInheritedCloseOnExec()
	proc, err := os.StartProcess(s.cfg.SerfPath, s.cfg.argv(), attr)
	started <- spawned{proc: proc, err: err}
	if err != nil {
		return
	}
	state, werr := proc.Wait()
	close(s.reaped)
	s.awaitReaders(p)
	p.stdin.Close()
	switch {
	case werr != nil:
		// wait(2) failing on our own child is not supposed to happen;
		// report it as the exit error.
		s.exitErr = fmt.Errorf("king: wait for serf: %w", werr)
	case !state.Success():
		s.exitErr = &ExitError{State: state, Stderr: s.stderr.lines()}
	}
	close(s.done)
	s.log.Debug("serf reaped", zap.Int("pid", proc.Pid), zap.Error(s.exitErr))
	if s.cfg.OnDeath != nil {
		s.cfg.OnDeath(s.exitErr)
	}
}

// awaitReaders waits for both pipe readers to reach end of file, at most
// drainGrace, then closes the read ends to unblock them if need be.
func (s *Serf) awaitReaders(p *pipes) {
	t := time.NewTimer(drainGrace)
	defer t.Stop()
	for _, ch := range []<-chan struct{}{s.stdoutDone, s.stderrDone} {
		select {
		case <-ch:
		case <-t.C:
			p.stdout.Close()
			p.stderr.Close()
			<-s.stdoutDone
			<-s.stderrDone
			return
		}
	}
	p.stdout.Close()
	p.stderr.Close()
}

// readPleas is the plea reader. It hands %slog and %flog to their
// callbacks and every other plea to s.pleas, in order; when the stream
// fails it hands over the error, closes s.pleas and returns.
func (s *Serf) readPleas(r *ipc.Reader) {
	defer close(s.stdoutDone)
	defer close(s.pleas)
	for {
		p, err := r.ReadPlea()
		if err != nil {
			s.deliver(pleaMsg{err: pleaReadError(err), framing: r.Framing()})
			return
		}
		switch p := p.(type) {
		case ipc.Slog:
			s.cfg.OnSlog(p.Priority, p.Tank)
			continue
		case ipc.Flog:
			s.cfg.OnFlog(p.Text)
			continue
		}
		if !s.deliver(pleaMsg{plea: p, framing: r.Framing()}) {
			return
		}
	}
}

// deliver hands m to the flows. It blocks while the buffer is full, unless
// the process has been reaped (nobody may ever read again); it reports
// whether m was delivered. The non-blocking attempt comes first so that a
// reply is never dropped merely because the process has also exited.
func (s *Serf) deliver(m pleaMsg) bool {
	select {
	case s.pleas <- m:
		return true
	default:
	}
	select {
	case s.pleas <- m:
		return true
	case <-s.reaped:
		return false
	}
}

// pleaReadError classifies an error from the plea stream.
func pleaReadError(err error) error {
	var bad *ipc.BadNounError
	var dec *ipc.DecodeError
	switch {
	case err == io.EOF, errors.Is(err, ipc.ErrTruncated), errors.Is(err, os.ErrClosed):
		if err == io.EOF {
			return ErrConnectionClosed
		}
		return fmt.Errorf("%w: %w", ErrConnectionClosed, err)
	case errors.Is(err, ipc.ErrZeroLength), errors.Is(err, ipc.ErrBadTag), errors.Is(err, ipc.ErrFrameTooLarge):
		return fmt.Errorf("%w: %w", ErrBadPleaFrame, err)
	case errors.As(err, &bad):
		return &BadPleaAtomError{Frame: bad.Frame, Err: err}
	case errors.As(err, &dec):
		return &BadPleaNounError{Noun: dec.Value, Field: dec.Field, Err: err}
	default:
		return fmt.Errorf("king: read plea: %w", err)
	}
}

// readStderr is the stderr reader: it keeps the last lines and hands each
// to OnStderr.
func (s *Serf) readStderr(f *os.File) {
	defer close(s.stderrDone)
	br := bufio.NewReaderSize(f, stderrLineMax)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			text := strings.TrimRight(string(line), "\r\n")
			s.stderr.add(text)
			s.cfg.OnStderr(text)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// lineRing keeps the last stderrKeep lines.
type lineRing struct {
	mu   sync.Mutex
	buf  [stderrKeep]string
	next int // where the next line goes
	n    int // lines held, up to stderrKeep
}

func (r *lineRing) add(line string) {
	r.mu.Lock()
	r.buf[r.next] = line
	r.next = (r.next + 1) % stderrKeep
	r.n = min(r.n+1, stderrKeep)
	r.mu.Unlock()
}

// lines returns the lines held, oldest first.
func (r *lineRing) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, r.n)
	for i := range r.n {
		out = append(out, r.buf[(r.next-r.n+i+stderrKeep)%stderrKeep])
	}
	return out
}
