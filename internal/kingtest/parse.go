package kingtest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// MustParse parses s as noun text, or fails the test.
func MustParse(t testing.TB, s string) noun.Noun {
	t.Helper()
	n, err := noun.Parse(s)
	require.NoError(t, err, "parse %q", s)
	return n
}
