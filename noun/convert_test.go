package noun

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// mustParse parses s or fails the test.
func mustParse(t *testing.T, s string) Noun {
	t.Helper()
	n, err := Parse(s)
	require.NoError(t, err, s)
	return n
}

// requireDecodeError checks that err is a *DecodeError with this path and
// message.
func requireDecodeError(t *testing.T, err error, path, msg string) {
	t.Helper()
	require.ErrorIs(t, err, ErrDecode)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	require.Equal(t, path, de.Path)
	require.EqualError(t, err, msg)
}

func TestLoob(t *testing.T) {
	for _, b := range []bool{true, false} {
		got, err := FromLoob(Loob(b))
		require.NoError(t, err)
		require.Equal(t, b, got)
	}
	_, err := FromLoob(Atom(2))
	requireDecodeError(t, err, "", "noun: want loobean (& or |), got atom 2")
	_, err = FromLoob(T(Zero, Zero))
	requireDecodeError(t, err, "", "noun: want loobean (& or |), got cell [0 0]")
}

func TestUnit(t *testing.T) {
	v, ok, err := FromUnit(Zero)
	require.NoError(t, err)
	require.False(t, ok)
	require.True(t, v.IsZero())

	v, ok, err = FromUnit(Some(Cord("x")))
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, Equal(Cord("x"), v))
	require.True(t, Equal(Unit(One, true), Some(One)))
	require.True(t, Unit(One, false).IsZero())

	_, _, err = FromUnit(T(One, One))
	requireDecodeError(t, err, "", "noun: want unit (~ or [~ value]), got cell [1 1]")
	_, _, err = FromUnit(Atom(7))
	require.ErrorIs(t, err, ErrDecode)
}

func TestLists(t *testing.T) {
	items := []Noun{One, Cord("ab"), T(One, One)}
	l := List(items...)
	require.Equal(t, "[1 %ab [1 1] 0]", String(l))
	got, err := FromList(l)
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i := range items {
		require.True(t, Equal(items[i], got[i]))
	}
	empty, err := FromList(Zero)
	require.NoError(t, err)
	require.Empty(t, empty)
	require.True(t, List().IsZero())

	_, err = FromList(mustParse(t, "[1 2 7]"))
	requireDecodeError(t, err, "[2]", "noun: [2]: want list (a cell or ~), got atom 7")

	f, err := Flop(l)
	require.NoError(t, err)
	require.Equal(t, "[[1 1] %ab 1 0]", String(f))
	_, err = Flop(mustParse(t, "[1 2]"))
	requireDecodeError(t, err, "[1]", "noun: [1]: want list (a cell or ~), got atom 2")
}

func TestListDeep(t *testing.T) {
	ns := make([]Noun, 1000000)
	for i := range ns {
		ns[i] = Atom(uint64(i))
	}
	got, err := FromList(List(ns...))
	require.NoError(t, err)
	require.Len(t, got, len(ns))
	require.Equal(t, uint64(999999), mustWord(got[len(got)-1].Word()))
}

func mustWord(v uint64, ok bool) uint64 {
	if !ok {
		panic("not a word")
	}
	return v
}

func TestCordsAndTerms(t *testing.T) {
	s, err := FromCord(Cord("hello"))
	require.NoError(t, err)
	require.Equal(t, "hello", s)
	s, err = FromCord(Zero)
	require.NoError(t, err)
	require.Equal(t, "", s)
	_, err = FromCord(T(One, One))
	requireDecodeError(t, err, "", "noun: want cord (an atom), got cell [1 1]")

	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"a", true}, {"live", true}, {"k141", true}, {"a-b-", true},
		{"", false}, {"1a", false}, {"-a", false}, {"Ab", false}, {"a b", false}, {"a_b", false},
	} {
		require.Equal(t, tt.ok, IsTerm(tt.s), tt.s)
		n, err := Term(tt.s)
		if !tt.ok {
			require.ErrorIs(t, err, ErrBadTerm)
			continue
		}
		require.NoError(t, err)
		require.True(t, Equal(Cord(tt.s), n))
		back, err := FromTerm(n)
		require.NoError(t, err)
		require.Equal(t, tt.s, back)
	}
	_, err = FromTerm(Atom(42))
	requireDecodeError(t, err, "", "noun: want term, got atom 42")
	_, err = FromTerm(Zero)
	require.ErrorIs(t, err, ErrDecode)
}

