package king

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// FuzzPleaStream runs Start and a Snapshot against a serf whose whole
// output is the fuzzer's bytes. Whatever they are, the calls must return
// (no panic, no hang), any error must be one of the documented ones, and a
// failed call must leave the process reaped.
func FuzzPleaStream(f *testing.F) {
	legacy := func(ps ...ipc.Plea) []byte {
		var out []byte
		for _, p := range ps {
			out, _ = ipc.AppendFrame(out, ipc.Legacy, noun.Jam(p.Noun()))
		}
		return out
	}
	newt := func(ps ...ipc.Plea) []byte {
		var out []byte
		for _, p := range ps {
			out, _ = ipc.AppendFrame(out, ipc.Newt, noun.Jam(p.Noun()))
		}
		return out
	}
	ripe := ipc.Ripe{Proto: 1, Hon: 141, Nock: 4, Eve: 3, Mug: 0x1234}
	f.Add(legacy(ripe))
	f.Add(legacy(ripe, ipc.Live{}))
	f.Add(newt(ripe, ipc.Slog{Priority: 1, Tank: noun.Cord("x")}, ipc.Live{}))
	f.Add(legacy(ripe, ipc.Flog{Text: "hi"}, ipc.PlayDone{Mug: 7}))
	f.Add(legacy(ipc.Ripe{Proto: 2}))
	f.Add(legacy(ipc.Live{}))
	f.Add([]byte{})
	f.Add([]byte{0x01, 0, 0, 0, 0, 0, 0, 0, 0x01})
	f.Add([]byte{0x00, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add(legacy(ripe)[:5])

	f.Fuzz(func(t *testing.T, out []byte) {
		if len(out) > 8<<10 {
			return // it travels in an environment variable
		}
		cfg := fakeConfig(t, modeBytes)
		cfg.Env = append(cfg.Env, fakeBytesEnv+"="+hex.EncodeToString(out))
		cfg.RipeTimeout = 10 * time.Second
		cfg.OnSlog = func(uint64, noun.Noun) {}
		cfg.OnFlog = func(string) {}
		ctx := context.Background()
		s, _, err := Start(ctx, cfg)
		if err != nil {
			requireDocumented(t, err)
			return
		}
		if err := s.Snapshot(ctx); err != nil {
			requireDocumented(t, err)
			select {
			case <-s.Done():
			default:
				t.Fatalf("serf still running after %v", err)
			}
		}
		if err := s.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		<-s.Done()
	})
}

// requireDocumented fails unless err is one of the errors a misbehaving
// serf may cause.
func requireDocumented(t *testing.T, err error) {
	t.Helper()
	var (
		atom  *BadPleaAtomError
		nn    *BadPleaNounError
		un    *UnexpectedPleaError
		proto *ProtocolVersionError
	)
	switch {
	case errors.Is(err, ErrConnectionClosed), errors.Is(err, ErrRipeTimeout),
		errors.As(err, &atom), errors.As(err, &nn), errors.As(err, &un), errors.As(err, &proto),
		errors.Is(err, ErrBadPleaFrame):
	default:
		t.Fatalf("undocumented error %T: %v", err, err)
	}
}
