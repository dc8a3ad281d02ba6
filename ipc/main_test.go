package ipc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// The pipe tests start writer goroutines; none may outlive its test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// specVectors is the part of shared/spec/vectors.json these tests use.
type specVectors struct {
	Frames []struct {
		Noun   string `json:"noun"`
		Raw    string `json:"raw"`
		Legacy string `json:"legacy"`
		Newt   string `json:"newt"`
	} `json:"frames"`
	Kernel struct {
		PeekSample string `json:"peek_sample"`
		PeekResult string `json:"peek_result"`
		Events     []struct {
			EventNumber uint64 `json:"event_number"`
			Job         string `json:"job"`
			Effects     string `json:"effects"`
			MugAfter    string `json:"mug_after"`
		} `json:"events"`
	} `json:"kernel_example"`
}

// loadVectors reads shared/spec/vectors.json, which sits beside the
// repository (../../shared from this package's directory), and skips the
// test visibly when it is absent.
func loadVectors(t testing.TB) specVectors {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "spec", "vectors.json")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("SKIP: spec vectors not found at %s", path)
	}
	require.NoError(t, err)
	var v specVectors
	require.NoError(t, json.Unmarshal(data, &v))
	require.NotEmpty(t, v.Frames)
	return v
}
