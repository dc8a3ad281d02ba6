package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	log, err := newLogger(&buf, "info", false)
	require.NoError(t, err)
	log.Debug("hidden")
	log.Info("pier running", zap.Uint64("eve", 7))
	var line map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &line), "JSON when not on a terminal: %q", buf.String())
	require.Equal(t, "pier running", line["msg"])
	require.Equal(t, "info", line["level"])
	require.EqualValues(t, 7, line["eve"])
	require.NotContains(t, buf.String(), "hidden")

	buf.Reset()
	log, err = newLogger(&buf, "debug", true)
	require.NoError(t, err)
	log.Debug("shown", zap.Int("n", 1))
	out := buf.String()
	require.False(t, json.Valid([]byte(out)), "console encoding on a terminal")
	require.Contains(t, out, "DEBUG")
	require.Contains(t, out, "shown")
	require.Contains(t, out, `{"n": 1}`)

	buf.Reset()
	log, err = newLogger(&buf, "warn", false)
	require.NoError(t, err)
	log.Info("quiet")
	log.Warn("loud")
	require.Equal(t, 1, strings.Count(buf.String(), "\n"))

	_, err = newLogger(&buf, "loud", false)
	require.ErrorContains(t, err, `bad --log-level "loud"`)
}