func TestTapesAndPaths(t *testing.T) {
	tape := Tape("hi!")
	require.Equal(t, "[104 105 33 0]", String(tape))
	s, err := FromTape(tape)
	require.NoError(t, err)
	require.Equal(t, "hi!", s)
	_, err = FromTape(mustParse(t, "[104 256 0]"))
	requireDecodeError(t, err, "[1]", "noun: [1]: want byte (an atom below 256), got atom 256")
	_, err = FromTape(mustParse(t, "[104 5]"))
	requireDecodeError(t, err, "[1]", "noun: [1]: want tape (a cell or ~), got atom 5")

	p := Path("d", "term", "1")
	require.Equal(t, "[100 %term 49 0]", String(p))
	segs, err := FromPath(p)
	require.NoError(t, err)
	require.Equal(t, []string{"d", "term", "1"}, segs)
	_, err = FromPath(mustParse(t, "[%a [1 2] 0]"))
	requireDecodeError(t, err, "[1]", "noun: [1]: want cord (an atom), got cell [1 2]")
	_, err = FromPath(mustParse(t, "[%a 9]"))
	require.ErrorIs(t, err, ErrDecode)
}

func TestPropertyListTapePath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		got, err := FromTape(Tape(s))
		if err != nil || got != s {
			t.Fatalf("tape round trip of %q: %q, %v", s, got, err)
		}
		segs := rapid.SliceOf(rapid.StringMatching(`[a-z0-9.~-]{1,8}`)).Draw(t, "segs")
		back, err := FromPath(Path(segs...))
		if err != nil || len(back) != len(segs) {
			t.Fatalf("path round trip of %q: %q, %v", segs, back, err)
		}
		for i := range segs {
			if segs[i] != back[i] {
				t.Fatalf("path round trip of %q: %q", segs, back)
			}
		}
	})
}

func TestTagged(t *testing.T) {
	tag, rest, err := Tagged(mustParse(t, "[%live %save 42]"))
	require.NoError(t, err)
	require.Equal(t, "live", tag)
	require.Equal(t, "[%save 42]", String(rest))

	_, _, err = Tagged(Atom(5))
	requireDecodeError(t, err, "", "noun: want tagged cell [%tag ...], got atom 5")
	_, _, err = Tagged(mustParse(t, "[5 6]"))
	requireDecodeError(t, err, "tag", "noun: tag: want term, got atom 5")
}

func TestDecodeErrorDescribesBigNouns(t *testing.T) {
	err := &DecodeError{Path: "x", Want: "atom", Got: List(make([]Noun, 1000)...)}
	require.Less(t, len(err.Error()), 100)
	err = &DecodeError{Path: "x", Want: "cell", Got: AtomBytes(make([]byte, 1000))}
	require.Contains(t, err.Error(), "got atom 0") // high zero bytes vanish
	b := make([]byte, 1000)
	b[999] = 1
	err = &DecodeError{Path: "x", Want: "cell", Got: AtomBytes(b)}
	require.EqualError(t, err, "noun: x: want cell, got atom of 7993 bits")
}

