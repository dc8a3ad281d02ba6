package nock_test

import (
	"context"
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
	"github.com/kingserf/king/serf/nock"
)

// kernelExample is vectors.json's "kernel_example": a counter kernel with
// the mugs Urbit's own serf reports for it.
type kernelExample struct {
	Battery         string `json:"battery"`
	BootList        string `json:"boot_list"`
	KernelAfterBoot string `json:"kernel_after_boot"`
	MugAfterBoot    string `json:"mug_after_boot"`
	Events          []struct {
		EventNumber int    `json:"event_number"`
		Job         string `json:"job"`
		Effects     string `json:"effects"`
		MugAfter    string `json:"mug_after"`
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
		t.Skipf("SKIP: %s not found; the kernel example cannot be checked", path)
	}
	require.NoError(t, err)
	var v struct {
		KernelExample kernelExample `json:"kernel_example"`
	}
	require.NoError(t, json.Unmarshal(data, &v))
	return v.KernelExample
}

func parseMug(t *testing.T, s string) uint32 {
	t.Helper()
	v, err := strconv.ParseUint(s, 0, 32)
	require.NoError(t, err)
	return uint32(v)
}

// TestKernelExample boots the vectors' counter kernel, pokes it three times
// and peeks it, checking every product and mug Urbit's serf reports.
func TestKernelExample(t *testing.T) {
	ex := loadKernelExample(t)
	ctx := context.Background()
	it := nock.New(nock.Config{})

	kernel, err := it.Boot(ctx, kingtest.MustParse(t, ex.BootList))
	require.NoError(t, err)
	require.True(t, noun.Equal(kingtest.MustParse(t, ex.KernelAfterBoot), kernel), "kernel %s", kernel)
	require.Equal(t, parseMug(t, ex.MugAfterBoot), noun.Mug(kernel))

	for _, ev := range ex.Events {
		effects, next, err := it.Poke(ctx, kernel, kingtest.MustParse(t, ev.Job))
		require.NoError(t, err, "event %d", ev.EventNumber)
		require.True(t, noun.Equal(kingtest.MustParse(t, ev.Effects), effects), "event %d effects %s", ev.EventNumber, effects)
		require.Equal(t, parseMug(t, ev.MugAfter), noun.Mug(next), "event %d mug", ev.EventNumber)
		kernel = next
	}

	got, err := it.Peek(ctx, kernel, kingtest.MustParse(t, ex.PeekSample))
	require.NoError(t, err)
	require.True(t, noun.Equal(kingtest.MustParse(t, ex.PeekResult), got), "peek %s", got)

	// The wish arm produces a gate; its product does not matter here, only
	// that wishing works.
	_, err = it.Wish(ctx, kernel, "mook")
	require.NoError(t, err)
}

func TestKernelEntryErrors(t *testing.T) {
	ctx := context.Background()
	it := nock.New(nock.Config{})

	_, err := it.Boot(ctx, noun.Zero)
	require.ErrorIs(t, err, nock.ErrExit)
	// The lifecycle product has no axis 7.
	_, err = it.Boot(ctx, kingtest.MustParse(t, "[[1 5] 0]"))
	require.ErrorIs(t, err, nock.ErrExit)
	// A kernel without a poke arm.
	_, _, err = it.Poke(ctx, noun.Atom(5), noun.Zero)
	require.ErrorIs(t, err, nock.ErrExit)
	// A poke gate whose product is an atom: kernel with axis 23 = [1 gate]
	// where the gate's formula is [1 7].
	kernel := kingtest.MustParse(t, "[[0 0 0 [1 [1 7] 0 0]] 0]")
	_, _, err = it.Poke(ctx, kernel, noun.Zero)
	var c *nock.Crash
	require.True(t, errors.As(err, &c))
	require.Equal(t, nock.MoteExit, c.Mote)
	require.Contains(t, c.Reason, "poke")
	// A gate without a sample.
	_, err = it.Slam(ctx, noun.Atom(3), noun.Zero)
	require.ErrorIs(t, err, nock.ErrExit)
}

func TestSlam(t *testing.T) {
	// A gate that increments its sample: [[4 0 6] 0 0].
	got, err := nock.New(nock.Config{}).Slam(context.Background(), kingtest.MustParse(t, "[[4 0 6] 0 0]"), noun.Atom(41))
	require.NoError(t, err)
	require.Equal(t, noun.Atom(42), got)
}

func TestCrud(t *testing.T) {
	job := kingtest.MustParse(t, "[5 [%d %term '1' ~] %belt %ret ~]")
	goof := kingtest.MustParse(t, "[%exit ~]")
	got, err := nock.Crud(job, goof)
	require.NoError(t, err)
	want := kingtest.MustParse(t, "[6 [0 %arvo ~] %crud [%exit ~] [%d %term '1' ~] %belt %ret ~]")
	require.True(t, noun.Equal(want, got), "crud %s", got)

	_, err = nock.Crud(noun.Atom(5), goof)
	require.ErrorIs(t, err, nock.ErrBadJob)
	_, err = nock.Crud(kingtest.MustParse(t, "[[1 2] 3]"), goof)
	require.ErrorIs(t, err, nock.ErrBadJob)
}
