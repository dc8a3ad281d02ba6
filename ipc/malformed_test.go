package ipc

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
)

func TestDecodeWritMalformed(t *testing.T) {
	tests := []struct{ in, want string }{
		{"5", "tag: want cell [tag data], got atom 5"},
		{"[%frob 1]", "tag: want %live, %peek, %play or %work, got %frob"},
		{"[[1 2] 3]", "tag: want %live, %peek, %play or %work, got cell"},
		{"['Hi' 3]", "tag: want %live, %peek, %play or %work, got atom 26952"},
		{"[0x1.0000.0000.0000.0000.0000 ~]", "tag: want %live, %peek, %play or %work, got atom of 81 bits"},
		{"[%averyveryverylongtagindeedsolong ~]", "tag: want %live, %peek, %play or %work, got %averyveryverylongtagindeedsolong"},
		{"[%live 5]", "live.tag: want cell [tag arg], got atom 5"},
		{"[%live %frob 5]", "live.tag: want %cram, %exit, %save, %meld or %pack, got %frob"},
		{"[%live %cram [1 2]]", "live.cram.eve: want atom < 2^64, got cell"},
		{"[%live %cram 0x1.0000.0000.0000.0000]", "live.cram.eve: want atom < 2^64, got atom of 65 bits"},
		{"[%live %exit 256]", "live.exit.cod: want atom < 256, got atom 256"},
		{"[%live %exit [0 0]]", "live.exit.cod: want atom < 256, got cell"},
		{"[%live %save [1 2]]", "live.save.eve: want atom < 2^64, got cell"},
		{"[%live %meld 1]", "live.meld: want ~, got atom 1"},
		{"[%live %pack [0 0]]", "live.pack: want ~, got cell"},
		{"[%peek 0]", "peek.mil: want cell [mil sam], got atom 0"},
		{"[%peek [1 2] [0 0] 0 0]", "peek.mil: want atom < 2^32, got cell"},
		{"[%peek 0x1.0000.0000 [0 0] 0 0]", "peek.mil: want atom < 2^32, got atom 4294967296"},
		{"[%play 1]", "play.eve: want cell [eve lit], got atom 1"},
		{"[%play [1 1] ~]", "play.eve: want atom < 2^64, got cell"},
		{"[%play 1 5]", "play.lit: want non-empty list, got atom 5"},
		{"[%play 1 ~]", "play.lit: want non-empty list, got atom 0"},
		{"[%play 1 [1 2]]", "play.lit: want null-terminated list, got list ending in atom 2"},
		{"[%work 7]", "work.mil: want cell [mil job], got atom 7"},
		{"[%work 0x1.0000.0000.0000.0000 [1 2]]", "work.mil: want atom < 2^32, got atom of 65 bits"},
		{"[%work 0x1.0000.0000 [1 2]]", "work.mil: want atom < 2^32, got atom 4294967296"},
		{"[%work 0 5]", "work.job: want cell [now ovum], got atom 5"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			w, err := DecodeWrit(kingtest.MustParse(t, tc.in))
			require.Nil(t, w)
			requireDecodeError(t, err, "ipc: decode writ "+tc.want)
		})
	}
}

