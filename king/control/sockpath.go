package control

import (
	"path/filepath"
)

// SocketName is the control socket's file name under <pier>/.urb.
const SocketName = "conn.sock"

// maxDirectPath is the longest socket path used as it is in a
// sockaddr_un (whose sun_path holds 104 to 108 bytes, depending on the
// system); longer ones go through shortPath.
const maxDirectPath = 100

// SocketPath returns the control socket of the pier in dir,
// <pier>/.urb/conn.sock.
func SocketPath(dir string) string { return filepath.Join(dir, ".urb", SocketName) }

// withSocketPath calls fn with a name for path short enough for a
// sockaddr_un: path itself, or one through the directory's descriptor
// (see shortPath).
func withSocketPath(path string, fn func(name string) error) error {
	if len(path) <= maxDirectPath {
		return fn(path)
	}
	return shortPath(path, fn)
}
