package noun

// Dor reports whether a comes before b or equals it in Hoon's dor order, a
// total order on nouns: every atom comes before every cell, atoms are
// ordered by value, and cells by head, then by tail when the heads are
// equal. It is Hoon's `(dor a b)`.
func Dor(a, b Noun) bool { return Compare(a, b) <= 0 }

// Compare returns -1, 0 or +1 as a is before, equal to or after b in dor
// order (see Dor). It walks both nouns depth-first with an explicit stack,
// so any depth is fine, and, like Equal, compares shared subtrees once
// however often they recur.
func Compare(a, b Noun) int {
	if c, done := compareBounded(a, b, equalBudget); done {
		return c
	}
	return compareMemo(a, b)
}

// compareStep orders two nouns that are not both cells. For two cells it
// returns (0, false): the caller must descend.
func compareStep(x, y Noun) (c int, decided bool) {
	xc, yc := x.IsCell(), y.IsCell()
	switch {
	case xc && yc:
		return 0, false
	case xc:
		return 1, true
	case yc:
		return -1, true
	}
	return atomCompare(x, y), true
}

// compareBounded compares depth-first, heads before tails; the first
// difference decides. done is false if the budget of cell pairs ran out.
func compareBounded(a, b Noun, budget int) (c int, done bool) {
	type pair struct{ a, b Noun }
	var buf [32]pair
	stack := buf[:0]
	for {
		if a != b {
			if c, decided := compareStep(a, b); !decided {
				if budget--; budget < 0 {
					return 0, false
				}
				ca, cb := a.cell(), b.cell()
				stack = append(stack, pair{ca.tail, cb.tail})
				a, b = ca.head, cb.head
				continue
			} else if c != 0 {
				return c, true
			}
		}
		if len(stack) == 0 {
			return 0, true
		}
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b = p.a, p.b
	}
}

// compareMemo is compareBounded that remembers the pairs of cells proven
// equal, so each pair of shared subtrees is compared once.
func compareMemo(a, b Noun) int {
	if a == b {
		return 0
	}
	if c, decided := compareStep(a, b); decided {
		return c
	}
	type frame struct {
		a, b *cellNode
		next uint8 // 0: compare heads, 1: tails, 2: proven equal
	}
	var proven pairSet
	stack := []frame{{a: a.cell(), b: b.cell()}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next == 2 {
			proven.add(f.a, f.b)
			stack = stack[:len(stack)-1]
			continue
		}
		x, y := f.a.head, f.b.head
		if f.next == 1 {
			x, y = f.a.tail, f.b.tail
		}
		f.next++
		if x == y {
			continue
		}
		if c, decided := compareStep(x, y); decided {
			if c != 0 {
				return c
			}
			continue
		}
		cx, cy := x.cell(), y.cell()
		if proven.has(cx, cy) {
			continue
		}
		stack = append(stack, frame{a: cx, b: cy})
	}
	return 0
}

// atomCompare orders two atoms by value.
func atomCompare(a, b Noun) int {
	if a.p == nil && b.p == nil {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	}
	// A direct atom is below every big one: big atoms exceed 64 bits.
	if a.p == nil {
		return -1
	}
	if b.p == nil {
		return 1
	}
	wa, wb := a.big().words, b.big().words
	if len(wa) != len(wb) {
		return cmpInt(len(wa), len(wb))
	}
	for i := len(wa) - 1; i >= 0; i-- {
		if wa[i] != wb[i] {
			if wa[i] < wb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
