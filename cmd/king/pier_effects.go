package main

import (
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kingserf/king/noun"
)

// maxEffectText bounds the noun text of effects put in one log line: an
// event may emit megabytes.
const maxEffectText = 2000

// effectLogger returns the effect log of `king run`: one log line
// ("effects released") per committed event, with its number, how many
// effects it had, their noun text and, for terminal blits, the text they
// draw, at the level level returns (nil: Info). The drivers act on the
// effects; this line is how a run without a terminal shows them, and what
// process tests count to know which events released their effects (it is
// written only after the event is durable). With the terminal attached
// the screen shows them, and the line is logged at Debug.
func effectLogger(logger *zap.Logger, level func() zapcore.Level) func(eve uint64, effects noun.Noun) {
	return func(eve uint64, effects noun.Noun) {
		ova, err := noun.FromList(effects)
		if err != nil {
			logger.Warn("effects released (not a list)", zap.Uint64("eve", eve), zap.String("effects", clip(noun.String(effects))))
			return
		}
		lvl := zapcore.InfoLevel
		if level != nil {
			lvl = level()
		}
		ce := logger.Check(lvl, "effects released")
		if ce == nil {
			return
		}
		fields := []zap.Field{zap.Uint64("eve", eve), zap.Int("count", len(ova))}
		if len(ova) > 0 {
			fields = append(fields, zap.String("effects", clip(noun.String(effects))))
		}
		if lines := terminalText(ova); len(lines) > 0 {
			fields = append(fields, zap.Strings("terminal", lines))
		}
		ce.Write(fields...)
	}
}

// clip shortens s to maxEffectText bytes.
func clip(s string) string {
	if len(s) <= maxEffectText {
		return s
	}
	return s[:maxEffectText] + "…"
}

// ovumSummary names an ovum by wire and card tag, for log lines.
func ovumSummary(ovum noun.Noun) string {
	wire, card, ok := ovum.Uncell()
	if !ok {
		return clip(noun.String(ovum))
	}
	w := noun.String(wire)
	if segs, err := noun.FromPath(wire); err == nil {
		w = "/" + strings.Join(segs, "/")
	}
	tag, _, err := noun.Tagged(card)
	if err != nil {
		return w + " " + clip(noun.String(card))
	}
	return w + " %" + tag
}

// terminalText renders the terminal effects among ova ([wire [%blit
// blits]], PROTOCOL.md §6) as the lines they draw: %lin and %put text,
// %mor and %nel ending a line, %klr text without its styles. Other blits
// are left out; this is a log rendering, not the terminal driver.
func terminalText(ova []noun.Noun) []string {
	var lines []string
	var cur []rune
	drew := false
	for _, o := range ova {
		_, card, ok := o.Uncell()
		if !ok {
			continue
		}
		tag, blits, err := noun.Tagged(card)
		if err != nil || tag != "blit" {
			continue
		}
		items, err := noun.FromList(blits)
		if err != nil {
			continue
		}
		for _, b := range items {
			btag, arg, err := noun.Tagged(b)
			if err != nil {
				continue
			}
			switch btag {
			case "lin":
				cur, drew = appendChars(nil, arg), true
			case "put":
				cur, drew = appendChars(cur, arg), true
			case "klr":
				cur, drew = appendStub(cur, arg), true
			case "mor", "nel":
				lines, cur, drew = append(lines, string(cur)), nil, false
			}
		}
	}
	if drew {
		lines = append(lines, string(cur))
	}
	return lines
}

// appendChars appends a (list @c) to line; a malformed list adds nothing.
func appendChars(line []rune, list noun.Noun) []rune {
	cs, err := noun.FromList(list)
	if err != nil {
		return line
	}
	for _, c := range cs {
		if v, ok := c.Word(); ok && v <= 0x10ffff {
			line = append(line, rune(v))
		} else {
			line = append(line, '\uFFFD')
		}
	}
	return line
}

// appendStub appends the text of a stub, a (list [stye (list @c)]).
func appendStub(line []rune, stub noun.Noun) []rune {
	parts, err := noun.FromList(stub)
	if err != nil {
		return line
	}
	for _, p := range parts {
		if _, text, ok := p.Uncell(); ok {
			line = appendChars(line, text)
		}
	}
	return line
}
