package king

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
)

// writeBuffer is the size of the buffer writs are staged in: a pipe's
// capacity. A larger writ bypasses it.
const writeBuffer = 64 << 10

// Info is what Start learned from the serf's %ripe.
type Info struct {
	// Proto, Hon and Nock are the protocol, Hoon and Nock versions the
	// serf announced. Proto is always 1 (Start refuses anything else); Hon
	// is not checked (2020–2021 serfs send 141).
	Proto, Hon, Nock uint64
	// Eve is the last event of the state the serf loaded (0 if empty).
	Eve uint64
	// Mug is the mug of that state's kernel (0 if empty).
	Mug uint32
	// Framing is the framing detected from the %ripe frame; writs are
	// sent in the same framing.
	Framing ipc.Framing
	// Pid is the serf's process id.
	Pid int
}

// Start spawns a serf and waits for its %ripe handshake.
//
// The serf gets piped stdin, stdout and stderr and no other descriptor,
// its own process group, and the argv
// <SerfPath> serf <Pier> <Key> <Flags> <CacheSize> <RockEvent>. Start waits up to Config.RipeTimeout for
// %ripe (ErrRipeTimeout), or until ctx ends, detects the framing from that
// first frame, and checks the protocol version (*ProtocolVersionError).
// Any failure after the process started kills and reaps it before Start
// returns. ctx bounds only the start: the serf outlives it.
func Start(ctx context.Context, cfg Config) (*Serf, Info, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, Info{}, err
	}
	p, err := newPipes()
	if err != nil {
		return nil, Info{}, err
	}
	s := &Serf{
		cfg:        cfg,
		log:        cfg.Logger,
		stdin:      p.stdin,
		pleas:      make(chan pleaMsg, pleaBuffer),
		state:      make(chan *serfState, 1),
		reaped:     make(chan struct{}),
		done:       make(chan struct{}),
		stdoutDone: make(chan struct{}),
		stderrDone: make(chan struct{}),
	}
	if err := s.spawn(p); err != nil {
		return nil, Info{}, err
	}
	go s.readPleas(ipc.NewReader(p.stdout))
	go s.readStderr(p.stderr)
	s.log.Debug("serf spawned", zap.Int("pid", s.info.Pid), zap.Strings("argv", cfg.argv()))

	st := &serfState{}
	if err := s.awaitRipe(ctx, st); err != nil {
		return nil, Info{}, err
	}
	s.unlock(st)
	s.log.Info("serf ripe", zap.Int("pid", s.info.Pid), zap.Uint64("eve", s.info.Eve),
		zap.Stringer("framing", s.info.Framing))
	return s, s.info, nil
}

// awaitRipe waits for %ripe and sets up s.info, s.w and st from it. On
// error the serf has been failed (killed and reaped).
func (s *Serf) awaitRipe(ctx context.Context, st *serfState) error {
	timer := time.NewTimer(s.cfg.RipeTimeout)
	defer timer.Stop()
	var m pleaMsg
	var ok bool
	select {
	case m, ok = <-s.pleas:
	case <-timer.C:
		return s.fail(st, fmt.Errorf("%w (waited %v)", ErrRipeTimeout, s.cfg.RipeTimeout))
	case <-ctx.Done():
		return s.fail(st, fmt.Errorf("king: start serf: %w", ctx.Err()))
	}
	plea, err := s.received(st, m, ok)
	if err != nil {
		return err
	}
	ripe, isRipe := plea.(ipc.Ripe)
	if !isRipe {
		return s.unexpected(st, plea, "%ripe")
	}
	if ripe.Proto != 1 {
		return s.fail(st, &ProtocolVersionError{Got: ripe.Proto})
	}
	s.info = Info{Proto: ripe.Proto, Hon: ripe.Hon, Nock: ripe.Nock, Eve: ripe.Eve,
		Mug: ripe.Mug, Framing: m.framing, Pid: s.info.Pid}
	s.bw = bufio.NewWriterSize(s.stdin, writeBuffer)
	s.w = ipc.NewWriter(s.bw, m.framing)
	st.eve, st.mug = ripe.Eve, ripe.Mug
	return nil
}
