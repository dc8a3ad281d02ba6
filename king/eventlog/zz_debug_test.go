package eventlog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestZZDebugMutations(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	l, _ := Create(dir, Identity{Who: testShip, Life: 1}, Options{NoSync: true})
	_ = l.Append(context.Background(), testEvents(1, 40))
	_ = l.Close()
	good, _ := os.ReadFile(filepath.Join(dir, FileName))
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		bad := append([]byte(nil), good...)
		for j := 0; j < 1+rng.IntN(8); j++ {
			off := 2*4096 + rng.IntN(len(bad)-2*4096)
			bad[off] = byte(rng.Uint32())
		}
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, FileName), bad, 0o600)
		os.WriteFile("/tmp/zz_current.db", bad, 0o600)
		start := time.Now()
		var stage string
		func() {
			stage = "open"
			l, err := Open(d, Options{NoSync: true, LockTimeout: -1})
			if err != nil {
				return
			}
			defer l.Close()
			stage = "verify"
			_ = l.Verify(context.Background(), nil)
			stage = "events"
			for _, err := range l.Events(1, 0) {
				if err != nil {
					break
				}
			}
			stage = "repair"
			l.RepairTail(context.Background(), nil)
		}()
		if iter%100 == 0 { fmt.Println("iter", iter, time.Now().Format("15:04:05")) }
		if el := time.Since(start); el > 200*time.Millisecond {
			fmt.Println("slow", iter, stage, el)
		}
	}
}
