package king

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// Helpers for the tests against the real serf: bin/king serf, built once
// by TestMain, with the test kernels of testdata/kernels.

// requireRealSerf skips the test, visibly, when the king binary could not
// be built.
func requireRealSerf(t testing.TB) {
	t.Helper()
	if serfBinaryErr != nil {
		t.Skipf("SKIP: real serf unavailable: %v", serfBinaryErr)
	}
}

// stderrLog collects a serf's stderr lines, for failure messages.
type stderrLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *stderrLog) add(line string) {
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// startReal starts the real serf on pier and stops it at the end of the
// test.
func startReal(t testing.TB, pier string, mut ...func(*Config)) (*Serf, Info) {
	t.Helper()
	requireRealSerf(t)
	var log stderrLog
	cfg := Config{SerfPath: serfBinary, Pier: pier, OnStderr: log.add}
	for _, m := range mut {
		m(&cfg)
	}
	s, info, err := Start(context.Background(), cfg)
	require.NoError(t, err, "stderr: %q", log.lines)
	t.Cleanup(func() {
		require.NoError(t, s.Stop(context.Background()))
		requireGone(t, s)
	})
	return s, info
}

// pill loads testdata/kernels/<name>.pill as a boot list.
func pill(t testing.TB, name string) []noun.Noun {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "kernels", name+".pill"))
	require.NoError(t, err)
	list, err := noun.Cue(b)
	require.NoError(t, err)
	evs, err := noun.FromList(list)
	require.NoError(t, err)
	return evs
}

// kernelExample is vectors.json's kernel_example.
type kernelExample struct {
	BootList     string `json:"boot_list"`
	MugAfterBoot string `json:"mug_after_boot"`
	Events       []struct {
		EventNumber uint64 `json:"event_number"`
		Job         string `json:"job"`
		Effects     string `json:"effects"`
		MugAfter    string `json:"mug_after"`
	} `json:"events"`
	PeekSample string `json:"peek_sample"`
	PeekResult string `json:"peek_result"`
}

// loadKernelExample reads ../../shared/spec/vectors.json, skipping the
// test visibly when it is absent.
func loadKernelExample(t testing.TB) kernelExample {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("SKIP: spec vectors not found at %s", path)
	}
	require.NoError(t, err)
	var v struct {
		Kernel kernelExample `json:"kernel_example"`
	}
	require.NoError(t, json.Unmarshal(data, &v))
	require.NotEmpty(t, v.Kernel.Events)
	return v.Kernel
}

func parseMug(t testing.TB, s string) uint32 {
	t.Helper()
	m, err := strconv.ParseUint(s, 0, 32)
	require.NoError(t, err)
	return uint32(m)
}

// counterJob is a counter-kernel event numbered i: [now [/d/test/i [%poke i]]],
// the shape of kernel_example's jobs, with now 2^48 * i after 2021-01-01
// (events of one batch are spaced so, PROTOCOL.md §1.3). It is built from
// words rather than big.Int because replay benchmarks make millions.
func counterJob(i uint64) noun.Noun {
	// ~2021.1.1 is 0x8000000d2e8c7380 in the high word, 0 in the low.
	da := noun.AtomWords([]uint64{i << 48, 0x8000000d2e8c7380 + i>>16})
	wire := noun.T(noun.Cord("d"), noun.Cord("test"), noun.Atom(i), noun.Zero)
	return noun.T(da, wire, noun.Cord("poke"), noun.Atom(i))
}
