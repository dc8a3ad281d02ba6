package ipc

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
)

// message is what writs and pleas have in common.
type message interface {
	Noun() noun.Noun
	String() string
}

// testingT is what both *testing.T and *rapid.T offer.
type testingT interface {
	require.TestingT
	Helper()
}

// requireSame checks that two messages are the same: the same type, equal
// encodings and equal descriptions. (Messages hold nouns, which == and
// reflect.DeepEqual compare by identity, not structure.)
func requireSame(t testingT, want, got message) {
	t.Helper()
	require.Equal(t, reflect.TypeOf(want), reflect.TypeOf(got))
	require.True(t, noun.Equal(want.Noun(), got.Noun()), "want %v, got %v", want.Noun(), got.Noun())
	require.Equal(t, want.String(), got.String())
}

func sampleTang() noun.Noun {
	leaf := noun.T(noun.Cord("leaf"), noun.Cord("bad thing"))
	return noun.T(leaf, leaf, noun.Zero)
}

func sampleJob(i uint64) noun.Noun {
	wire := noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero)
	return noun.T(noun.Atom(i), wire, noun.Cord("card"), noun.Atom(i))
}

func sampleWrits() []Writ {
	return []Writ{
		LiveCram{Eve: 42},
		LiveCram{Eve: ^uint64(0)},
		LiveExit{Code: 0},
		LiveExit{Code: 255},
		LiveSave{Eve: 1},
		LiveMeld{},
		LivePack{},
		Peek{Mil: 0, Sample: PeekOnce(LocalGang(), "x", "base", "count")},
		Peek{Mil: 1000, Sample: PeekPath(noun.Zero, "a", "b")},
		Play{Eve: 1, Events: []noun.Noun{noun.T(noun.Atom(2), noun.Zero, noun.Atom(3)), noun.Atom(7), sampleJob(3)}},
		Play{Eve: 9, Events: []noun.Noun{noun.Zero}},
		Peek{Mil: MaxMil, Sample: noun.Atom(5)},
		Work{Mil: 0, Job: sampleJob(1)},
		Work{Mil: MaxMil, Job: sampleJob(2)},
	}
}

func samplePleas() []Plea {
	exit := Goof{Mote: "exit", Tang: sampleTang()}
	crud := Goof{Mote: "crud", Tang: noun.Zero}
	effects := noun.T(noun.T(noun.Zero, noun.Cord("term"), noun.Cord("1"), noun.Zero), noun.Cord("blit"), noun.Zero)
	return []Plea{
		Ripe{Proto: 1, Hon: 141, Nock: 4},
		Ripe{Proto: 1, Hon: 141, Nock: 4, Eve: 5, Mug: 0x7d035270},
		Live{},
		Slog{Priority: 0, Tank: noun.T(noun.Cord("leaf"), noun.Cord("hi"))},
		Flog{Text: "hello, world"},
		Flog{Text: ""},
		PeekDone{Result: noun.Zero},
		PeekDone{Result: noun.T(noun.Zero, noun.Cord("noun"), noun.Atom(3))},
		PeekDone{Result: noun.T(noun.Atom(1), noun.Atom(5))},
		PeekBail{Goof: exit},
		PlayDone{Mug: 0xffffffff},
		PlayBail{Eve: 3, Mug: 1, Goof: Goof{Mote: "intr", Tang: noun.Zero}},
		PlayBail{Eve: 3, Mug: 1, Goof: Goof{Tang: sampleTang()}, TangOnly: true},
		PlayBail{Eve: 3, Mug: 1, Goof: Goof{Tang: noun.Zero}, TangOnly: true},
		WorkDone{Eve: 2, Mug: 0x798b06ca, Effects: noun.T(effects, noun.Zero)},
		WorkDone{Eve: ^uint64(0), Mug: 0, Effects: noun.Zero},
		WorkSwap{Eve: 4, Mug: 9, Job: sampleJob(4), Effects: noun.Zero},
		WorkBail{Goofs: []Goof{crud, exit}},
		WorkBail{Goofs: []Goof{}},
	}
}

func TestWritRoundTrip(t *testing.T) {
	for _, m := range sampleWrits() {
		t.Run(m.String(), func(t *testing.T) {
			got, err := DecodeWrit(m.Noun())
			require.NoError(t, err)
			requireSame(t, m, got)

			cued, err := noun.Cue(noun.Jam(m.Noun()))
			require.NoError(t, err)
			got, err = DecodeWrit(cued)
			require.NoError(t, err)
			requireSame(t, m, got)

			for _, f := range []Framing{Legacy, Newt} {
				var buf bytes.Buffer
				require.NoError(t, NewWriter(&buf, f).WriteWrit(m))
				got, err := NewReader(&buf, WithFraming(f)).ReadWrit()
				require.NoError(t, err)
				requireSame(t, m, got)
			}
		})
	}
}

