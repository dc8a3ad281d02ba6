package serf_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
	k "github.com/kingserf/king/serf/kernels"
)

// kernelExample is vectors.json's "kernel_example": the counter kernel with
// the mugs Urbit's own serf reports for it.
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

// example is kernelExample parsed.
type example struct {
	boot         []noun.Noun
	mugAfterBoot uint32
	jobs         []noun.Noun
	effects      []noun.Noun
	mugs         []uint32
	eves         []uint64
	peekSample   noun.Noun
	peekResult   noun.Noun
}

// loadExample reads ../../shared/spec/vectors.json (relative to this
// package), skipping the test visibly when it is missing.
func loadExample(t testing.TB) example {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIP: %s not found; cannot check the serf against Urbit's mugs", path)
	}
	require.NoError(t, err)
	var v struct {
		KernelExample kernelExample `json:"kernel_example"`
	}
	require.NoError(t, json.Unmarshal(data, &v))
	ke := v.KernelExample
	ex := example{
		boot:         mustList(t, kingtest.MustParse(t, ke.BootList)),
		mugAfterBoot: mustMug(t, ke.MugAfterBoot),
		peekSample:   kingtest.MustParse(t, ke.PeekSample),
		peekResult:   kingtest.MustParse(t, ke.PeekResult),
	}
	for _, e := range ke.Events {
		ex.jobs = append(ex.jobs, kingtest.MustParse(t, e.Job))
		ex.effects = append(ex.effects, kingtest.MustParse(t, e.Effects))
		ex.mugs = append(ex.mugs, mustMug(t, e.MugAfter))
		ex.eves = append(ex.eves, e.EventNumber)
	}
	return ex
}

func mustList(t testing.TB, n noun.Noun) []noun.Noun {
	t.Helper()
	items, err := noun.FromList(n)
	require.NoError(t, err)
	return items
}

func mustMug(t testing.TB, s string) uint32 {
	t.Helper()
	v, err := strconv.ParseUint(s, 0, 32)
	require.NoError(t, err)
	return uint32(v)
}

// pill reads a checked-in pill from ../testdata/kernels and returns its
// boot list.
func pill(t testing.TB, name string) []noun.Noun {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "kernels", name+".pill"))
	require.NoError(t, err)
	n, err := noun.Cue(b)
	require.NoError(t, err)
	return mustList(t, n)
}

// jobs makes [now ovum] jobs with deterministic dates, one second apart.
type jobs struct{ n int64 }

// job returns the next job for card on the wire /test.
func (j *jobs) job(card noun.Noun) noun.Noun {
	j.n++
	now := noun.Da(time.Unix(1609459200+j.n, 0))
	return noun.T(now, noun.Path("test"), card)
}

// tagged is the card [%tag 0].
func tagged(tag string) noun.Noun { return noun.Cell(noun.Cord(tag), noun.Zero) }

// sulky is a test kernel for interrupts: a counter (peek [~ %noun count])
// whose %hang card, and whose %crud of a %hang-twice card, emit the %slog
// "sulky: hanging" and then loop forever. The %slog tells a test that the
// computation has started, so it can interrupt it without guessing; a
// %hang-twice card hangs in the event and again in its %crud retry.
func sulky() k.Kernel {
	const (
		axOvum    = 13
		axCard    = 27
		axCardTag = 54
		axCardArg = 55
		axBattery = 14
		axState   = 15
	)
	innerCard := k.Peg(k.Peg(axCardArg, 3), 3)
	innerTag := k.Peg(innerCard, 2)
	leaf := noun.Cell(noun.Cord("leaf"), noun.Tape("sulky: hanging"))
	loop := k.Eval(k.Slot(1), k.Slot(2))
	hang := k.HintClue("slog", k.Const(noun.Cell(noun.Zero, leaf)),
		k.Compose(k.Const(noun.Cell(loop, noun.Zero)), loop))
	echo := k.Cons(k.List(k.Slot(axOvum)), k.Cons(k.Slot(axBattery), k.Inc(k.Slot(axState))))
	crudOfHangTwice := k.If(k.Deep(k.Slot(innerCard)), k.Is(innerTag, noun.Cord("hang-twice")), k.Const(noun.One))
	dispatch := k.If(k.Is(axCardTag, noun.Cord("hang")), hang,
		k.If(k.Is(axCardTag, noun.Cord("hang-twice")), hang,
			k.If(k.Is(axCardTag, noun.Cord("crud")), k.If(crudOfHangTwice, hang, echo), echo)))
	poke := k.If(k.Deep(k.Slot(axCard)), dispatch, echo)
	wish := k.Const(k.Gate(k.Const(noun.Zero)))
	peek := k.GateArm(k.Tuple(k.Const(noun.Zero), k.Const(noun.Cord("noun")), k.Slot(axState)))
	return k.Kernel{
		Name:    "sulky",
		Battery: noun.T(k.Const(noun.Zero), wish, peek, k.GateArm(poke)),
		State:   noun.Zero,
	}
}
