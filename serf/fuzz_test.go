package serf_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf"
)

// stream frames writs (or raw nouns) into one input stream.
func stream(t testing.TB, f ipc.Framing, msgs ...noun.Noun) []byte {
	t.Helper()
	var b []byte
	for _, m := range msgs {
		var err error
		b, err = ipc.AppendFrame(b, f, noun.Jam(m))
		require.NoError(t, err)
	}
	return b
}

// FuzzSerfInput feeds arbitrary bytes to serf.Run as the king's whole
// stream, in either framing: it must never panic or hang, and must end
// with an exit writ's status or a one-line error with status 1 or 3.
func FuzzSerfInput(f *testing.F) {
	var j jobs
	counter := noun.List(pill(f, "counter")...)
	crashy := noun.List(pill(f, "crashy")...)
	boot := func(lit noun.Noun) noun.Noun { return noun.T(noun.Cord("play"), noun.One, lit) }
	conversation := []noun.Noun{
		boot(counter),
		ipc.Work{Job: j.job(tagged("a"))}.Noun(),
		ipc.Work{Mil: 5, Job: j.job(tagged("b"))}.Noun(),
		ipc.Peek{Sample: ipc.PeekPath(ipc.LocalGang(), "x")}.Noun(),
		ipc.Play{Eve: 4, Events: []noun.Noun{j.job(noun.Zero)}}.Noun(),
		ipc.LiveMeld{}.Noun(),
		ipc.LiveSave{Eve: 4}.Noun(),
		ipc.LiveCram{Eve: 4}.Noun(),
		ipc.LiveExit{Code: 0}.Noun(),
	}
	crashing := []noun.Noun{
		boot(crashy),
		ipc.Work{Job: j.job(tagged("crash"))}.Noun(),
		ipc.Work{Job: j.job(tagged("crash-twice"))}.Noun(),
		ipc.Work{Job: j.job(tagged("loop"))}.Noun(),
		ipc.Work{Job: j.job(tagged("meme"))}.Noun(),
		ipc.Work{Job: j.job(tagged("slog"))}.Noun(),
	}
	for _, newt := range []bool{false, true} {
		fr := ipc.Legacy
		if newt {
			fr = ipc.Newt
		}
		f.Add(stream(f, fr, conversation...), newt)
		f.Add(stream(f, fr, crashing...), newt)
		f.Add(stream(f, fr, noun.T(noun.Cord("work"), noun.Zero, noun.Zero)), newt)
		f.Add(stream(f, fr, ipc.Play{Eve: 2}.Noun()), newt)
	}
	f.Add([]byte{}, false)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, false)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0}, false)
	f.Add([]byte{7, 1, 0, 0, 0, 1}, true)

	f.Fuzz(func(t *testing.T, data []byte, newt bool) {
		fr := ipc.Legacy
		if newt {
			fr = ipc.Newt
		}
		// No pier: the fuzzer must not depend on the disk (%save and %cram
		// are then fatal errors, which it also explores); snapshots have
		// their own tests.
		code, err := serf.Run(context.Background(), serf.Config{
			In:           bytes.NewReader(data),
			Out:          io.Discard,
			Framing:      fr,
			CacheSize:    64,
			StepLimit:    200_000,
			MemoryBudget: 32 << 20,
			MaxFrameSize: 1 << 20,
		})
		if err == nil {
			require.True(t, code >= 0 && code <= 255, "exit status %d", code)
			return
		}
		require.Contains(t, []int{serf.ExitError, serf.ExitBadState}, code)
		require.False(t, strings.Contains(err.Error(), "\n"), "one-line error: %q", err)
	})
}