func TestPleaRoundTrip(t *testing.T) {
	for _, m := range samplePleas() {
		t.Run(m.String(), func(t *testing.T) {
			got, err := DecodePlea(m.Noun())
			require.NoError(t, err)
			requireSame(t, m, got)

			cued, err := noun.Cue(noun.Jam(m.Noun()))
			require.NoError(t, err)
			got, err = DecodePlea(cued)
			require.NoError(t, err)
			requireSame(t, m, got)

			for _, f := range []Framing{Legacy, Newt} {
				var buf bytes.Buffer
				require.NoError(t, NewWriter(&buf, f).WritePlea(m))
				got, err := NewReader(&buf).ReadPlea()
				require.NoError(t, err)
				requireSame(t, m, got)
			}
		})
	}
}

// TestMessageNouns pins the encoding of each message type to its text form
// in PROTOCOL.md §3.
func TestMessageNouns(t *testing.T) {
	tests := []struct {
		m    message
		want string
	}{
		{LiveCram{Eve: 7}, "[%live %cram 7]"},
		{LiveExit{Code: 3}, "[%live %exit 3]"},
		{LiveSave{Eve: 7}, "[%live %save 7]"},
		{LiveMeld{}, "[%live %meld ~]"},
		{LivePack{}, "[%live %pack ~]"},
		{Peek{Mil: 5, Sample: noun.T(noun.Zero, noun.Zero, noun.Zero)}, "[%peek 5 ~ ~ ~]"},
		{Play{Eve: 1, Events: []noun.Noun{noun.Atom(1), noun.Atom(2)}}, "[%play 1 1 2 ~]"},
		{Play{Eve: 1}, "[%play 1 ~]"},
		{Work{Mil: 0, Job: noun.T(noun.Atom(1), noun.Atom(2))}, "[%work 0 1 2]"},
		{Ripe{Proto: 1, Hon: 141, Nock: 4, Eve: 2, Mug: 3}, "[%ripe [1 141 4] 2 3]"},
		{Live{}, "[%live ~]"},
		{Slog{Priority: 1, Tank: noun.Cord("t")}, "[%slog 1 't']"},
		{Flog{Text: "hi"}, "[%flog 'hi']"},
		{PeekDone{Result: noun.Zero}, "[%peek %done ~]"},
		{PeekBail{Goof: Goof{Mote: "exit"}}, "[%peek %bail %exit ~]"},
		{PlayDone{Mug: 9}, "[%play %done 9]"},
		{PlayBail{Eve: 1, Mug: 2, Goof: Goof{Mote: "exit"}}, "[%play %bail 1 2 %exit ~]"},
		{PlayBail{Eve: 1, Mug: 2, TangOnly: true}, "[%play %bail 1 2 ~]"},
		{PlayBail{Eve: 1, Mug: 2, Goof: Goof{Tang: noun.T(noun.T(noun.Cord("leaf"), noun.Cord("x")), noun.Zero)}, TangOnly: true},
			"[%play %bail 1 2 [%leaf 'x'] ~]"},
		{WorkDone{Eve: 1, Mug: 2}, "[%work %done 1 2 ~]"},
		{WorkSwap{Eve: 1, Mug: 2, Job: noun.T(noun.Atom(3), noun.Atom(4))}, "[%work %swap 1 2 [3 4] ~]"},
		{WorkBail{Goofs: []Goof{{Mote: "crud"}, {Mote: "exit"}}}, "[%work %bail [%crud ~] [%exit ~] ~]"},
	}
	for _, tc := range tests {
		want := kingtest.MustParse(t, tc.want)
		require.True(t, noun.Equal(want, tc.m.Noun()), "%s: got %v, want %s", tc.m, tc.m.Noun(), tc.want)
	}
}

