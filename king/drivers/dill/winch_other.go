//go:build !unix

package dill

// WatchResize does nothing where there is no SIGWINCH; the size is read
// once at attach.
func WatchResize(onResize func()) (stop func()) { return func() {} }
