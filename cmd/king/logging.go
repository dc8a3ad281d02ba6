package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
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

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

// newLogger builds the command's logger writing to w at the named level:
// a human-readable console encoding when console is true (stderr is a
// terminal), one JSON object per line otherwise, so that logs collected by
// a supervisor or a test can be parsed.
func newLogger(w io.Writer, level string, console bool) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("bad --%s %q: want debug, info, warn or error", logLevelFlagName, level)
	}
	var enc zapcore.Encoder
	if console {
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeTime = zapcore.TimeEncoderOfLayout("15:04:05.000")
		cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
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
	w := c.App.ErrWriter
	if w == nil {
		w = os.Stderr
	}
	console := false
	if f, ok := w.(*os.File); ok {
		console = isTerminal(f)
	}
	return newLogger(w, c.String(logLevelFlagName), console)
}
