package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kingserf/king/king/control"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// infoCommand is `king info <pier>`.
func infoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "print a pier's identity, event count, snapshot event and sizes",
		ArgsUsage: "<pier>",
		Description: "Reads the pier without starting a serf or taking its lock. For a pier that\n" +
			"another king is running, the figures come from that king (its control socket),\n" +
			"and events is its last committed event; if it does not answer, the pier is\n" +
			"reported as running with that king's pid (exit status 3).\n\n" +
			"Ships are printed as @p (~zod). With --json, one JSON object with the keys\n" +
			"pier, who (the @p), who_number (the ship in decimal), fake, life, events (the\n" +
			"last event number), last_mug,\n" +
			"has_snapshot, snapshot_event (the event of the last snapshot the king\n" +
			"recorded, 0 if none), snapshot_mug, log_bytes, snapshot_bytes and running (true\n" +
			"when a king runs the pier; king_pid is then its pid).",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		OnUsageError: usageError,
		Action:       infoAction,
	}
}

// infoJSON is the object `king info --json` prints. Mugs are hex strings
// as everywhere else; who is the ship's @p (~zod), and who_number the
// same ship in decimal, a string since ships reach 2^128.
type infoJSON struct {
	Pier          string `json:"pier"`
	Who           string `json:"who"`
	WhoNumber     string `json:"who_number"`
	Fake          bool   `json:"fake"`
	Life          uint64 `json:"life"`
	Events        uint64 `json:"events"`
	LastMug       string `json:"last_mug"`
	HasSnapshot   bool   `json:"has_snapshot"`
	SnapshotEvent uint64 `json:"snapshot_event"`
	SnapshotMug   string `json:"snapshot_mug"`
	LogBytes      int64  `json:"log_bytes"`
	SnapshotBytes int64  `json:"snapshot_bytes"`
	Running       bool   `json:"running"`
	KingPid       int    `json:"king_pid,omitempty"`
}

func infoAction(c *cli.Context) error {
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	if err := checkPierDir(dir); err != nil {
		return err
	}
	rep, err := pier.Info(dir)
	var locked *pier.LockedError
	running := errors.As(err, &locked)
	if running {
		if rep, err = runningInfo(c, dir); err != nil {
			return explain(locked)
		}
	}
	if err != nil {
		return explain(err)
	}
	out := infoJSON{
		Pier:          dir,
		Who:           shipString(rep.Who),
		WhoNumber:     noun.Raw(rep.Who),
		Fake:          rep.Fake,
		Life:          rep.Life,
		Events:        rep.Events,
		LastMug:       fmt.Sprintf("0x%08x", rep.LastMug),
		HasSnapshot:   rep.HasSnapshot,
		SnapshotEvent: rep.SnapshotEvent,
		SnapshotMug:   fmt.Sprintf("0x%08x", rep.SnapshotMug),
		LogBytes:      rep.LogBytes,
		SnapshotBytes: rep.SnapshotBytes,
		Running:       running,
	}
	if running {
		out.KingPid = locked.Pid
	}
	w := c.App.Writer
	if c.Bool("json") {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	snap := "none"
	if out.HasSnapshot {
		snap = fmt.Sprintf("event %d (mug %s)", out.SnapshotEvent, out.SnapshotMug)
	}
	if running {
		fmt.Fprintf(w, "running:   yes, king pid %d (figures from that king)\n", out.KingPid)
	}
	_, err = fmt.Fprintf(w, "pier:      %s\nship:      %s (fake: %t)\nlife:      %d boot formulas\n"+
		"events:    %d (last mug %s)\nsnapshot:  %s\nlog:       %d bytes\nsnapshot files: %d bytes\n",
		out.Pier, out.Who, out.Fake, out.Life, out.Events, out.LastMug, snap, out.LogBytes, out.SnapshotBytes)
	return err
}

// runningInfoTimeout bounds how long `king info` waits for a running king.
const runningInfoTimeout = 2 * time.Second

// runningInfo asks the king running the pier in dir for the figures its
// locked log holds (identity, last committed event and mug); the files
// give the rest.
func runningInfo(c *cli.Context, dir string) (pier.InfoReport, error) {
	ctx, cancel := context.WithTimeout(c.Context, runningInfoTimeout)
	defer cancel()
	cl, err := control.Dial(ctx, dir)
	if err != nil {
		return pier.InfoReport{}, err
	}
	defer cl.Close()
	who, _, err := cl.Peel(ctx, "who")
	if err != nil {
		return pier.InfoReport{}, err
	}
	facts, err := cl.Info(ctx)
	if err != nil {
		return pier.InfoReport{}, err
	}
	byName := make(map[string]uint64, len(facts))
	for _, f := range facts {
		byName[f.Name] = f.Value
	}
	for _, name := range []string{"fake", "life", "last-committed", "last-mug"} {
		if _, ok := byName[name]; !ok {
			return pier.InfoReport{}, fmt.Errorf("the running king does not report %q", name)
		}
	}
	rep := pier.InfoReport{Who: who, Fake: byName["fake"] == 1, Life: byName["life"],
		Events: byName["last-committed"], LastMug: uint32(byName["last-mug"])}
	if err := pier.DiskInfo(dir, &rep); err != nil {
		return pier.InfoReport{}, err
	}
	return rep, nil
}