func TestReaderDecodesPleas(t *testing.T) {
	now := time.Date(2021, 1, 1, 0, 0, 0, 500000000, time.UTC)
	plea := T(Cord("work"), Cord("done"), Atom(7), Atom(0x3a811aec),
		List(T(Path("d", "term", "1"), Cord("blit"), Zero)))
	r := NewReader(plea, "plea")
	require.Equal(t, "work", r.Tag())
	require.Equal(t, "done", r.Tag())
	require.Equal(t, "plea.work.done", r.Where())
	require.Equal(t, uint64(7), r.Uint64("eve"))
	require.Equal(t, uint32(0x3a811aec), r.Uint32("mug"))
	fx := r.Last().List("effects")
	require.NoError(t, r.Err())
	require.Len(t, fx, 1)

	// Every field kind, in one tuple, with a nested tuple read by Sub.
	all := T(Zero, One, Cord("term"), Cord("any text"), Da(now), Some(Atom(3)), Zero,
		Tape("tp"), Path("a", "b"), T(Atom(1), Atom(2)), Atom(5), T(One, One), Cord("rest"), Atom(9))
	r = NewReader(all, "all")
	r.Null("null")
	require.False(t, r.Loob("loob"))
	require.Equal(t, "term", r.Term("term"))
	require.Equal(t, "any text", r.Cord("cord"))
	require.True(t, now.Equal(r.Da("now")))
	v, ok := r.Unit("unit")
	require.True(t, ok)
	require.True(t, Equal(Atom(3), v))
	_, ok = r.Unit("none")
	require.False(t, ok)
	require.Equal(t, "tp", r.Tape("tape"))
	require.Equal(t, []string{"a", "b"}, r.Path("path"))
	sub := r.Sub("pair")
	require.Equal(t, uint64(1), sub.Uint64("p"))
	require.Equal(t, uint64(2), sub.Last().Uint64("q"))
	require.True(t, Equal(Atom(5), r.Atom("atom")))
	require.True(t, Equal(T(One, One), r.Cell("cell")))
	require.True(t, Equal(Cord("rest"), r.Noun("noun")))
	require.True(t, Equal(Atom(9), r.Rest("rest")))
	require.NoError(t, r.Err())
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		noun string
		read func(r *Reader)
		path string
		msg  string
	}{
		{"atom wanted", "[%work %done [1 2] 0]", func(r *Reader) { r.Tag(); r.Tag(); r.Uint64("eve") },
			"plea.work.done.eve", "noun: plea.work.done.eve: want atom below 2^64, got cell [1 2]"},
		{"tuple too short", "[%live %save 42]", func(r *Reader) { r.Tag(); r.Tag(); r.Uint64("eve") },
			"plea.live.save.eve", "noun: plea.live.save.eve: want a cell (more fields), got atom 42"},
		{"bad tag", "[5 6]", func(r *Reader) { r.Tag() },
			"plea.tag", "noun: plea.tag: want term, got atom 5"},
		{"list inside", "[%work [1 2 3]]", func(r *Reader) { r.Tag(); r.Last().List("effects") },
			"plea.work.effects[2]", "noun: plea.work.effects[2]: want list (a cell or ~), got atom 3"},
		{"sub reader", "[%ripe [1 [2 3] 4] 0 0]", func(r *Reader) {
			r.Tag()
			s := r.Sub("version")
			s.Uint64("pro")
			s.Uint64("hon")
		}, "plea.ripe.version.hon", "noun: plea.ripe.version.hon: want atom below 2^64, got cell [2 3]"},
		{"uint32 range", "[%play %done 4294967296]", func(r *Reader) { r.Tag(); r.Tag(); r.Last().Uint32("mug") },
			"plea.play.done.mug", "noun: plea.play.done.mug: want atom below 2^32, got atom 4.294.967.296"},
		{"null", "[%live 1]", func(r *Reader) { r.Tag(); r.Last().Null("") },
			"plea.live", "noun: plea.live: want ~, got atom 1"},
		{"fail", "[%what 1]", func(r *Reader) { r.Fail("tag", "known tag", Cord("what")) },
			"plea.tag", "noun: plea.tag: want known tag, got atom %what"},
		{"first error wins", "[1 2]", func(r *Reader) { r.Term("a"); r.Cell("b"); r.Fail("c", "x", Zero) },
			"plea.a", "noun: plea.a: want term, got atom 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(mustParse(t, tt.noun), "plea")
			tt.read(r)
			requireDecodeError(t, r.Err(), tt.path, tt.msg)
		})
	}
}

func TestReaderZeroValuesAfterError(t *testing.T) {
	r := NewReader(Atom(1), "x")
	require.Equal(t, uint64(0), r.Uint64("a"))
	require.Equal(t, "", r.Term("b"))
	require.Equal(t, "", r.Tag())
	require.Nil(t, r.List("c"))
	require.True(t, r.Noun("d").IsZero())
	require.True(t, errors.Is(r.Err(), ErrDecode))
}

func ExampleNewReader() {
	plea, _ := Parse("[%work %done 7 0x3a81.1aec ~]")
	r := NewReader(plea, "plea")
	if r.Tag() == "work" && r.Tag() == "done" {
		eve := r.Uint64("eve")
		mug := r.Uint32("mug")
		effects := r.Last().List("effects")
		fmt.Println(eve, mug, len(effects), r.Err())
	}

	bad, _ := Parse("[%work %done [1 2] 0 ~]")
	r = NewReader(bad, "plea")
	r.Tag()
	r.Tag()
	r.Uint64("eve")
	fmt.Println(r.Err())
	// Output:
	// 7 981539564 0 <nil>
	// noun: plea.work.done.eve: want atom below 2^64, got cell [1 2]
}
