package king

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// helperT is what the splice helpers need of a *testing.T or *rapid.T.
type helperT interface {
	require.TestingT
	Helper()
}

// splicePlay splices jams into a %play writ of event eve and cues it.
func splicePlay(t helperT, eve uint64, jams ...[]byte) noun.Noun {
	t.Helper()
	var sp writSplicer
	sp.begin(eve)
	for _, j := range jams {
		require.NoError(t, sp.add(j))
	}
	require.Equal(t, len(jams), sp.len())
	n, err := noun.Cue(sp.finish())
	require.NoError(t, err)
	return n
}

// requirePlay checks that writ is [%play eve events].
func requirePlay(t helperT, writ noun.Noun, eve uint64, events []noun.Noun) {
	t.Helper()
	want := ipc.Play{Eve: eve, Events: events}.Noun()
	require.True(t, noun.Equal(want, writ), "got %s\nwant %s", writ, want)
}

// TestSpliceVectors splices the jam vectors of PROTOCOL.md §1.2, which
// cover atoms, cells and backrefs to both, one by one and all together.
func TestSpliceVectors(t *testing.T) {
	vectors := []string{
		"02", "0c", "48", "c0370b9ba303", "29", "3103", "3112", "21d1",
		"01df2c6c8e0e7cb33a3636", "71cc", "714834", "01df2c6c8e1ef0cdead8d893",
		"c54834", "c5c82627 01", "a53519f31805", "15 17 b2 d0 85 59 b8 61 87 5f 10 54 55 05",
		"00 02 00 00 00 00 00 00 18 50 57 c1 de 5b 1a 00 00 00 01",
		"01 f8 0c 13 1b 23 2b 33 53 43 4b 53 5b 63 6b 73 7b 83 8b 93 9b a3 ab b3 bb c3 cb d3 87 0c 3d 09",
	}
	var jams [][]byte
	var nouns []noun.Noun
	for _, v := range vectors {
		b, err := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
		require.NoError(t, err)
		n, err := noun.Cue(b)
		require.NoError(t, err)
		requirePlay(t, splicePlay(t, 7, b), 7, []noun.Noun{n})
		jams, nouns = append(jams, b), append(nouns, n)
	}
	requirePlay(t, splicePlay(t, 1<<40, jams...), 1<<40, nouns)
}

// TestSpliceEmptyBatch is [%play eve ~].
func TestSpliceEmptyBatch(t *testing.T) {
	requirePlay(t, splicePlay(t, 3), 3, nil)
}

// TestSpliceBadJamAddsNothing: a jam that does not cue is the error Cue
// gives, and the writ goes on as if it had not been added.
func TestSpliceBadJamAddsNothing(t *testing.T) {
	good := []noun.Noun{noun.T(noun.Atom(1), noun.Cord("abc"), noun.Atom(1<<62)), noun.Cord("x")}
	tests := []struct {
		name string
		jam  []byte
		want error
	}{
		{"empty", nil, noun.ErrCueEmpty},
		{"truncated cell", []byte{0x01}, noun.ErrCueTruncated},
		{"backref to nothing", []byte{0x0f}, noun.ErrCueBackref},
		{"backref to enclosing cell", []byte{0x1d, 0x00}, noun.ErrCueBackref},
		{"length prefix", make([]byte, 9), noun.ErrCueLengthPrefix},
		{"atom too long", []byte{0x40, 0x00}, noun.ErrCueAtomLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cueErr := noun.Cue(tt.jam)
			require.ErrorIs(t, cueErr, tt.want, "the vector itself")
			var sp writSplicer
			sp.begin(9)
			require.NoError(t, sp.add(noun.Jam(good[0])))
			err := sp.add(tt.jam)
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, cueErr.Error(), err.Error())
			require.NoError(t, sp.add(noun.Jam(good[1])))
			n, err := noun.Cue(sp.finish())
			require.NoError(t, err)
			requirePlay(t, n, 9, good)
		})
	}
}

