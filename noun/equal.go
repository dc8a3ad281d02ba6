package noun

import "slices"

// Equal reports whether a and b are the same noun. Identical pointers and
// differing cached mugs answer without descending; deep nouns are compared
// with an explicit stack, never by recursion.
func Equal(a, b Noun) bool {
	if a == b {
		return true
	}
	if a.IsCell() != b.IsCell() {
		return false
	}
	if !a.IsCell() {
		return atomEqual(a, b)
	}
	type pair struct{ a, b Noun }
	var stack []pair
	for {
		if a != b {
			if a.IsCell() != b.IsCell() {
				return false
			}
			if !a.IsCell() {
				if !atomEqual(a, b) {
					return false
				}
			} else {
				ca, cb := a.cell(), b.cell()
				if ma, mb := ca.mug.Load(), cb.mug.Load(); ma != 0 && mb != 0 && ma != mb {
					return false
				}
				stack = append(stack, pair{ca.tail, cb.tail})
				a, b = ca.head, cb.head
				continue
			}
		}
		if len(stack) == 0 {
			return true
		}
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		a, b = p.a, p.b
	}
}

// atomEqual compares two atoms. Direct atoms are never equal to big ones,
// because every constructor keeps 64-bit values direct.
func atomEqual(a, b Noun) bool {
	if a.p == nil || b.p == nil {
		return a == b
	}
	return slices.Equal(a.big().words, b.big().words)
}
