package nock

import (
	"unsafe"

	"github.com/kingserf/king/noun"
)

// frameKind says what a frame does with the product that returns to it.
type frameKind uint8

const (
	// kCons1: autocons head done; a = subject, b = tail formula. Becomes
	// kCons2 holding the head's product while the tail runs.
	kCons1 frameKind = iota
	// kCons2: a = head product; the tail's product completes the cell.
	kCons2
	// kEval1: opcode 2, new subject done; a = subject, b = formula-formula.
	// Becomes kEval2 holding the new subject.
	kEval1
	// kEval2: a = new subject; the product is the formula to run (tail).
	kEval2
	// kDeep: opcode 3.
	kDeep
	// kBump: opcode 4.
	kBump
	// kSame1: opcode 5, first operand done; a = subject, b = second formula.
	kSame1
	// kSame2: a = first operand.
	kSame2
	// kIf: opcode 6 test done; a = subject, b = [yes no] formulas.
	kIf
	// kComp: opcode 7; b = formula to run against the product (tail).
	kComp
	// kPush: opcode 8; a = subject, b = formula to run against [product a].
	kPush
	// kKick: opcode 9 core done; c = axis of the arm.
	kKick
	// kEdit1: opcode 10 value done; a = subject, b = target formula,
	// c = axis. Becomes kEdit2 holding the value.
	kEdit1
	// kEdit2: a = value, c = axis; the product is the target.
	kEdit2
	// kClue: dynamic hint clue done; a = subject, b = body, c = tag.
	kClue
	// kTrace: a %spot/%mean/%hunk/%lose hint's body is running; c = [tag
	// clue]. Popped unchanged; read only when rendering a crash trace.
	kTrace
	// kMemo: a %memo body is running; a = subject, b = body formula.
	kMemo
	// kBout: a %bout body is running; a = label (0 for none), c = start time
	// in Unix nanoseconds.
	kBout
)

// frame is one continuation on the interpreter's explicit stack. The meaning
// of a, b and c depends on kind (see the frameKind constants).
type frame struct {
	kind    frameKind
	a, b, c noun.Noun
}

// frameBytes is what one frame costs against the memory budget.
const frameBytes = int64(unsafe.Sizeof(frame{}))

// minFrames is the initial stack capacity; keepFrames the largest stack kept
// between computations (larger ones are dropped so a deep recursion does not
// pin memory forever).
const (
	minFrames  = 256
	keepFrames = 1 << 18
)

// push adds a frame. It returns false when growing the stack would exceed the
// memory budget.
func (it *Interpreter) push(k frameKind, a, b, c noun.Noun) bool {
	if it.sp == len(it.stack) && !it.grow() {
		return false
	}
	// Field by field: a whole-struct store would go through a bulk write
	// barrier, which costs more than the four stores.
	f := &it.stack[it.sp]
	f.kind, f.a, f.b, f.c = k, a, b, c
	it.sp++
	if it.sp > it.high {
		it.high = it.sp
	}
	return true
}

// grow doubles the frame stack's capacity if the memory budget allows it.
// The new capacity is charged in full, since that is what is allocated.
func (it *Interpreter) grow() bool {
	n := 2 * len(it.stack)
	if n < minFrames {
		n = minFrames
	}
	bytes := int64(n) * frameBytes
	limit := it.limitFor(bytes)
	if it.cfg.MemoryBudget <= 0 {
		if bytes > DefaultStackBudget {
			return false
		}
	} else if it.alloc > limit {
		return false
	}
	s := make([]frame, n)
	copy(s, it.stack[:it.sp])
	it.stack = s
	it.allocLimit = limit
	return true
}
