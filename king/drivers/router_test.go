package drivers

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
)

func TestParseEffect(t *testing.T) {
	tests := []struct {
		ovum string
		vane string
		tag  string
		kind string
	}{
		{"[[0 %term '1' ~] %blit ~]", "term", "blit", "/term %blit"},
		{"[[0 %behn ~] %doze ~]", "behn", "doze", "/behn %doze"},
		{"[[0 %exit ~] %logo ~]", "exit", "logo", "/exit %logo"},
		{"[[%test ~] %ev 1]", "test", "ev", "/test %ev"},
		{"[[0 %behn ~] 7]", "behn", "", "/behn (card without a tag)"},
		{"[[0 %behn ~] [1 2] 3]", "behn", "", "/behn (card without a tag)"},
		{"[[0 0xff ~] %x ~]", "255", "x", "/255 %x"},
	}
	for _, tt := range tests {
		t.Run(tt.ovum, func(t *testing.T) {
			ef, err := ParseEffect(9, kingtest.MustParse(t, tt.ovum))
			require.NoError(t, err)
			require.Equal(t, tt.vane, ef.Vane)
			require.Equal(t, tt.tag, ef.Tag)
			require.Equal(t, tt.kind, ef.Kind())
			require.Equal(t, uint64(9), ef.Eve)
		})
	}
	for _, bad := range []string{"5", "[5 %blit ~]", "[[0 ~] %blit ~]", "[0 %blit ~]", "[[0 [1 2] ~] %blit ~]", "[[[1 2] 3] %x ~]"} {
		_, err := ParseEffect(1, kingtest.MustParse(t, bad))
		require.ErrorIs(t, err, ErrBadEffect, bad)
	}
}

// recorder is a Driver that records what it gets and claims the tags it
// is told to.
type recorder struct {
	mu     sync.Mutex
	claims map[string]bool
	got    []Effect
}

func (r *recorder) HandleEffect(ef Effect) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, ef)
	return r.claims[ef.Tag]
}

func (r *recorder) tags() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ef := range r.got {
		out = append(out, ef.Tag)
	}
	return out
}

func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

func TestRouterRoutesByVane(t *testing.T) {
	logger, logs := observed()
	var exits []uint64
	r := NewRouter(RouterOptions{Logger: logger, OnExit: func(ef Effect) { exits = append(exits, ef.Eve) }})
	term := &recorder{claims: map[string]bool{"blit": true}}
	behn := &recorder{claims: map[string]bool{"doze": true}}
	relay := &recorder{claims: map[string]bool{}} // sees term effects, claims none
	r.Handle("term", term)
	r.Handle("term", relay)
	r.Handle("behn", behn)

	r.Route(2, kingtest.MustParse(t, "~[[[0 %term '1' ~] %blit ~[[%bel ~]]] [[0 %behn ~] %doze ~] [[0 %term '1' ~] %logo ~]]"))
	require.Equal(t, []string{"blit", "logo"}, term.tags())
	require.Equal(t, []string{"blit", "logo"}, relay.tags())
	require.Equal(t, []string{"doze"}, behn.tags())
	require.Equal(t, map[string]uint64{"/term %logo": 1}, r.Unclaimed())

	// Kernel-level effects.
	r.Route(3, kingtest.MustParse(t, "~[[[0 %vega ~] %vega ~] [[0 %exit ~] %exit ~] [[0 %exit ~] %exit ~]]"))
	require.Equal(t, []uint64{3}, exits, "OnExit is called once")
	require.Equal(t, 1, logs.FilterMessage("kernel upgraded (%vega)").Len())

	// Unclaimed effects are logged once per kind and counted.
	r.Route(4, kingtest.MustParse(t, "~[[[%test ~] %ev 1] [[%test ~] %ev 2] [[0 %term '1' ~] %logo ~] [[0 %ames ~] %send 1]]"))
	r.Route(5, kingtest.MustParse(t, "~[7 [[0 %ames ~] %send 1]]"))
	r.Route(6, kingtest.MustParse(t, "[[[0 %ames ~] %send 1] 5]"))
	require.Equal(t, map[string]uint64{
		"/term %logo":             2,
		"/test %ev":               2,
		"/ames %send":             3,
		"(malformed effect)":      1,
		"(malformed effect list)": 1,
	}, r.Unclaimed())
	require.Equal(t, []string{"(malformed effect list)", "(malformed effect)", "/ames %send", "/term %logo", "/test %ev"},
		r.UnclaimedKinds())
	warns := logs.FilterMessage("effect not handled by any driver (further effects of this kind are only counted)")
	require.Equal(t, 5, warns.Len(), "one line per kind")
}

