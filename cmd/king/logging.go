package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kingserf/king/king/drivers/dill"
)

// logLevelFlagName is the flag every pier command takes to set its log
// level.
const logLevelFlagName = "log-level"

// logLevelFlag is the --log-level flag of the pier commands.
func logLevelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:    logLevelFlagName,
		Value:   "info",
		EnvVars: []string{"KING_LOG_LEVEL"},
		Usage:   "log `LEVEL`: debug, info, warn or error",
	}
}

// isTerminal reports whether f is a terminal. It leaves f's blocking
// mode alone (dill.IsTerminal does not call f.Fd, which would make the
// terminal blocking for every descriptor sharing it).
func isTerminal(f *os.File) bool {
	return dill.IsTerminal(f)
}

// newLogger builds the command's logger writing to w at the named level:
// a human-readable console encoding when console is true (stderr is a
// terminal), one JSON object per line otherwise, so that logs collected by
// a supervisor or a test can be parsed.
func newLogger(w io.Writer, level string, console bool) (*zap.Logger, error) {
	return buildLogger(w, level, console, console)
}

// buildLogger is newLogger with the console encoding's colours chosen
// apart: a log printed above a terminal's prompt line is shown through a
// renderer that does not pass escape sequences on, so it goes without
// them.
func buildLogger(w io.Writer, level string, console, color bool) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("bad --%s %q: want debug, info, warn or error", logLevelFlagName, level)
	}
	var enc zapcore.Encoder
	if console {
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
		cfg.EncodeLevel = zapcore.CapitalLevelEncoder
		if color {
			cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
		}
		enc = zapcore.NewConsoleEncoder(cfg)
	} else {
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core, zap.ErrorOutput(zapcore.Lock(zapcore.AddSync(w)))), nil
}

// commandLogger builds the logger of a pier command from its --log-level,
// writing to the app's error writer (stderr).
func commandLogger(c *cli.Context) (*zap.Logger, error) {
	w := errWriter(c)
	return newLogger(w, c.String(logLevelFlagName), writesToTerminal(w))
}

// errWriter is the app's error writer, stderr unless a test set another.
func errWriter(c *cli.Context) io.Writer {
	if c.App.ErrWriter != nil {
		return c.App.ErrWriter
	}
	return os.Stderr
}

// writesToTerminal reports whether w is a terminal.
func writesToTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// switchWriter is a log destination that can be changed while the logger
// writes to it: `king run` and `king con` log to stderr, then, while the
// terminal is raw, above its prompt line (dill's LogWriter), then to
// stderr again once the terminal is restored.
//
// Invariant: once Set has returned, nothing more is written to the
// previous writer (a write holds the lock for its whole duration).
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// newSwitchWriter returns a switchWriter writing to w.
func newSwitchWriter(w io.Writer) *switchWriter { return &switchWriter{w: w} }

// Write writes p to the current writer.
func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Set makes w the writer from now on.
func (s *switchWriter) Set(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
}
