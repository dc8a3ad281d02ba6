package king

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// Flags is the serf's flag argument (PROTOCOL.md §3.3), the bit set
// package ipc defines (ipc.Verbose, ipc.Quiet, ...), passed in decimal on
// the serf's command line.
type Flags = ipc.Flags

// Defaults filled in for zero Config fields.
const (
	// DefaultCacheSize is the serf's memo cache size when Config.CacheSize
	// is 0.
	DefaultCacheSize = 50000
	// DefaultRipeTimeout is how long Start waits for %ripe when
	// Config.RipeTimeout is 0.
	DefaultRipeTimeout = 60 * time.Second
	// DefaultExitTimeout is how long Stop waits for the serf to exit after
	// %exit before killing it, when Config.ExitTimeout is 0.
	DefaultExitTimeout = 2 * time.Second
)

// Config says which serf to start and how to talk to it. The zero value
// of every field is usable and documented.
type Config struct {
	// SerfPath is the serf binary; a name without a slash is looked up in
	// PATH. "" means this program itself (os.Executable), which must then
	// implement `serf` as its first argument, as `king serf` does. The argv is always
	// <SerfPath> serf <Pier> <Key> <Flags> <CacheSize> <RockEvent>.
	SerfPath string
	// Pier is the pier directory handed to the serf.
	Pier string
	// Key is the ship's key argument; "" is usual for fake ships.
	Key string
	// Flags are the serf flags.
	Flags Flags
	// CacheSize is the serf's memo cache size; 0 means DefaultCacheSize.
	CacheSize int
	// RockEvent makes the serf load the %cram file of this event; 0 means
	// "the latest snapshot".
	RockEvent uint64
	// RipeTimeout bounds the wait for %ripe; 0 means DefaultRipeTimeout.
	RipeTimeout time.Duration
	// ExitTimeout is how long Stop waits for the serf to exit after %exit
	// before it SIGKILLs it, and how long a flow whose ctx ended still
	// waits for an outstanding reply; 0 means DefaultExitTimeout.
	ExitTimeout time.Duration
	// Env is the serf's environment; nil means the king's own.
	Env []string
	// Logger receives the Serf's log lines; nil means zap.NewNop().
	Logger *zap.Logger
	// OnStderr receives each line the serf writes to stderr, without its
	// newline (lines over 4 KiB arrive in pieces). It runs on the Serf's
	// stderr goroutine. nil means: log each line at Info level.
	OnStderr func(line string)
	// OnSlog receives each %slog plea. It runs on the Serf's plea-reading
	// goroutine, so it must be quick (a slow callback stalls every reply)
	// and must not call the Serf's flows, Stop or LastEvent (the flow
	// holding the lock may be waiting for the reply behind this plea).
	// nil means: render the tank and log it at Info level.
	OnSlog func(pri uint64, tank noun.Noun)
	// OnFlog receives each %flog plea, on the plea-reading goroutine and
	// under the same rules as OnSlog. nil means: log it at Info level.
	OnFlog func(text string)
	// OnDeath is called exactly once when the serf process has ended,
	// expected or not, after Done is closed, with ExitErr's value: nil for
	// a clean exit with status 0. It runs on the Serf's process goroutine.
	OnDeath func(err error)
}

// withDefaults returns c with zero fields replaced by their defaults.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.SerfPath == "":
		exe, err := os.Executable()
		if err != nil {
			return c, fmt.Errorf("king: find this binary to run as the serf: %w", err)
		}
		c.SerfPath = exe
	case !strings.ContainsRune(c.SerfPath, os.PathSeparator):
		// A bare name is looked up in PATH, as a shell would.
		path, err := exec.LookPath(c.SerfPath)
		if err != nil {
			return c, fmt.Errorf("king: find serf binary: %w", err)
		}
		c.SerfPath = path
	}
	if c.CacheSize == 0 {
		c.CacheSize = DefaultCacheSize
	}
	if c.CacheSize < 0 {
		return c, fmt.Errorf("king: negative cache size %d", c.CacheSize)
	}
	if c.RipeTimeout <= 0 {
		c.RipeTimeout = DefaultRipeTimeout
	}
	if c.ExitTimeout <= 0 {
		c.ExitTimeout = DefaultExitTimeout
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	log := c.Logger
	if c.OnStderr == nil {
		c.OnStderr = func(line string) { log.Info("serf stderr", zap.String("line", line)) }
	}
	if c.OnSlog == nil {
		c.OnSlog = func(pri uint64, tank noun.Noun) {
			text := "(unprintable tank)"
			if lines, err := noun.RenderTank(tank, 80); err == nil {
				text = strings.Join(lines, "\n")
			}
			log.Info("serf slog", zap.Uint64("priority", pri), zap.String("text", text))
		}
	}
	if c.OnFlog == nil {
		c.OnFlog = func(text string) { log.Info("serf flog", zap.String("text", text)) }
	}
	return c, nil
}

// argv returns the serf's command line (PROTOCOL.md §3.3).
func (c Config) argv() []string {
	return []string{c.SerfPath, "serf", c.Pier, c.Key,
		strconv.FormatUint(uint64(c.Flags), 10),
		strconv.Itoa(c.CacheSize),
		strconv.FormatUint(c.RockEvent, 10)}
}
