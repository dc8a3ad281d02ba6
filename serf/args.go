package serf

import (
	"fmt"
	"os"
	"strconv"

	"github.com/kingserf/king/ipc"
)

// FramingEnv is the environment variable that chooses the framing of
// `king serf`: "newt" for newt frames; unset, "" or "legacy" for legacy
// frames.
const FramingEnv = "KING_SERF_FRAMING"

// ParseArgs parses the serf's argv after the subcommand name (PROTOCOL.md
// §3.3): <pier> <key> <flags> <cache-size> <rock-event>. It fills in Pier,
// Key, Flags, CacheSize and RockEvent; the caller sets the streams.
func ParseArgs(args []string) (Config, error) {
	if len(args) != 5 {
		return Config{}, fmt.Errorf("%w: want 5 arguments <pier> <key> <flags> <cache-size> <rock-event>, got %d",
			ErrConfig, len(args))
	}
	cfg := Config{Pier: args[0], Key: args[1]}
	if cfg.Pier == "" {
		return Config{}, fmt.Errorf("%w: pier is empty", ErrConfig)
	}
	flags, err := ParseFlags(args[2])
	if err != nil {
		return Config{}, err
	}
	cfg.Flags = flags
	cache, err := strconv.ParseUint(args[3], 10, 32) // a 32-bit word, as Urbit reads it
	if err != nil {
		return Config{}, fmt.Errorf("%w: cache-size %q: want a decimal number below 2^32", ErrConfig, args[3])
	}
	cfg.CacheSize = int(cache)
	rock, err := strconv.ParseUint(args[4], 10, 64)
	if err != nil {
		return Config{}, fmt.Errorf("%w: rock-event %q: want a decimal number below 2^64", ErrConfig, args[4])
	}
	cfg.RockEvent = rock
	return cfg, nil
}

// FramingFromEnv returns the framing FramingEnv asks for.
func FramingFromEnv() (ipc.Framing, error) {
	switch v := os.Getenv(FramingEnv); v {
	case "", "legacy":
		return ipc.Legacy, nil
	case "newt":
		return ipc.Newt, nil
	default:
		return ipc.Auto, fmt.Errorf("%w: %s=%q: want \"legacy\" or \"newt\"", ErrConfig, FramingEnv, v)
	}
}
