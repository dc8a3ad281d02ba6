package ipc

import (
	"bytes"
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/internal/kingtest"
	"github.com/kingserf/king/noun"
)

// vectorMessages are the messages the frame vectors carry, by their text.
var vectorMessages = map[string]any{
	"[%live %save 42]":      LiveSave{Eve: 42},
	"[%live %exit 0]":       LiveExit{Code: 0},
	"[%ripe [1 141 4] 0 0]": Ripe{Proto: 1, Hon: 141, Nock: 4},
}

func TestFrameVectors(t *testing.T) {
	v := loadVectors(t)
	for _, vec := range v.Frames {
		n := kingtest.MustParse(t, vec.Raw)
		require.True(t, noun.Equal(n, kingtest.MustParse(t, vec.Noun)), "vector %s: raw and text differ", vec.Noun)
		for _, tc := range []struct {
			framing Framing
			hex     string
		}{{Legacy, vec.Legacy}, {Newt, vec.Newt}} {
			want, err := hex.DecodeString(tc.hex)
			require.NoError(t, err)
			name := vec.Noun + "/" + tc.framing.String()
			t.Run(name, func(t *testing.T) {
				// Write: the noun, and the message it is, give the exact bytes.
				var buf bytes.Buffer
				require.NoError(t, NewWriter(&buf, tc.framing).WriteNoun(n))
				require.Equal(t, tc.hex, hex.EncodeToString(buf.Bytes()))

				msg, known := vectorMessages[vec.Noun]
				if known {
					buf.Reset()
					w := NewWriter(&buf, tc.framing)
					switch m := msg.(type) {
					case Writ:
						require.NoError(t, w.WriteWrit(m))
					case Plea:
						require.NoError(t, w.WritePlea(m))
					}
					require.Equal(t, tc.hex, hex.EncodeToString(buf.Bytes()))
				}

				// Read with the framing fixed and detected.
				for _, opt := range []Framing{tc.framing, Auto} {
					r := NewReader(bytes.NewReader(want), WithFraming(opt))
					got, err := r.ReadNoun()
					require.NoError(t, err)
					require.True(t, noun.Equal(n, got), "read %v, want %v", got, n)
					require.Equal(t, tc.framing, r.Framing())
					_, err = r.ReadFrame()
					require.Equal(t, io.EOF, err)
				}

				if known {
					var got any
					switch msg.(type) {
					case Writ:
						got, err = NewReader(bytes.NewReader(want), WithFraming(tc.framing)).ReadWrit()
					case Plea:
						got, err = NewReader(bytes.NewReader(want), WithFraming(tc.framing)).ReadPlea()
					}
					require.NoError(t, err)
					require.Equal(t, msg, got)
				}
			})
		}
	}
}

// TestFrameVectorsStream reads every vector back to back from one stream,
// in each framing, detecting it.
func TestFrameVectorsStream(t *testing.T) {
	v := loadVectors(t)
	for _, f := range []Framing{Legacy, Newt} {
		var stream []byte
		var want []noun.Noun
		for _, vec := range v.Frames {
			h := vec.Legacy
			if f == Newt {
				h = vec.Newt
			}
			b, err := hex.DecodeString(h)
			require.NoError(t, err)
			stream = append(stream, b...)
			want = append(want, kingtest.MustParse(t, vec.Raw))
		}
		r := NewReader(bytes.NewReader(stream))
		for i, w := range want {
			got, err := r.ReadNoun()
			require.NoError(t, err, "%v frame %d", f, i)
			require.True(t, noun.Equal(w, got), "%v frame %d", f, i)
		}
		_, err := r.ReadNoun()
		require.Equal(t, io.EOF, err)
		require.Equal(t, f, r.Framing())
	}
}
