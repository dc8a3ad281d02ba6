package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// kingBin is the king binary built once by TestMain for process-level
// tests.
var kingBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "king-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkdir temp:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	kingBin = filepath.Join(dir, "king")
	build := exec.Command("go", "build", "-o", kingBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building king:", err)
		return 2
	}
	return m.Run()
}

// kingRun runs the binary with args and stdin and returns its stdout,
// stderr and exit status.
func kingRun(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(kingBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running king %q: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func TestNounCommandsGood(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"jam arg", "", []string{"noun", "jam", "[1 2 3]"}, "714834\n"},
		{"jam split args", "", []string{"noun", "jam", "[1", "2", "3]"}, "714834\n"},
		{"jam stdin", "  [%live %save 42]\n", []string{"noun", "jam"}, "019f2dcdae1cf0e7c2ecca5015\n"},
		{"cue arg", "", []string{"noun", "cue", "019f2dcdae1cf0e7c2ecca5015"}, "[%live %save 42]\n"},
		{"cue raw", "", []string{"noun", "cue", "--raw", "714834"}, "[1 [2 3]]\n"},
		{"cue stdin upper case", "\n0C\n", []string{"noun", "cue"}, "1\n"},
		{"mug arg", "", []string{"noun", "mug", "[1 2 3]"}, "0x3a811aec\n"},
		{"mug stdin", "%live", []string{"noun", "mug"}, "0x4abe5035\n"},
		{"mug small", "", []string{"noun", "mug", "2"}, "0x718b9468\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := kingRun(t, tt.stdin, tt.args...)
			require.Equal(t, 0, code, "stderr: %s", errOut)
			require.Empty(t, errOut)
			require.Equal(t, tt.want, out)
		})
	}
}

func TestNounCommandsBad(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		msg   string // a fragment of the one-line error
	}{
		{"jam syntax", "", []string{"noun", "jam", "[1 2"}, "syntax error at offset 4"},
		{"jam empty stdin", " \n", []string{"noun", "jam"}, "empty input"},
		{"mug syntax", "", []string{"noun", "mug", "%"}, "syntax error at offset 1"},
		{"mug bad stdin", "[1 2]]", []string{"noun", "mug"}, "want end of input"},
		{"cue not hex", "", []string{"noun", "cue", "zz"}, "not hex"},
		{"cue odd length", "", []string{"noun", "cue", "abc"}, "not hex"},
		{"cue bad jam", "", []string{"noun", "cue", "ff"}, "king: noun: "},
		{"cue truncated", "", []string{"noun", "cue", "01"}, "king: noun: "},
		{"cue two args", "", []string{"noun", "cue", "0c", "0c"}, "want one argument, got 2"},
		{"cue empty stdin", "", []string{"noun", "cue"}, "empty input"},
		{"unknown flag", "", []string{"noun", "cue", "--bogus", "0c"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := kingRun(t, tt.stdin, tt.args...)
			require.Equal(t, 1, code)
			require.Empty(t, out)
			require.True(t, strings.HasPrefix(errOut, "king: "), "stderr: %q", errOut)
			require.Equal(t, 1, strings.Count(errOut, "\n"), "stderr: %q", errOut)
			require.True(t, strings.HasSuffix(errOut, "\n"), "stderr: %q", errOut)
			require.Contains(t, errOut, tt.msg)
		})
	}
}

// TestNounVectors checks every jam and mug vector of the shared spec
// through the binary: jam of the raw noun, cue back to it, and its mug.
func TestNounVectors(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("SKIP: %s not found; the shared spec is not checked out beside the repository", path)
	}
	require.NoError(t, err)
	var v struct {
		Jam []struct{ Raw, Jam string }
		Mug []struct{ Raw, Mug string }
	}
	require.NoError(t, json.Unmarshal(data, &v))
	require.NotEmpty(t, v.Jam)
	require.NotEmpty(t, v.Mug)
	for _, row := range v.Jam {
		out, errOut, code := kingRun(t, "", "noun", "jam", row.Raw)
		require.Equal(t, 0, code, errOut)
		require.Equal(t, row.Jam+"\n", out, "jam %s", row.Raw)
		out, errOut, code = kingRun(t, row.Jam, "noun", "cue", "--raw")
		require.Equal(t, 0, code, errOut)
		require.Equal(t, row.Raw+"\n", out, "cue %s", row.Jam)
	}
	for _, row := range v.Mug {
		out, errOut, code := kingRun(t, row.Raw, "noun", "mug")
		require.Equal(t, 0, code, errOut)
		require.Equal(t, row.Mug+"\n", out, "mug %s", row.Raw)
	}
}
