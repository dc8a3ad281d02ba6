package kernels_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// kernelExample is vectors.json's "kernel_example".
type kernelExample struct {
	Battery         string `json:"battery"`
	BootList        string `json:"boot_list"`
	KernelAfterBoot string `json:"kernel_after_boot"`
	MugAfterBoot    string `json:"mug_after_boot"`
	Events          []struct {
		Job      string `json:"job"`
		Effects  string `json:"effects"`
		MugAfter string `json:"mug_after"`
	} `json:"events"`
	PeekSample string `json:"peek_sample"`
	PeekResult string `json:"peek_result"`
}

// loadKernelExample reads shared/spec/vectors.json, three levels above this
// package, skipping the test visibly when it is missing.
func loadKernelExample(t *testing.T) kernelExample {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	path := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIP: %s not found; the counter kernel cannot be checked against Urbit's mugs", path)
	}
	require.NoError(t, err)
	var v struct {
		KernelExample kernelExample `json:"kernel_example"`
	}
	require.NoError(t, json.Unmarshal(data, &v))
	return v.KernelExample
}

func mugOf(t *testing.T, s string) uint32 {
	v, err := strconv.ParseUint(s, 0, 32)
	require.NoError(t, err)
	return uint32(v)
}

// TestCounterIsTheKernelExample checks that the counter kernel is, noun for
// noun, the kernel Urbit's serf ran for vectors.json, and that running it
// gives the same effects, mugs and peek.
func TestCounterIsTheKernelExample(t *testing.T) {
	ex := loadKernelExample(t)
	c := kernels.Counter()
	requireNoun(t, ex.Battery, c.Battery)
	requireNoun(t, ex.BootList, c.BootList())
	requireNoun(t, ex.KernelAfterBoot, c.Core())

	b := boot(t, c, nock.Config{})
	require.Equal(t, mugOf(t, ex.MugAfterBoot), noun.Mug(b.kernel))
	for i, ev := range ex.Events {
		effects, next, err := b.it.Poke(t.Context(), b.kernel, kingtest.MustParse(t, ev.Job))
		require.NoError(t, err)
		requireNoun(t, ev.Effects, effects)
		require.Equal(t, mugOf(t, ev.MugAfter), noun.Mug(next), "event %d", i)
		b.kernel = next
	}
	got, err := b.it.Peek(t.Context(), b.kernel, kingtest.MustParse(t, ex.PeekSample))
	require.NoError(t, err)
	requireNoun(t, ex.PeekResult, got)
}

func TestCounter(t *testing.T) {
	b := boot(t, kernels.Counter(), nock.Config{})
	requireNoun(t, "[0 %noun 0]", b.peek())
	for i := 1; i <= 5; i++ {
		effects := b.poke("[[%d %term '1' ~] %belt %txt ~['a']]")
		requireNoun(t, "~[[[%d %term '1' ~] %belt %txt ~['a']]]", effects)
		requireNoun(t, "[0 %noun "+strconv.Itoa(i)+"]", b.peek())
	}
	// Any card, even an atom, counts.
	requireNoun(t, "~[[[0 %arvo ~] 7]]", b.poke("[[0 %arvo ~] 7]"))
	requireNoun(t, "[0 %noun 6]", b.peek())
}

// TestWishArms checks every kernel's wish arm: wishing for "mook" gives a
// gate that renders any tone as [%2 ~].
func TestWishArms(t *testing.T) {
	for _, k := range kernels.All() {
		t.Run(k.Name, func(t *testing.T) {
			b := boot(t, k, nock.Config{})
			mook, err := b.it.Wish(t.Context(), b.kernel, "mook")
			require.NoError(t, err)
			toon, err := b.it.Slam(t.Context(), mook, kingtest.MustParse(t, "[2 ~[[%lose 'x']]]"))
			require.NoError(t, err)
			requireNoun(t, "[2 ~]", toon)
		})
	}
}