// genNoun draws nouns with shared subtrees (so jams hold backrefs to
// atoms and cells) and atoms from 0 to a few hundred bits.
func genNoun() *rapid.Generator[noun.Noun] {
	atom := rapid.OneOf(
		rapid.Map(rapid.Uint64Range(0, 20), noun.Atom),
		rapid.Map(rapid.Uint64(), noun.Atom),
		rapid.Map(rapid.SliceOfN(rapid.Byte(), 9, 40), noun.AtomBytes),
	)
	return rapid.Custom(func(t *rapid.T) noun.Noun {
		pool := []noun.Noun{atom.Draw(t, "atom")}
		steps := rapid.IntRange(0, 40).Draw(t, "steps")
		for range steps {
			if rapid.Bool().Draw(t, "leaf") {
				pool = append(pool, atom.Draw(t, "atom"))
				continue
			}
			h := pool[rapid.IntRange(0, len(pool)-1).Draw(t, "head")]
			tl := pool[rapid.IntRange(0, len(pool)-1).Draw(t, "tail")]
			pool = append(pool, noun.Cell(h, tl))
		}
		return pool[len(pool)-1]
	})
}

// TestSpliceProperty: splicing the jams of any events gives a writ that
// cues to [%play eve events].
func TestSpliceProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.SliceOfN(genNoun(), 0, 8).Draw(t, "events")
		eve := rapid.Uint64().Draw(t, "eve")
		jams := make([][]byte, len(events))
		for i, e := range events {
			jams[i] = noun.Jam(e)
		}
		requirePlay(t, splicePlay(t, eve, jams...), eve, events)
	})
}

// FuzzSpliceAgreesWithCue holds the splicer's checks to noun.Cue's: any
// input is accepted by both or refused by both with the same error, and
// an accepted one is copied as the noun Cue gives.
func FuzzSpliceAgreesWithCue(f *testing.F) {
	for _, s := range []string{"", "02", "0c", "29", "c5c8262701", "a53519f31805", "0f", "1d00", "4000",
		"01f80c131b232b3353434b535b636b737b838b939ba3abb3bbc3cbd3870c3d09"} {
		b, _ := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		f.Add(b)
	}
	f.Add(noun.Jam(noun.T(noun.Cord("ping"), noun.Cell(noun.Cord("ping"), noun.Atom(1<<63)), noun.Cord("ping"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		want, cueErr := noun.Cue(b)
		var sp writSplicer
		sp.begin(1)
		err := sp.add(b)
		if cueErr != nil {
			require.Error(t, err, "Cue refuses it: %v", cueErr)
			var ce *noun.CueError
			require.True(t, errors.As(err, &ce))
			require.Equal(t, cueErr.Error(), err.Error())
			return
		}
		require.NoError(t, err)
		n, err := noun.Cue(sp.finish())
		require.NoError(t, err)
		requirePlay(t, n, 1, []noun.Noun{want})
	})
}

// TestSpliceWorkProperty: the %work writ spliced from a job's jam cues to
// [%work mil job], for any job and mil, one writ after another with the
// same splicer; a jam that does not cue is the error Cue gives.
func TestSpliceWorkProperty(t *testing.T) {
	var sp writSplicer
	rapid.Check(t, func(t *rapid.T) {
		job := genNoun().Draw(t, "job")
		mil := rapid.OneOf(rapid.Just(uint64(0)), rapid.Uint64()).Draw(t, "mil")
		b, err := sp.work(mil, noun.Jam(job))
		require.NoError(t, err)
		n, err := noun.Cue(b)
		require.NoError(t, err)
		want := ipc.Work{Mil: mil, Job: job}.Noun()
		require.True(t, noun.Equal(want, n), "got %s\nwant %s", n, want)
	})
	_, err := sp.work(0, []byte{0x0f})
	require.ErrorIs(t, err, noun.ErrCueBackref)
	_, err = sp.work(0, nil)
	require.ErrorIs(t, err, noun.ErrCueEmpty)
}
