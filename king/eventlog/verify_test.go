package eventlog

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

// damageCase describes a log of events 1..n with some damage applied.
type damageCase struct {
	name   string
	n      uint64
	damage func(t *testing.T, l *Log)
	// verify: the first problem Verify must report.
	verify error
	// repair: the TailCut RepairTail must produce (its Cause compared with
	// verify), or nil when it must refuse with a *MiddleDamageError.
	repair *TailCut
}

func corruptValue(n uint64) func(t *testing.T, l *Log) {
	return func(t *testing.T, l *Log) { rawPut(t, l, key(n), append([]byte{1, 2, 3, 4}, badJam...)) }
}

func shortValue(n uint64) func(t *testing.T, l *Log) {
	return func(t *testing.T, l *Log) { rawPut(t, l, key(n), []byte{9, 9}) }
}

func deleted(n uint64) func(t *testing.T, l *Log) {
	return func(t *testing.T, l *Log) { rawDelete(t, l, n) }
}

func all(fs ...func(t *testing.T, l *Log)) func(t *testing.T, l *Log) {
	return func(t *testing.T, l *Log) {
		for _, f := range fs {
			f(t, l)
		}
	}
}

var damageCases = []damageCase{
	{name: "sound", n: 10, damage: func(*testing.T, *Log) {}, verify: nil, repair: &TailCut{Last: 10}},
	{name: "empty", n: 0, damage: func(*testing.T, *Log) {}, verify: nil, repair: &TailCut{Last: 0}},
	{name: "last does not cue", n: 10, damage: corruptValue(10),
		verify: &CorruptEventError{Num: 10}, repair: &TailCut{Last: 9, Removed: 1, From: 10, To: 10}},
	{name: "last three damaged", n: 10, damage: all(corruptValue(8), shortValue(9), corruptValue(10)),
		verify: &CorruptEventError{Num: 8}, repair: &TailCut{Last: 7, Removed: 3, From: 8, To: 10}},
	{name: "damaged tail with a gap", n: 10, damage: all(corruptValue(8), deleted(9), corruptValue(10)),
		verify: &CorruptEventError{Num: 8}, repair: &TailCut{Last: 7, Removed: 2, From: 8, To: 10}},
	{name: "middle does not cue", n: 10, damage: corruptValue(4),
		verify: &CorruptEventError{Num: 4}, repair: nil},
	{name: "gap in the middle", n: 10, damage: deleted(4),
		verify: &GapError{After: 3, Next: 5}, repair: nil},
	{name: "does not start at 1", n: 10, damage: deleted(1),
		verify: &GapError{After: 0, Next: 2}, repair: nil},
	{name: "first event short", n: 3, damage: shortValue(1),
		verify: &CorruptEventError{Num: 1}, repair: nil},
	{name: "every event damaged", n: 3, damage: all(shortValue(1), corruptValue(2), corruptValue(3)),
		verify: &CorruptEventError{Num: 1}, repair: &TailCut{Last: 0, Removed: 3, From: 1, To: 3}},
	{name: "trailing malformed key", n: 5, damage: func(t *testing.T, l *Log) {
		rawPut(t, l, append(key(5), 7), testEvent(6).Jam)
	}, verify: &CorruptEventError{Num: 6}, repair: &TailCut{Last: 5, Removed: 1}},
}

// sameProblem compares the type and event numbers of two problems.
func sameProblem(t *testing.T, want, got error) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		require.NoError(t, got)
	case *GapError:
		var g *GapError
		require.ErrorAs(t, got, &g)
		require.Equal(t, *w, *g)
	case *CorruptEventError:
		var g *CorruptEventError
		require.ErrorAs(t, got, &g)
		require.Equal(t, w.Num, g.Num)
		require.Error(t, g.Err)
	default:
		t.Fatalf("unexpected want %T", want)
	}
}

