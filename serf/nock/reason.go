package nock

import (
	"fmt"

	"github.com/kingserf/king/noun"
)

// malformed reports a formula whose argument has the wrong shape for its
// opcode.
func (it *Interpreter) malformed(base int, op int) *Crash {
	return it.crash(base, MoteExit, fmt.Sprintf("opcode %d: malformed formula", op))
}

// meme reports an exceeded memory budget.
func (it *Interpreter) meme(base int) *Crash {
	return it.crash(base, MoteMeme, fmt.Sprintf("memory budget of %d bytes exceeded", it.cfg.MemoryBudget))
}

// notLoobean explains a failed opcode 6.
const notLoobean = "opcode 6: the test is not a loobean (0 or 1)"

// slotReason explains a failed slot or edit at axis.
func slotReason(where string, axis noun.Noun) string {
	switch {
	case axis.IsCell():
		return where + ": the axis is a cell"
	case axis.IsZero():
		return where + ": axis 0"
	case axis.IsDirect():
		w, _ := axis.Word()
		return fmt.Sprintf("%s: axis %d is not in the subject", where, w)
	}
	return fmt.Sprintf("%s: a %d-bit axis is not in the subject", where, axis.BitLen())
}
