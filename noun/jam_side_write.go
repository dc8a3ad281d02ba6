package noun

import "math/bits"

// sideTail is a tail writeSide has still to write, and whether it is a
// counted atom whose slot counted twice.
type sideTail struct {
	n    Noun
	many bool
}

// writeSide writes n in pre-order, head first, after hashWalk and
// countSide. A cell whose entry is written is a repeat of the same
// pointer: a backref to the offset in the entry. A cell met for the first
// time is looked up in the exact table only if flagged sideMany, and its
// entry then records where its structure was first written.
func (j *jammer) writeSide(n Noun) {
	var buf [jamInlineTails]sideTail
	tails := buf[:0]
	s := &j.side
	many := false
	for {
		switch {
		case n.p == nil:
			j.directSide(n.v, many)
		case n.v == tagBig:
			j.bigSide(n, many)
		default:
			e, _ := s.entry(n.p)
			v := *e
			if v&sideHashed == 0 {
				j.w.backref(uint64(v&sideValue) - 1)
				break
			}
			// hashWalk bounded every offset by sideMaxOffset.
			pos := j.w.pos
			if v&sideMany != 0 {
				// The table's key hash is the structural hash, not the mug:
				// it only has to agree between equal cells.
				if k, found := j.cells.findOrAdd(n.p, false, (v&sideValue)<<3, pos); found {
					j.w.backref(k)
					*e = uint32(k) + 1
					break
				}
			}
			*e = v&sideFlags | uint32(pos+1)
			c := n.cell()
			j.w.write(1, 2) // tag bits 1, 0: a cell
			tails = append(tails, sideTail{c.tail, v&sideTailMany != 0})
			n, many = c.head, v&sideHeadMany != 0
			continue
		}
		if len(tails) == 0 {
			return
		}
		t := tails[len(tails)-1]
		tails = tails[:len(tails)-1]
		n, many = t.n, t.many
	}
}

// directSide writes a direct atom, or a backref to its first copy; many
// reports whether it was counted (wider than shortAtomBits) and its slot
// counted twice. An atom counted once occurs once, so it is written
// without a lookup; a short atom is looked up in the short table as in
// jammer.direct, which stays small and cached.
func (j *jammer) directSide(v uint64, many bool) {
	if v == 0 {
		j.w.write(2, 2) // 0 is never wider than an offset
		return
	}
	pos := j.w.pos
	if fresh, look := j.atomLookup(v, pos); look {
		t := &j.short
		if bits.Len64(v) > shortAtomBits {
			if !many {
				j.w.atom(v)
				return
			}
			t = &j.atoms
		}
		if k, found := t.findOrAdd(v, fresh, pos); found {
			j.w.backref(k)
			return
		}
		if fresh {
			j.atomEntered(v)
		}
	}
	j.w.atom(v)
}

// bigSide writes an atom of more than 64 bits, or a backref to its first
// copy if it was counted twice.
func (j *jammer) bigSide(n Noun, many bool) {
	b := n.big()
	if many {
		if k, found := j.cells.findOrAdd(n.p, true, mugBig(b), j.w.pos); found {
			j.w.backref(k)
			return
		}
	}
	j.w.write(0, 1)
	j.w.matWords(b.words)
}

// atLeastCells reports whether n has at least limit cells, counting a
// shared cell at each of its places; it stops counting at limit.
func atLeastCells(n Noun, limit int) bool {
	var buf [jamInlineTails]*cellNode
	stack := buf[:0]
	count := 0
	for {
		if n.IsCell() {
			if count++; count >= limit {
				return true
			}
			c := n.cell()
			stack = append(stack, c)
			n = c.head
			continue
		}
		if len(stack) == 0 {
			return false
		}
		n = stack[len(stack)-1].tail
		stack = stack[:len(stack)-1]
	}
}
