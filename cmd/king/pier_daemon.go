package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/pier"
)

// daemonReadyEnv names the descriptor on which a king started by
// `king run --daemon` tells its parent that the pier is running: the
// child writes "ready\n" there once the serf has caught up, or exits
// (closing it) on failure.
const daemonReadyEnv = "KING_DAEMON_READY_FD"

// daemonLogName is the file, under <pier>/.urb, that a background king's
// stdout and stderr are appended to.
const daemonLogName = "king.log"

// daemonize starts this command again in the background, in a new session
// (no controlling terminal, so closing the terminal does not stop it),
// with its output appended to <pier>/.urb/king.log, and waits until the
// pier is running or the background king has failed. In the first case it
// prints the king's pid and returns, leaving the king running (it is
// reparented, and reaped, by init); in the second it reaps it and returns
// its last log lines.
func daemonize(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	if err := checkPierDir(dir); err != nil {
		return err
	}
	logPath := filepath.Join(pier.Layout{Dir: dir}.Urb(), daemonLogName)
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("--daemon: open log: %w", err)
	}
	defer logFile.Close()
	start, err := logFile.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("--daemon: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("--daemon: find this program: %w", err)
	}
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		return fmt.Errorf("--daemon: %w", err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("--daemon: %w", err)
	}
	defer r.Close()

	cmd := exec.Command(exe, withoutDaemonFlag(os.Args[1:])...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devNull, logFile, logFile
	cmd.ExtraFiles = []*os.File{w} // descriptor 3 in the child
	cmd.Env = append(os.Environ(), daemonReadyEnv+"=3")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	err = cmd.Start()
	_ = w.Close() // the child's copy is the only writer left
	if err != nil {
		return fmt.Errorf("--daemon: start: %w", err)
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	if line == "ready\n" {
		pid := cmd.Process.Pid
		_ = cmd.Process.Release()
		_, err := fmt.Fprintf(c.App.Writer, "king pid %d is running pier %s in the background; log: %s\n", pid, dir, logPath)
		return err
	}
	werr := cmd.Wait()
	return fmt.Errorf("--daemon: the background king exited before the pier was running (%v); its log (%s) ends:\n%s",
		werr, logPath, logTail(logPath, start, 20))
}

// withoutDaemonFlag returns args without any --daemon flag (before "--").
func withoutDaemonFlag(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if isFlagArg(a) && name == "daemon" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// logTail returns the last n lines written to the file at path after
// offset start.
func logTail(path string, start int64, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	if start >= 0 && start <= int64(len(b)) {
		b = b[start:]
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// daemonReadyNotifier returns, in a king started by daemonize, the
// function that tells the parent the pier is running; nil otherwise. The
// descriptor is made close-on-exec at once, so the serf does not inherit
// it, and the variable is removed from the environment the serf gets.
func daemonReadyNotifier() func() {
	v := os.Getenv(daemonReadyEnv)
	if v == "" {
		return nil
	}
	_ = os.Unsetenv(daemonReadyEnv)
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil
	}
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "daemon-ready")
	if f == nil {
		return nil
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_, err := f.WriteString("ready\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil && !errors.Is(err, syscall.EPIPE) {
				fmt.Fprintln(os.Stderr, "king: telling the parent the pier runs:", err)
			}
		})
	}
}