func TestDecodePleaMalformed(t *testing.T) {
	tests := []struct{ in, want string }{
		{"~", "tag: want cell [tag data], got atom 0"},
		{"[%frob ~]", "tag: want %ripe, %live, %slog, %flog, %peek, %play or %work, got %frob"},
		{"[%ripe 1 0 0]", "ripe.pro: want cell [pro hon nok], got atom 1"},
		{"[%ripe 1]", "ripe.ver: want cell [ver eve mug], got atom 1"},
		{"[%ripe [1 141] 0 0]", "ripe.hon: want cell [hon nok], got atom 141"},
		{"[%ripe [1 141 4] 0]", "ripe.eve: want cell [eve mug], got atom 0"},
		{"[%ripe [[1 1] 141 4] 0 0]", "ripe.pro: want atom, got cell"},
		{"[%ripe [1 [1 1] 4] 0 0]", "ripe.hon: want atom, got cell"},
		{"[%ripe [1 141 [4 4]] 0 0]", "ripe.nok: want atom, got cell"},
		{"[%ripe [1 141 4] 0x1.0000.0000.0000.0000 0]", "ripe.eve: want atom < 2^64, got atom of 65 bits"},
		{"[%ripe [1 141 4] 0 0x1.0000.0000]", "ripe.mug: want atom < 2^32, got atom 4294967296"},
		{"[%live 1]", "live: want ~, got atom 1"},
		{"[%slog 0]", "slog.pri: want cell [pri tank], got atom 0"},
		{"[%slog [1 1] 0]", "slog.pri: want atom < 2^64, got cell"},
		{"[%flog [1 2]]", "flog.cord: want atom, got cell"},
		{"[%peek 5]", "peek.tag: want cell [tag data], got atom 5"},
		{"[%peek %frob ~]", "peek.tag: want %done or %bail, got %frob"},
		{"[%peek %bail 5]", "peek.bail.mote: want cell [mote tang], got atom 5"},
		{"[%peek %bail [1 2] ~]", "peek.bail.mote: want atom, got cell"},
		{"[%peek %bail %exit 5]", "peek.bail.tang: want null-terminated list, got list ending in atom 5"},
		{"[%play %frob ~]", "play.tag: want %done or %bail, got %frob"},
		{"[%play %done 0x1.0000.0000]", "play.done.mug: want atom < 2^32, got atom 4294967296"},
		{"[%play %done [1 2]]", "play.done.mug: want atom < 2^32, got cell"},
		{"[%play %bail 1 2]", "play.bail.mug: want cell [mug goof], got atom 2"},
		{"[%play %bail [1 1] 2 %exit ~]", "play.bail.eve: want atom < 2^64, got cell"},
		{"[%play %bail 1 0x1.0000.0000 %exit ~]", "play.bail.mug: want atom < 2^32, got atom 4294967296"},
		{"[%play %bail 1 2 %exit 7]", "play.bail.goof.tang: want null-terminated list, got list ending in atom 7"},
		{"[%play %bail 1 2 [%leaf 'x'] 7]", "play.bail.tang: want null-terminated list, got list ending in atom 7"},
		{"[%play %bail 1 2 5]", "play.bail.goof.mote: want cell [mote tang], got atom 5"},
		{"[%work %frob ~]", "work.tag: want %done, %swap or %bail, got %frob"},
		{"[%work [1 2] ~]", "work.tag: want %done, %swap or %bail, got cell"},
		{"[%work %done 1 2]", "work.done.mug: want cell [mug effects], got atom 2"},
		{"[%work %done 1]", "work.done.eve: want cell [eve mug effects], got atom 1"},
		{"[%work %done [1 2] 2 ~]", "work.done.eve: want atom < 2^64, got cell"},
		{"[%work %done 1 [1 2] ~]", "work.done.mug: want atom < 2^32, got cell"},
		{"[%work %done 1 0x1.0000.0000 ~]", "work.done.mug: want atom < 2^32, got atom 4294967296"},
		{"[%work %done 1 2 [1 2]]", "work.done.effects: want null-terminated list, got list ending in atom 2"},
		{"[%work %swap 1 2 3]", "work.swap.job: want cell [job effects], got atom 3"},
		{"[%work %swap 1 2 3 ~]", "work.swap.job: want cell [now ovum], got atom 3"},
		{"[%work %swap [1 1] 2 [3 4] ~]", "work.swap.eve: want atom < 2^64, got cell"},
		{"[%work %swap 1 0x1.0000.0000 [3 4] ~]", "work.swap.mug: want atom < 2^32, got atom 4294967296"},
		{"[%work %swap 1 2 [3 4] 5]", "work.swap.effects: want null-terminated list, got list ending in atom 5"},
		{"[%work %bail 5]", "work.bail.goofs: want null-terminated list, got list ending in atom 5"},
		{"[%work %bail [%exit ~] [%intr 5] ~]", "work.bail.goofs[1].tang: want null-terminated list, got list ending in atom 5"},
		{"[%work %bail [[1 2] ~] ~]", "work.bail.goofs[0].mote: want atom, got cell"},
		{"[%work %bail 7 ~]", "work.bail.goofs[0].mote: want cell [mote tang], got atom 7"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			p, err := DecodePlea(kingtest.MustParse(t, tc.in))
			require.Nil(t, p)
			requireDecodeError(t, err, "ipc: decode plea "+tc.want)
		})
	}
}

func requireDecodeError(t *testing.T, err error, want string) {
	t.Helper()
	require.EqualError(t, err, want)
	require.ErrorIs(t, err, ErrMalformed)
	var de *DecodeError
	require.True(t, errors.As(err, &de))
	require.NotEmpty(t, de.Field)
	require.NotEmpty(t, de.Want)
	require.NotEmpty(t, de.Got)
}

func TestDecodeErrorFields(t *testing.T) {
	bad := noun.Cell(noun.Atom(1), noun.Atom(2))
	_, err := DecodePlea(noun.T(noun.Cord("work"), noun.Cord("done"), noun.Atom(1), bad, noun.Zero))
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	require.Equal(t, "plea", de.Kind)
	require.Equal(t, "work.done.mug", de.Field)
	require.Equal(t, "atom < 2^32", de.Want)
	require.Equal(t, "cell", de.Got)
	require.True(t, noun.Equal(bad, de.Value))

	// A message-level error with no field reads without one.
	require.EqualError(t, &DecodeError{Kind: "plea", Want: "x", Got: "y"}, "ipc: decode plea: want x, got y")
}

// TestDecodeWritAsPlea checks that no sample writ passes for a plea. (The
// other way round is not an error: [%work %done eve mug effects] is also a
// well-formed %work writ whose mil is %done. Which kind a noun is comes from
// the direction of the pipe, not its shape.)
func TestDecodeWritAsPlea(t *testing.T) {
	for _, w := range sampleWrits() {
		if p, err := DecodePlea(w.Noun()); err == nil {
			t.Errorf("writ %v decoded as plea %v", w, p)
		}
	}
}

// TestDecodeRipeWideVersions: the versions of a %ripe may be atoms of any
// size (the 2020-2021 kings ignore hon and only compare pro with 1); one
// wider than 64 bits decodes as math.MaxUint64 rather than failing.
func TestDecodeRipeWideVersions(t *testing.T) {
	p, err := DecodePlea(kingtest.MustParse(t, "[%ripe [1 0x1.0000.0000.0000.0000.0000 4] 7 8]"))
	require.NoError(t, err)
	require.Equal(t, Ripe{Proto: 1, Hon: math.MaxUint64, Nock: 4, Eve: 7, Mug: 8}, p)
	p, err = DecodePlea(kingtest.MustParse(t, "[%ripe [0x1.0000.0000.0000.0001 141 0x1.0000.0000.0000.0000] 0 0]"))
	require.NoError(t, err)
	require.Equal(t, Ripe{Proto: math.MaxUint64, Hon: 141, Nock: math.MaxUint64}, p)
}