func TestRouterExitWithoutHandlerIsUnclaimed(t *testing.T) {
	r := NewRouter(RouterOptions{})
	r.Route(1, kingtest.MustParse(t, "~[[[0 %exit ~] %exit ~]]"))
	require.Equal(t, map[string]uint64{"/exit %exit": 1}, r.Unclaimed())
}

func TestRouterBoundsKinds(t *testing.T) {
	r := NewRouter(RouterOptions{})
	var ova []noun.Noun
	for i := range MaxKinds + 50 {
		ova = append(ova, noun.T(noun.T(noun.Zero, noun.Cord("x"), noun.Zero), noun.Atom(uint64(1000+i)), noun.Zero))
	}
	r.Route(1, noun.List(ova...))
	u := r.Unclaimed()
	require.Len(t, u, MaxKinds+1)
	require.Equal(t, uint64(50), u[OtherKind])
}

func TestRouterDriverFunc(t *testing.T) {
	r := NewRouter(RouterOptions{})
	var n int
	r.Handle("behn", DriverFunc(func(Effect) bool { n++; return true }))
	r.Route(1, kingtest.MustParse(t, "~[[[0 %behn ~] %doze ~]]"))
	require.Equal(t, 1, n)
	require.Empty(t, r.Unclaimed())
}

func TestAtomText(t *testing.T) {
	require.Equal(t, "term", AtomText(noun.Cord("term")))
	require.Equal(t, "", AtomText(noun.Zero))
	require.Equal(t, "1", AtomText(noun.Cord("1")))
	require.Equal(t, "7", AtomText(noun.Atom(7)))
	require.Equal(t, "☺", AtomText(noun.Cord("☺")))
}

func FuzzRoute(f *testing.F) {
	for _, s := range []string{"~[[[0 %term '1' ~] %blit ~]]", "~[[[0 %exit ~] %exit ~]]", "[[[0 %behn ~] %doze ~] 5]", "7"} {
		n, err := noun.Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(noun.Jam(n))
	}
	f.Fuzz(func(t *testing.T, jam []byte) {
		n, err := noun.Cue(jam)
		if err != nil {
			return
		}
		r := NewRouter(RouterOptions{OnExit: func(Effect) {}})
		r.Handle("term", DriverFunc(func(Effect) bool { return true }))
		r.Route(1, n)
		if len(r.Unclaimed()) > MaxKinds+1 {
			t.Fatal("unbounded kinds")
		}
	})
}

func TestEffectOnSession(t *testing.T) {
	for _, tc := range []struct {
		ovum string
		want bool
	}{
		{"[[0 %term '1' ~] %blit ~]", true},
		{"[[0 %term '2' ~] %blit ~]", false},
		{"[[0 %term ~] %blit ~]", true}, // no session named
		{"[[%term '1' ~] %blit ~]", true},
		{"[[%term '2' ~] %blit ~]", false},
		{"[[0 %term [1 2] ~] %blit ~]", false},
	} {
		ef, err := ParseEffect(1, kingtest.MustParse(t, tc.ovum))
		require.NoError(t, err)
		require.Equal(t, tc.want, ef.OnSession("1"), tc.ovum)
	}
}
