package behn

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/kingserf/king/noun"
)

// parseUnitDa reads a (unit @da): ~ is no wake-up, [~ date] a wake-up at
// date.
func parseUnitDa(unit noun.Noun) (when time.Time, set bool, err error) {
	if unit.IsZero() {
		return time.Time{}, false, nil
	}
	h, da, ok := unit.Uncell()
	if !ok || !h.IsZero() {
		return time.Time{}, false, fmt.Errorf("%w: want ~ or [~ @da], got %s", ErrBadDoze, clip(unit))
	}
	if !da.IsAtom() {
		return time.Time{}, false, fmt.Errorf("%w: the date is a cell", ErrBadDoze)
	}
	when, err = noun.FromDa(da)
	if err != nil {
		// A date more than 2^62 seconds from 1970 is still a date: one
		// long past fires at once, one far ahead never in practice.
		when = time.Unix(1<<40, 0).UTC()             // beyond any timer's reach
		epoch := noun.Da(time.Unix(0, 0)).Words()[1] // the high word of 1970's @da
		if w := da.Words(); len(w) <= 2 && (len(w) < 2 || w[1] < epoch) {
			when = time.Unix(0, 0).UTC()
		}
	}
	return when, true, nil
}

// readState reads the state file; ok is false if there is none or it is
// damaged (damage is logged).
func (d *Driver) readState() (noun.Noun, bool) {
	f, err := os.Open(d.stateFile)
	if errors.Is(err, os.ErrNotExist) {
		return noun.Zero, false
	}
	if err != nil {
		d.logger.Warn("behn: cannot read the state file", zap.String("file", d.stateFile), zap.Error(err))
		return noun.Zero, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil || len(b) > maxStateFile {
		d.logger.Warn("behn: ignoring an unreadable or oversized state file", zap.String("file", d.stateFile),
			zap.Int("bytes", len(b)), zap.Error(err))
		return noun.Zero, false
	}
	n, err := noun.Cue(b)
	if err != nil {
		d.logger.Warn("behn: ignoring a state file that does not cue", zap.String("file", d.stateFile), zap.Error(err))
		return noun.Zero, false
	}
	return n, true
}

// writeState replaces the state file with the jam of unit, through a
// temporary file and a rename, so a reader sees the old or the new one.
func (d *Driver) writeState(unit noun.Noun) error {
	dir := filepath.Dir(d.stateFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("behn: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(d.stateFile)+".tmp-*")
	if err != nil {
		return fmt.Errorf("behn: %w", err)
	}
	_, err = tmp.Write(noun.Jam(unit))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), d.stateFile)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("behn: write %s: %w", d.stateFile, err)
	}
	return nil
}

// clip renders a noun for an error message, cut to a readable length.
func clip(n noun.Noun) string {
	s := noun.String(n)
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
