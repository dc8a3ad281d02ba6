package nock_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/noun"
)

// mustParse parses a noun in Hoon-style text or fails the test.
func mustParse(t testing.TB, s string) noun.Noun {
	t.Helper()
	n, err := noun.Parse(s)
	require.NoError(t, err, "parse %q", s)
	return n
}
