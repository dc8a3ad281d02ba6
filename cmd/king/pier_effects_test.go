package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/kingserf/king/noun"
)

// blitOvum is a terminal effect [[0 %term '1' ~] [%blit blits]].
func blitOvum(blits ...noun.Noun) noun.Noun {
	wire := noun.T(noun.Zero, noun.Cord("term"), noun.Cord("1"), noun.Zero)
	return noun.T(wire, noun.Cord("blit"), noun.List(blits...))
}

func chars(s string) noun.Noun {
	var cs []noun.Noun
	for _, r := range s {
		cs = append(cs, noun.Atom(uint64(r)))
	}
	return noun.List(cs...)
}

func TestTerminalText(t *testing.T) {
	lin := func(s string) noun.Noun { return noun.T(noun.Cord("lin"), chars(s)) }
	put := func(s string) noun.Noun { return noun.T(noun.Cord("put"), chars(s)) }
	mor := noun.T(noun.Cord("mor"), noun.Zero)
	nel := noun.T(noun.Cord("nel"), noun.Zero)
	bel := noun.T(noun.Cord("bel"), noun.Zero)
	klr := noun.T(noun.Cord("klr"), noun.List(
		noun.T(noun.Zero, chars("red")), noun.T(noun.Zero, chars(" text"))))
	other := noun.T(noun.T(noun.Cord("b"), noun.Zero), noun.Cord("doze"), noun.Zero)
	tests := []struct {
		name string
		ova  []noun.Noun
		want []string
	}{
		{"none", nil, nil},
		{"not a blit", []noun.Noun{other}, nil},
		{"prompt", []noun.Noun{blitOvum(lin("> hi"))}, []string{"> hi"}},
		{"echo", []noun.Noun{blitOvum(mor, lin("echo: hi"), mor, lin("> "))}, []string{"", "echo: hi", "> "}},
		{"put and nel", []noun.Noun{blitOvum(put("a"), put("b"), nel)}, []string{"ab"}},
		{"styled", []noun.Noun{blitOvum(klr)}, []string{"red text"}},
		{"bell only", []noun.Noun{blitOvum(bel)}, nil},
		{"two effects", []noun.Noun{blitOvum(lin("x")), other, blitOvum(put("y"))}, []string{"xy"}},
		{"unicode", []noun.Noun{blitOvum(lin("é→"))}, []string{"é→"}},
		{"bad char", []noun.Noun{blitOvum(noun.T(noun.Cord("lin"), noun.List(noun.Atom(0x110000))))}, []string{"\uFFFD"}},
		{"malformed blit list", []noun.Noun{noun.T(noun.Zero, noun.Cord("blit"), noun.Atom(5))}, nil},
		{"atom effect", []noun.Noun{noun.Atom(3)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, terminalText(tt.ova))
		})
	}
}

func TestOvumSummary(t *testing.T) {
	require.Equal(t, "/test %ev", ovumSummary(counterOvum(3)))
	require.Equal(t, "/d/term/1 %belt", ovumSummary(noun.T(noun.T(noun.Cord("d"), noun.Cord("term"), noun.Cord("1"), noun.Zero), noun.Cord("belt"), noun.Zero)))
	require.Equal(t, "5", ovumSummary(noun.Atom(5)))
	require.Equal(t, "/test 7", ovumSummary(noun.T(noun.T(noun.Cord("test"), noun.Zero), noun.Atom(7))))
}

func TestEffectLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := newLogger(&buf, "info", false)
	require.NoError(t, err)
	release := effectLogger(log, nil)
	release(5, noun.List(blitOvum(noun.T(noun.Cord("lin"), chars("> a")))))
	release(6, noun.Zero)
	release(7, noun.Atom(9))
	lines := parseLogLines(buf.String())
	require.Len(t, lines, 3)
	require.Equal(t, "effects released", lines[0].msg())
	require.EqualValues(t, 5, lines[0].num("eve"))
	require.EqualValues(t, 1, lines[0].num("count"))
	require.Equal(t, []any{"> a"}, lines[0]["terminal"])
	require.Contains(t, lines[0]["effects"], "%blit")
	require.EqualValues(t, 0, lines[1].num("count"))
	require.Nil(t, lines[1]["effects"])
	require.Equal(t, "effects released (not a list)", lines[2].msg())

	// A huge effect is clipped in the log line.
	buf.Reset()
	big := make([]noun.Noun, 5000)
	for i := range big {
		big[i] = noun.Atom(uint64(i))
	}
	release(8, noun.List(noun.T(noun.Zero, noun.List(big...))))
	var l map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &l))
	require.LessOrEqual(t, len(l["effects"].(string)), maxEffectText+len("…"))

	// At a level the logger does not take, nothing is logged (and the
	// effects are not rendered); a malformed list is still a warning.
	buf.Reset()
	quiet := effectLogger(log, func() zapcore.Level { return zapcore.DebugLevel })
	quiet(9, noun.List(blitOvum(noun.T(noun.Cord("lin"), chars("> b")))))
	require.Empty(t, buf.String())
	quiet(10, noun.Atom(9))
	require.Equal(t, "effects released (not a list)", parseLogLines(buf.String())[0].msg())
}
