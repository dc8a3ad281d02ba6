//go:build unix

package dill

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// WatchResize calls onResize, on its own goroutine, every time the
// process gets SIGWINCH (its terminal was resized), until stop is called.
// stop waits for a call in progress to return; it is safe to call more
// than once, from any goroutine.
//
// Typical use with a Terminal:
//
//	stop := dill.WatchResize(func() { _ = t.Resize(ctx) })
//	defer stop()
func WatchResize(onResize func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGWINCH)
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-sigs:
				onResize()
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(quit)
		})
		<-done
	}
}
