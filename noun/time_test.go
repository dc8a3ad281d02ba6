package noun

import (
	"encoding/json"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestDaVectors(t *testing.T) {
	v := loadTextVectors(t)
	var rows []struct {
		UnixSeconds  int64  `json:"unix_seconds"`
		Microseconds int64  `json:"microseconds"`
		DaHex        string `json:"da_hex"`
	}
	require.NoError(t, json.Unmarshal(v["da"], &rows))
	require.NotEmpty(t, rows)
	for _, row := range rows {
		tm := time.Unix(row.UnixSeconds, row.Microseconds*1000)
		want := mustParse(t, row.DaHex)
		require.True(t, Equal(want, Da(tm)), "Da(%v) = %s, want %s", tm, Raw(Da(tm)), row.DaHex)
		back, err := FromDa(want)
		require.NoError(t, err)
		require.True(t, tm.Equal(back), "FromDa(%s) = %v, want %v", row.DaHex, back, tm)
		require.Equal(t, time.UTC, back.Location())
	}
}

func TestDaKnownValues(t *testing.T) {
	// The kernel example's first event date: 2021-01-01 plus 2^48 (1/65536 s),
	// read as 16 µs (15.26 rounded up), which converts back exactly.
	n := mustParse(t, "170141184504841449916980666596753145856")
	tm, err := FromDa(n)
	require.NoError(t, err)
	require.Equal(t, int64(1609459200), tm.Unix())
	require.Equal(t, 16000, tm.Nanosecond())
	require.True(t, Equal(n, Da(tm)))

	// Before 1970, with a fraction: Unix seconds floor, microseconds positive.
	old := time.Date(1969, 7, 20, 20, 17, 40, 250000000, time.UTC)
	back, err := FromDa(Da(old))
	require.NoError(t, err)
	require.True(t, old.Equal(back), "%v != %v", old, back)

	// Bits below 2^-16 s are dropped; the fraction rounds up to a microsecond.
	low := new(big.Int).Lsh(new(big.Int).SetUint64(daUnixEpoch), 64)
	low.Or(low, big.NewInt(1<<48|12345))
	a, _ := AtomBig(low)
	tm, err = FromDa(a)
	require.NoError(t, err)
	require.Equal(t, int64(0), tm.Unix())
	require.Equal(t, 16*1000, tm.Nanosecond()) // 1/65536 s = 15.26 µs, rounded up to 16
}

func TestPropertyDaRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.Int64Range(-1<<40, 1<<40).Draw(t, "s")
		ns := rapid.Int64Range(0, 999999999).Draw(t, "ns")
		tm := time.Unix(s, ns)
		da := Da(tm)
		back, err := FromDa(da)
		if err != nil {
			t.Fatalf("FromDa(Da(%v)): %v", tm, err)
		}
		if !Equal(Da(back), da) {
			t.Fatalf("Da(FromDa(Da(%v))) = %s, want %s", tm, Raw(Da(back)), Raw(da))
		}
		if d := back.Sub(tm.Truncate(time.Microsecond)); d < -16*time.Microsecond || d > 16*time.Microsecond {
			t.Fatalf("FromDa(Da(%v)) = %v, off by %v", tm, back, d)
		}
	})
}

func TestFromDaErrors(t *testing.T) {
	_, err := FromDa(T(One, One))
	require.ErrorIs(t, err, ErrDecode)
	_, err = FromDa(mustParse(t, "0x1.0000.0000.0000.0000.0000.0000.0000.0000")) // 2^128
	require.ErrorIs(t, err, ErrDecode)
	_, err = FromDa(Atom(5)) // year minus 292 billion
	require.ErrorIs(t, err, ErrDecode)
	_, err = FromDa(mustParse(t, "0xffff.ffff.ffff.ffff.0000.0000.0000.0000"))
	require.ErrorIs(t, err, ErrDecode)

	far := time.Unix(1<<62, 0)
	back, err := FromDa(Da(far))
	require.NoError(t, err)
	require.True(t, far.Equal(back))
}
