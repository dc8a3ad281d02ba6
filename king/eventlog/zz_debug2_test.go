package eventlog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestZZHang(t *testing.T) {
	if os.Getenv("ZZ2") == "" {
		t.Skip()
	}
	bad, _ := os.ReadFile("/tmp/zz_hang.db")
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, FileName), bad, 0o600)
	l, err := Open(d, Options{NoSync: true, LockTimeout: -1})
	fmt.Println("open", err)
	if err != nil {
		return
	}
	defer l.Close()
	fmt.Println("verify", l.Verify(context.Background(), nil))
	n := 0
	for _, err := range l.Events(1, 0) {
		n++
		if err != nil {
			fmt.Println("events", n, err)
			break
		}
	}
	fmt.Println("events done", n)
	c, err := l.RepairTail(context.Background(), nil)
	fmt.Println("repair", c, err)
}
