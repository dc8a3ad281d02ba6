package pier

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// testPill builds a %pill noun: [%pill %test formulas kernel user].
func testPill(formulas, kernel, user []noun.Noun) noun.Noun {
	return noun.T(noun.Cord("pill"), noun.Cord("test"), noun.List(formulas...), noun.List(kernel...),
		noun.List(user...))
}

func TestLoadPillBareList(t *testing.T) {
	p := loadPill(t, "counter")
	require.True(t, p.Bare)
	require.Len(t, p.Formulas, 1)
	events, life, err := p.Sequence(BootParams{})
	require.NoError(t, err)
	require.Equal(t, uint64(1), life)
	require.Len(t, events, 1)
	require.True(t, noun.Equal(p.Formulas[0], events[0]))
}

func TestLoadPillTagged(t *testing.T) {
	f1 := noun.T(noun.Atom(1), noun.Zero)
	f2 := noun.T(noun.Atom(0), noun.Atom(3))
	kova := noun.T(noun.Path("k"), noun.Cord("veer"), noun.Zero)
	uova := noun.T(noun.Path("u"), noun.Cord("park"), noun.Zero)
	b := noun.Jam(testPill([]noun.Noun{f1, f2}, []noun.Noun{kova}, []noun.Noun{uova}))
	p, err := LoadPill(b)
	require.NoError(t, err)
	require.False(t, p.Bare)
	require.Equal(t, "test", p.Name)
	require.Len(t, p.Formulas, 2)
	require.Len(t, p.Kernel, 1)
	require.Len(t, p.User, 1)

	who := noun.Atom(0x100)
	now := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	entropy := noun.Atom(42)
	events, life, err := p.Sequence(BootParams{Who: who, Fake: true, Entropy: entropy, Now: now})
	require.NoError(t, err)
	require.Equal(t, uint64(2), life)
	arvo := noun.T(noun.Zero, noun.Cord("arvo"), noun.Zero)
	term := noun.Path("d", "term", "1")
	wantOva := []noun.Noun{
		noun.T(arvo, noun.Cord("whom"), who),
		noun.T(arvo, noun.Cord("wack"), entropy),
		kova,
		noun.T(term, noun.Cord("boot"), noun.One, noun.Cord("fake"), who), // lite = | (no), as Urbit
		uova,
	}
	require.Len(t, events, 2+len(wantOva))
	require.True(t, noun.Equal(f1, events[0]))
	require.True(t, noun.Equal(f2, events[1]))
	date := noun.Da(now)
	for i, want := range wantOva {
		ev := events[2+i]
		require.True(t, noun.Equal(noun.Cell(date, want), ev), "event %d: %s", i+3, ev)
		date = addDates(date, 1)
	}
	// Dates are 2^48 apart.
	d0, _ := events[2].Slot(2)
	d1, _ := events[3].Slot(2)
	diff := d1.BigInt()
	diff.Sub(diff, d0.BigInt())
	require.Equal(t, uint64(1)<<48, diff.Uint64())
}

func TestSequenceFreshEntropy(t *testing.T) {
	p, err := PillFromNoun(testPill([]noun.Noun{noun.T(noun.Atom(1), noun.Zero)}, nil, nil))
	require.NoError(t, err)
	a, _, err := p.Sequence(BootParams{Fake: true})
	require.NoError(t, err)
	b, _, err := p.Sequence(BootParams{Fake: true})
	require.NoError(t, err)
	wackA, _ := a[2].Slot(15) // [now [wire [%wack entropy]]]: entropy at axis 15
	wackB, _ := b[2].Slot(15)
	require.True(t, wackA.IsAtom())
	require.Greater(t, wackA.BitLen(), 400, "512 random bits")
	require.False(t, noun.Equal(wackA, wackB))
}

func TestSequenceLiveShipRefused(t *testing.T) {
	p, err := PillFromNoun(testPill([]noun.Noun{noun.T(noun.Atom(1), noun.Zero)}, nil, nil))
	require.NoError(t, err)
	_, _, err = p.Sequence(BootParams{Fake: false})
	require.ErrorIs(t, err, ErrLiveShip)
}

func TestLoadPillErrors(t *testing.T) {
	formula := noun.T(noun.Atom(1), noun.Zero)
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"not jam", []byte{}, "do not cue"},
		{"atom", noun.Jam(noun.Atom(7)), "an atom"},
		{"other tag", noun.Jam(noun.T(noun.Cord("ivory"), noun.Zero)), "%ivory"},
		{"improper bare list", noun.Jam(noun.T(formula, formula, noun.Atom(5))), "null-terminated"},
		{"short pill", noun.Jam(noun.T(noun.Cord("pill"), noun.Cord("x"), noun.Zero)), "fields"},
		{"pill name not term", noun.Jam(noun.T(noun.Cord("pill"), noun.Cord("X Y"), noun.Zero, noun.Zero, noun.Zero)), "name"},
		{"pill without formulas", noun.Jam(testPill(nil, nil, nil)), "no boot formulas"},
		{"pill formula atom", noun.Jam(testPill([]noun.Noun{noun.Atom(3)}, nil, nil)), "formula 1 is an atom"},
		{"pill ovum atom", noun.Jam(testPill([]noun.Noun{formula}, []noun.Noun{noun.Atom(3)}, nil)), "ovum 1"},
		{"pill list improper", noun.Jam(noun.T(noun.Cord("pill"), noun.Cord("x"), noun.T(formula, noun.Atom(5)), noun.Zero, noun.Zero)), "not a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadPill(c.b)
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrNotPill), "%v", err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

func TestNextDateIncreases(t *testing.T) {
	clock := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := noun.Zero
	for i := range 100 {
		// The clock stalls, then goes back.
		c := clock
		if i > 50 {
			c = clock.Add(-time.Hour)
		}
		d := nextDate(prev, c)
		require.Equal(t, 1, noun.Compare(d, prev), "date %d", i)
		prev = d
	}
	later := clock.Add(time.Hour)
	require.True(t, noun.Equal(noun.Da(later), nextDate(prev, later)), "a clock ahead wins")
}

func FuzzLoadPill(f *testing.F) {
	formula := noun.T(noun.Atom(1), noun.Zero)
	f.Add(noun.Jam(noun.List(formula)))
	f.Add(noun.Jam(testPill([]noun.Noun{formula}, []noun.Noun{noun.T(noun.Zero, noun.Zero)}, nil)))
	f.Add([]byte{0x02})
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := LoadPill(b)
		if err != nil {
			require.ErrorIs(t, err, ErrNotPill)
			return
		}
		events, life, err := p.Sequence(BootParams{Fake: true, Entropy: noun.Atom(1), Now: time.Unix(0, 0)})
		if err != nil {
			return
		}
		require.Equal(t, uint64(len(p.Formulas)), life)
		require.GreaterOrEqual(t, len(events), len(p.Formulas))
	})
}