func TestMessageStrings(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 200))
	tests := []struct {
		m    message
		want string
	}{
		{LiveCram{Eve: 7}, "live.cram eve=7"},
		{LiveExit{Code: 3}, "live.exit code=3"},
		{LiveSave{Eve: 7}, "live.save eve=7"},
		{LiveMeld{}, "live.meld"},
		{LivePack{}, "live.pack"},
		{Peek{Mil: 5}, "peek mil=5"},
		{Play{Eve: 1, Events: make([]noun.Noun, 3)}, "play eve=1 events=3"},
		{Work{Mil: 10}, "work mil=10"},
		{Ripe{Proto: 1, Hon: 141, Nock: 4, Eve: 2, Mug: 0x7d035270}, "ripe pro=1 hon=141 nok=4 eve=2 mug=0x7d035270"},
		{Live{}, "live"},
		{Slog{Priority: 2, Tank: noun.AtomBytes(make([]byte, 1<<16))}, "slog pri=2"},
		{Flog{Text: "hi\n"}, `flog "hi\n"`},
		{Flog{Text: long}, `flog "` + long[:80] + `…"`},
		{PeekDone{}, "peek.done ~"},
		{PeekDone{Result: noun.Atom(5)}, "peek.done (not a unit cask)"},
		{PeekDone{Result: noun.T(noun.Zero, noun.Cord("noun"), noun.Atom(3))}, "peek.done %noun"},
		{PeekBail{Goof: Goof{Mote: "exit"}}, "peek.bail %exit"},
		{PlayDone{Mug: 9}, "play.done mug=0x00000009"},
		{PlayBail{Eve: 1, Mug: 2, Goof: Goof{Mote: "intr"}}, "play.bail eve=1 mug=0x00000002 %intr"},
		{WorkDone{Eve: 1, Mug: 2}, "work.done eve=1 mug=0x00000002"},
		{WorkSwap{Eve: 1, Mug: 0xabcdef01}, "work.swap eve=1 mug=0xabcdef01"},
		{WorkBail{Goofs: []Goof{{Mote: "crud"}, {Mote: "Odd mote"}}}, `work.bail %crud "Odd mote"`},
		{WorkBail{Goofs: make([]Goof, 6)}, `work.bail "" "" "" "" …`},
		{Goof{Mote: "meme"}, "%meme"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, tc.m.String())
	}
}

func TestPeekCask(t *testing.T) {
	mark, data, ok := PeekDone{Result: kingtest.MustParse(t, "[~ %noun 3]")}.Cask()
	require.True(t, ok)
	require.Equal(t, "noun", mark)
	require.True(t, noun.Equal(noun.Atom(3), data))

	for _, bad := range []string{"~", "5", "[1 %noun 3]", "[~ 5]", "[~ [1 2] 3]"} {
		_, _, ok := PeekDone{Result: kingtest.MustParse(t, bad)}.Cask()
		require.False(t, ok, bad)
	}
}

// TestKernelExample checks the messages of the worked kernel example in
// vectors.json: the peek sample built by PeekOnce, the peek result, and
// every event's job and effects.
func TestKernelExample(t *testing.T) {
	v := loadVectors(t)
	k := v.Kernel
	require.NotEmpty(t, k.PeekSample)
	require.True(t, noun.Equal(kingtest.MustParse(t, k.PeekSample), PeekOnce(LocalGang(), "x", "base", "count")))

	p, err := DecodePlea(noun.T(noun.Cord("peek"), noun.Cord("done"), kingtest.MustParse(t, k.PeekResult)))
	require.NoError(t, err)
	mark, data, ok := p.(PeekDone).Cask()
	require.True(t, ok)
	require.Equal(t, "noun", mark)
	require.True(t, noun.Equal(noun.Atom(3), data))

	require.NotEmpty(t, k.Events)
	for _, ev := range k.Events {
		job := kingtest.MustParse(t, ev.Job)
		w, err := DecodeWrit(Work{Job: job}.Noun())
		require.NoError(t, err)
		require.True(t, noun.Equal(job, w.(Work).Job))

		mug := kingtest.MustParse(t, ev.MugAfter)
		done := noun.T(noun.Cord("work"), noun.Cord("done"), noun.Atom(ev.EventNumber), mug, kingtest.MustParse(t, ev.Effects))
		p, err := DecodePlea(done)
		require.NoError(t, err)
		wd := p.(WorkDone)
		require.Equal(t, ev.EventNumber, wd.Eve)
		m, _ := mug.Word()
		require.Equal(t, uint32(m), wd.Mug)
	}
}

func TestDecodeGoof(t *testing.T) {
	g, err := DecodeGoof(kingtest.MustParse(t, "[%exit [%leaf 'x'] ~]"))
	require.NoError(t, err)
	require.Equal(t, "exit", g.Mote)
	_, err = DecodeGoof(noun.Atom(5))
	require.EqualError(t, err, "ipc: decode goof mote: want cell [mote tang], got atom 5")
	_, err = DecodeGoof(kingtest.MustParse(t, "[%exit 5]"))
	require.EqualError(t, err, "ipc: decode goof tang: want null-terminated list, got list ending in atom 5")
}
