//go:build linux

package control

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/sys/unix"
)

func TestCheckPeer(t *testing.T) {
	tests := []struct {
		peer, allowed uint32
		ok            bool
	}{
		{1000, 1000, true},
		{0, 0, true},
		{0, 1000, false},
		{1001, 1000, false},
		{65534, 0, false},
	}
	for _, tt := range tests {
		err := CheckPeer(tt.peer, tt.allowed)
		if tt.ok {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, ErrForeignPeer)
		}
	}
}

func TestPeerUIDOfAConnection(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	require.NoError(t, err)
	f0, f1 := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	defer f1.Close()
	c, err := net.FileConn(f0)
	require.NoError(t, err)
	f0.Close()
	defer c.Close()
	uid, pid, err := PeerUID(c.(*net.UnixConn))
	require.NoError(t, err)
	require.Equal(t, uint32(os.Getuid()), uid)
	require.Equal(t, int32(os.Getpid()), pid)
}

// TestForeignUIDRefused runs a client as another user (uid 65534) against
// a server whose socket file any user may open: SO_PEERCRED is what
// refuses it. It needs root, to switch the client's uid.
func TestForeignUIDRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("not running as root, so no client can be run as another uid; CheckPeer and PeerUID are tested directly")
	}
	// Everything the other user touches must be reachable by it: a copy
	// of this test binary, and the pier's directories.
	binDir, err := os.MkdirTemp("", "control-foreign-")
	require.NoError(t, err)
	defer os.RemoveAll(binDir)
	require.NoError(t, os.Chmod(binDir, 0o755))
	bin := filepath.Join(binDir, "control.test")
	copyFile(t, bin)
	dir := filepath.Join(binDir, "pier")

	core, logs := observer.New(zapcore.WarnLevel)
	fb := newFake()
	srv, err := Listen(dir, Options{Backend: fb, SocketMode: 0o666, Logger: zap.New(core)})
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(t.Context()) }()
	defer func() {
		require.NoError(t, srv.Close())
		<-served
	}()
	for _, d := range []string{dir, filepath.Join(dir, ".urb")} {
		require.NoError(t, os.Chmod(d, 0o755))
	}

	run := func(uid uint32) string {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), childEnv+"="+srv.Path())
		if uid != 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "child: %s", out)
		return strings.TrimSpace(string(out))
	}
	require.Equal(t, "answer [0 0]", run(0), "the king's own uid is served")
	require.Equal(t, "closed", run(65534), "another uid is refused")
	require.Equal(t, 1, logs.FilterMessage("control: refusing a connection").Len())
	require.Zero(t, fb.count("peek"))

	// With the default mode the other user cannot even open the socket.
	require.NoError(t, os.Chmod(srv.Path(), DefaultSocketMode))
	out := run(65534)
	require.True(t, strings.HasPrefix(out, "dial:") && strings.Contains(out, "permission denied"), "child: %s", out)
}

// copyFile copies the running test binary to dst, executable by all.
func copyFile(t *testing.T, dst string) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	in, err := os.Open(exe)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}
