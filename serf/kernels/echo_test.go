package kernels_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kingserf/king/serf/kernels"
	"github.com/kingserf/king/serf/nock"
)

// listText writes the code points of s as a Hoon list in text: ~[104 105],
// or ~ when s is empty.
func listText(s string) string {
	if s == "" {
		return "~"
	}
	var parts []string
	for _, r := range s {
		parts = append(parts, strconv.Itoa(int(r)))
	}
	return "~[" + strings.Join(parts, " ") + "]"
}

const termWire = "[%d %term '1' ~]"

// blits is the expected effects: one %blit effect on the terminal wire.
func blits(bs ...string) string {
	return "~[[[0 %term '1' ~] %blit ~[" + strings.Join(bs, " ") + "]]]"
}

func lin(s string) string { return "[%lin " + listText(s) + "]" }

func belt(b string) string { return "[" + termWire + " %belt " + b + "]" }

func TestEcho(t *testing.T) {
	b := boot(t, kernels.Echo(), nock.Config{})
	requireNoun(t, "[0 %noun 0 ~]", b.peek())
	steps := []struct {
		ovum    string
		effects string
	}{
		{belt("%txt " + listText("hi")), blits(lin("> hi"))},
		{belt("%bac ~"), blits(lin("> h"))},
		{belt("%bac ~"), blits(lin("> "))},
		{belt("%bac ~"), blits("[%bel ~]")},
		{belt("%txt " + listText("ok")), blits(lin("> ok"))},
		{belt("%txt " + listText(" ☺")), blits(lin("> ok ☺"))},
		{"[" + termWire + " %hail ~]", blits(lin("> ok ☺"))},
		{"[" + termWire + " %blew 80 24]", "~"},
		{belt("%aro %l"), "~"},
		{belt("%ctl 'c'"), "~"},
		{"[[0 %arvo ~] %whom 0]", "~"},
		{"[[0 %arvo ~] 5]", "~"},
		{belt("7"), "~"},
		{belt("%ret ~"), blits("[%mor ~]", lin("echo: ok ☺"), "[%mor ~]", lin("> "))},
		{belt("%txt " + listText("x")), blits(lin("> x"))},
	}
	for _, s := range steps {
		requireNoun(t, s.effects, b.poke(s.ovum))
	}
	requireNoun(t, "[0 %noun 15 "+listText("x")+"]", b.peek())
}
