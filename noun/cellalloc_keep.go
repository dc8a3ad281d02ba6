package noun

import "unsafe"

// Keep returns n with every cell a built since the last Reset replaced by
// a copy allocated on its own, so that holding the result pins none of a's
// slabs. Cells built earlier are shared as they are: a noun never points
// to a younger one, so the walk stops at them and costs only the cells of
// this epoch that n reaches. So does a cell built any other way, which is
// why a caller keeping a product builds all of it with a. Sharing among the copied
// cells is kept (each is copied once), and so are their cached mugs.
//
// Keep does not recurse, so n may be of any depth.
func (a *CellAllocator) Keep(n Noun) Noun {
	if !a.fresh(n) {
		return n
	}
	defer a.moved.reset()
	st := append(a.stack[:0], keepFrame{c: (*cellNode)(n.p)})
	defer func() {
		clear(st)
		a.stack = st[:0]
	}()
	for {
		f := &st[len(st)-1]
		if f.stage == 0 {
			f.stage = 1
			h, push := a.keepChild(f.c.head)
			if push {
				st = append(st, keepFrame{c: (*cellNode)(h.p)})
				continue
			}
			f.head = h
		}
		if f.stage == 1 {
			f.stage = 2
			t, push := a.keepChild(f.c.tail)
			if push {
				st = append(st, keepFrame{c: (*cellNode)(t.p)})
				continue
			}
			f.tail = t
		}
		nc := &cellNode{head: f.head, tail: f.tail}
		nc.mug.Store(f.c.mug.Load())
		a.moved.put(unsafe.Pointer(f.c), unsafe.Pointer(nc))
		out := Noun{p: unsafe.Pointer(nc), v: tagCell}
		st = st[:len(st)-1]
		if len(st) == 0 {
			return out
		}
		if p := &st[len(st)-1]; p.stage == 1 {
			p.head = out
		} else {
			p.tail = out
		}
	}
}

// keepChild returns what a kept cell's child c becomes: c itself when it
// is not of this epoch, its copy when it was copied already, or push ==
// true when it must be copied first.
func (a *CellAllocator) keepChild(c Noun) (Noun, bool) {
	if !a.fresh(c) {
		return c, false
	}
	if m := a.moved.get(c.p); m != nil {
		return Noun{p: m, v: tagCell}, false
	}
	return c, true
}

// keepFrame is a cell Keep is copying: stage 0 before its head, 1 while
// its head is copied, 2 while its tail is.
type keepFrame struct {
	c          *cellNode
	head, tail Noun
	stage      uint8
}

// keepTable maps copied cells to their copies: open addressing on the
// pointer, linear probing, at most half full. It is emptied after each
// Keep, slot by slot when few were used (a kernel's event keeps tens of
// cells, and clearing the whole table every event cost more than the
// copying), and a table grown large by a big Keep is dropped rather than
// kept for every later small one.
//
// Invariants: n entries, n < len(slots)/2 when slots is non-nil; an empty
// slot has from == nil; used holds the index of every full slot.
type keepTable struct {
	slots []keepSlot
	n     int
	shift uint // 64 - log2(len(slots))
	used  []uint32
}

type keepSlot struct{ from, to unsafe.Pointer }

// keepTableMin and keepTableMax bound the table kept between calls.
const (
	keepTableMin = 64
	keepTableMax = 4096
)

func (t *keepTable) index(p unsafe.Pointer) uint64 {
	// Cells are 8-aligned and 40 bytes apart in a slab; the multiply
	// spreads them over the top bits, which pick the slot.
	h := uint64(uintptr(p)) * 0x9e3779b97f4a7c15
	return h >> t.shift
}

func (t *keepTable) get(p unsafe.Pointer) unsafe.Pointer {
	if t.n == 0 {
		return nil
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.index(p); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.from == p || s.from == nil {
			return s.to
		}
	}
}

func (t *keepTable) put(from, to unsafe.Pointer) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	i := t.index(from)
	for t.slots[i].from != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = keepSlot{from, to}
	t.n++
	t.used = append(t.used, uint32(i))
}

func (t *keepTable) grow() {
	old := t.slots
	t.slots = make([]keepSlot, max(keepTableMin, 2*len(old)))
	t.shift = 64 - uint(log2(len(t.slots)))
	t.n = 0
	t.used = t.used[:0]
	for _, s := range old {
		if s.from != nil {
			t.put(s.from, s.to)
		}
	}
}

// reset empties the table for the next Keep.
func (t *keepTable) reset() {
	if len(t.slots) > keepTableMax {
		t.slots, t.used = nil, nil
	} else {
		for _, i := range t.used {
			t.slots[i] = keepSlot{}
		}
	}
	t.n = 0
	t.used = t.used[:0]
}
