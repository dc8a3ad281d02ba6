package eventlog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kingserf/king/noun"
)

func TestEventKeyIsBigEndianAndSorts(t *testing.T) {
	tests := []struct {
		n    uint64
		want []byte
	}{
		{1, []byte{0, 0, 0, 0, 0, 0, 0, 1}},
		{256, []byte{0, 0, 0, 0, 0, 0, 1, 0}},
		{1 << 56, []byte{1, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, key(tc.n))
		n, ok := parseKey(tc.want)
		require.True(t, ok)
		require.Equal(t, tc.n, n)
	}
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Uint64Min(1).Draw(t, "a")
		b := rapid.Uint64Min(1).Draw(t, "b")
		ka, kb := string(key(a)), string(key(b))
		require.Equal(t, a < b, ka < kb, "byte order must be numeric order")
	})
}

func TestParseKeyRejectsMalformedKeys(t *testing.T) {
	for _, k := range [][]byte{nil, {}, {1}, make([]byte, 7), make([]byte, 9), make([]byte, 8)} {
		_, ok := parseKey(k)
		require.False(t, ok, "key %x", k)
	}
}

func TestSplitValue(t *testing.T) {
	tests := []struct {
		name    string
		v       []byte
		mug     uint32
		jam     []byte
		wantErr error
	}{
		{"nil", nil, 0, nil, ErrShortValue},
		{"mug only", []byte{1, 2, 3, 4}, 0, nil, ErrShortValue},
		{"three bytes", []byte{1, 2, 3}, 0, nil, ErrShortValue},
		{"little-endian mug", []byte{0x70, 0x52, 0x03, 0x7d, 0x02}, 0x7d035270, []byte{0x02}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mug, jam, err := splitValue(tc.v)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.mug, mug)
			require.Equal(t, tc.jam, jam)
			require.Equal(t, tc.v, appendValue(nil, Event{Mug: mug, Jam: jam}))
		})
	}
}

func TestMetaEncoding(t *testing.T) {
	tests := []struct {
		name string
		id   Identity
		want map[string][]byte
	}{
		{"fake zod", Identity{Who: noun.Zero, Fake: true, Life: 0},
			map[string][]byte{"version": {1}, "who": {}, "fake": {}, "life": {}}},
		{"real ship", Identity{Who: noun.Atom(0x1234), Fake: false, Life: 5},
			map[string][]byte{"version": {1}, "who": {0x34, 0x12}, "fake": {1}, "life": {5}}},
		{"comet", Identity{Who: testShip, Fake: false, Life: 300},
			map[string][]byte{"version": {1}, "who": testShip.Bytes(), "fake": {1}, "life": {0x2c, 0x01}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := encodeMeta(tc.id)
			require.Equal(t, tc.want, got)
			id, err := decodeMeta(func(k string) []byte { return got[k] })
			require.NoError(t, err)
			require.True(t, noun.Equal(tc.id.Who, id.Who))
			require.Equal(t, tc.id.Fake, id.Fake)
			require.Equal(t, tc.id.Life, id.Life)
		})
	}
}

func TestDecodeMetaErrors(t *testing.T) {
	good := map[string][]byte{"version": {1}, "who": {7}, "fake": {}, "life": {1}}
	with := func(k string, v []byte) map[string][]byte {
		m := map[string][]byte{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		meta map[string][]byte
		// key names the META key of an expected *MetaError; "" means a
		// *VersionError whose Got is version.
		key     string
		version uint64
	}{
		{"version 2", with("version", []byte{2}), "", 2},
		{"version 0", with("version", []byte{}), "", 0},
		{"version huge", with("version", make([]byte, 9)), "", 0},
		{"no version", with("version", nil), "version", 0},
		{"no who", with("who", nil), "who", 0},
		{"who too wide", with("who", append(make([]byte, 16), 1)), "who", 0},
		{"no fake", with("fake", nil), "fake", 0},
		{"fake 2", with("fake", []byte{2}), "fake", 0},
		{"no life", with("life", nil), "life", 0},
		{"life too wide", with("life", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}), "life", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeMeta(func(k string) []byte { return tc.meta[k] })
			require.Error(t, err)
			require.Contains(t, err.Error(), "eventlog:")
			if tc.key == "" {
				var ve *VersionError
				require.ErrorAs(t, err, &ve)
				if tc.name != "version huge" {
					require.Equal(t, tc.version, ve.Got)
				}
				return
			}
			var me *MetaError
			require.ErrorAs(t, err, &me)
			require.Equal(t, tc.key, me.Key)
		})
	}
	// Non-minimal atoms (high zero bytes) are read as atoms.
	id, err := decodeMeta(func(k string) []byte {
		return map[string][]byte{"version": {1, 0}, "who": {7, 0, 0}, "fake": {0}, "life": {3, 0}}[k]
	})
	require.NoError(t, err)
	require.Equal(t, Identity{Who: noun.Atom(7), Fake: true, Life: 3}, id)
}

func TestCheckEvent(t *testing.T) {
	require.NoError(t, checkEvent(Event{Num: 1, Jam: []byte{2}}))
	require.ErrorIs(t, checkEvent(Event{Num: 1}), ErrEmptyEvent)
	require.ErrorIs(t, checkEvent(Event{Num: 1, Jam: []byte{}}), ErrEmptyEvent)
}

// TestSpecJamVectorsAsEvents stores every jam vector from the spec as an
// event and checks it reads back byte for byte and verifies.
func TestSpecJamVectorsAsEvents(t *testing.T) {
	v := loadVectors(t)
	l := newLog(t, Options{})
	var evs []Event
	for i, vec := range v.Jam {
		evs = append(evs, Event{Num: uint64(i + 1), Mug: uint32(i), Jam: mustHex(t, vec.Jam)})
	}
	require.NoError(t, l.Append(context.Background(), evs))
	got, err := l.Read(1, len(evs)+5)
	require.NoError(t, err)
	require.Equal(t, evs, got)
	require.NoError(t, l.Verify(context.Background(), nil))
}