func TestVerifyAndRepairTail(t *testing.T) {
	for _, tc := range damageCases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLog(t, Options{})
			if tc.n > 0 {
				appendN(t, l, tc.n)
			}
			tc.damage(t, l)
			var calls []Progress
			err := l.Verify(context.Background(), func(p Progress) { calls = append(calls, p) })
			sameProblem(t, tc.verify, err)
			require.NotEmpty(t, calls, "progress is reported")

			cut, err := l.RepairTail(context.Background(), nil)
			if tc.repair == nil {
				var md *MiddleDamageError
				require.ErrorAs(t, err, &md)
				sameProblem(t, tc.verify, md.Problem)
				require.Contains(t, err.Error(), "middle")
				// Nothing was changed.
				sameProblem(t, tc.verify, l.Verify(context.Background(), nil))
				return
			}
			require.NoError(t, err)
			sameProblem(t, tc.verify, cut.Cause)
			cut.Cause = nil
			require.Equal(t, *tc.repair, cut)
			require.NoError(t, l.Verify(context.Background(), nil))
			eve, _ := l.Last()
			require.Equal(t, tc.repair.Last, eve)
			// The repaired log continues where it was cut.
			require.NoError(t, l.Append(context.Background(), testEvents(eve+1, eve+1)))
		})
	}
}

func TestVerifyProgressAndCancel(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 2*chunkEvents+5)
	var calls []Progress
	require.NoError(t, l.Verify(context.Background(), func(p Progress) { calls = append(calls, p) }))
	require.Equal(t, []Progress{
		{Done: chunkEvents, Total: 2*chunkEvents + 5},
		{Done: 2 * chunkEvents, Total: 2*chunkEvents + 5},
		{Done: 2*chunkEvents + 5, Total: 2*chunkEvents + 5},
	}, calls)

	ctx, cancel := context.WithCancel(context.Background())
	err := l.Verify(ctx, func(Progress) { cancel() })
	require.ErrorIs(t, err, context.Canceled)
	_, err = l.RepairTail(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
}

// TestRepairTailRefusesChangedLog: an append between the scan and the cut
// would be lost, so RepairTail must notice it.
func TestRepairTailRefusesChangedLog(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 5)
	corruptValue(5)(t, l)
	appended := false
	_, err := l.RepairTail(context.Background(), func(Progress) {
		if !appended {
			appended = true
			require.NoError(t, l.Append(context.Background(), testEvents(6, 6)))
		}
	})
	require.True(t, errors.Is(err, ErrChanged) || errors.As(err, new(*MiddleDamageError)), "%v", err)
}

// TestRepairTailProperty builds logs from random sequences of good,
// undecodable and missing entries and checks RepairTail against the rule:
// refuse iff a valid event follows the first damage; otherwise cut back to
// the longest valid prefix, after which Verify passes.
func TestRepairTailProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		kinds := rapid.SliceOfN(rapid.SampledFrom([]string{"good", "good", "bad", "short", "missing"}), 0, 25).
			Draw(rt, "entries")
		l := newLog(t, Options{})
		defer func() { _ = l.Close() }()
		for i, kind := range kinds {
			n := uint64(i + 1)
			switch kind {
			case "good":
				rawPut(t, l, key(n), appendValue(nil, testEvent(n)))
			case "bad":
				rawPut(t, l, key(n), append([]byte{0, 0, 0, 0}, badJam...))
			case "short":
				rawPut(t, l, key(n), []byte{1})
			}
		}
		prefix, firstBad, goodAfter := 0, -1, false
		for i, kind := range kinds {
			switch {
			case firstBad < 0 && kind == "good":
				prefix = i + 1
			case firstBad < 0:
				firstBad = i
			case kind == "good":
				goodAfter = true
			}
		}
		// A trailing run of missing entries is not damage: it is simply
		// the end of the log.
		stored := 0
		for i, kind := range kinds {
			if kind != "missing" {
				stored = i + 1
			}
		}
		damaged := firstBad >= 0 && firstBad < stored
		cut, err := l.RepairTail(context.Background(), nil)
		if damaged && goodAfter {
			var md *MiddleDamageError
			require.ErrorAs(rt, err, &md)
			return
		}
		require.NoError(rt, err)
		require.Equal(rt, uint64(prefix), cut.Last)
		require.Equal(rt, damaged, cut.Cause != nil)
		require.NoError(rt, l.Verify(context.Background(), nil))
		got, err := l.Read(1, 100)
		require.NoError(rt, err)
		require.Len(rt, got, prefix)
	})
}

// TestVerifyReportsCueError: the cause of a non-cuing value is noun.Cue's
// own error, so an operator sees where decoding failed.
func TestVerifyReportsCueError(t *testing.T) {
	l := newLog(t, Options{})
	appendN(t, l, 3)
	corruptValue(2)(t, l)
	err := l.Verify(context.Background(), nil)
	var ce *noun.CueError
	require.ErrorAs(t, err, &ce)
	require.Contains(t, err.Error(), "event 2")
}
