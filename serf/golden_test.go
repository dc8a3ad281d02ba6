package serf_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kingserf/king/ipc"
)

const goldenPath = "testdata/transcript.golden"

const goldenHeader = `# A whole conversation with king serf, frame by frame, in legacy framing:
# boot the counter kernel (vectors.json kernel_example), work x3, peek,
# save, exit. "> " is a writ (king to serf), "< " a plea (serf to king),
# each a complete frame in hex. Regenerate with:
#   go test ./serf -run TestGoldenTranscript -update
`

// TestGoldenTranscript runs one full conversation and compares every byte
// on the wire, both ways, with testdata/transcript.golden. The jobs carry
// fixed dates (vectors.json's), so the transcript is deterministic.
func TestGoldenTranscript(t *testing.T) {
	ex := loadExample(t)
	c := startSerf(t, t.TempDir(), childOpts{record: true})
	c.ripe()
	c.boot(pill(t, "counter"))
	for _, job := range ex.jobs {
		c.workDone(job)
	}
	c.send(ipc.Peek{Sample: ex.peekSample})
	require.IsType(t, ipc.PeekDone{}, c.recv())
	c.live(ipc.LiveSave{Eve: 4})
	c.send(ipc.LiveExit{Code: 0})
	c.expectExit(0)

	got := goldenHeader + strings.Join(c.transcript, "\n") + "\n"
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
		require.NoError(t, os.WriteFile(goldenPath, []byte(got), 0o644))
		t.Logf("wrote %s", goldenPath)
	}
	want, err := os.ReadFile(goldenPath)
	require.NoError(t, err, "run with -update to create %s", goldenPath)
	require.Equal(t, string(want), got, "the bytes on the wire changed; if on purpose, run with -update")
}
