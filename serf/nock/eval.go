package nock

import (
	"fmt"

	"github.com/kingserf/king/noun"
)

// run evaluates *[subj form] on the frame stack above the current top and
// returns with the stack as it found it. It is the interpreter's only loop:
// the outer loop evaluates a formula, either producing a value (then the inner
// loop pops frames that consume it) or descending into a sub-formula after
// pushing a frame, or replacing subj and form for a tail call.
func (it *Interpreter) run(subj, form noun.Noun) (noun.Noun, *Crash) {
	base := it.sp
	var res noun.Noun
eval:
	for {
		it.steps++
		if it.steps >= it.nextCheck {
			if mote, why := it.poll(); mote != "" {
				return noun.Zero, it.crash(base, mote, why)
			}
		}
		// The fast path for tail calls with small operands (tail.go);
		// qcache.lookup, with the hit path written out.
		set := it.qc.set(form)
		e := &set[0]
		if e.form != form {
			e = it.qc.miss(set, form, it.cells, false)
		}
		if sh := e.shape; sh != nil {
			// Opcodes 6 and 9 are finished here rather than in a
			// function: the call was a tenth of a decrement loop.
			steps, alloc := it.steps, it.alloc
			if v, ok := it.quick(subj, sh.q); ok {
				switch sh.op {
				case 6:
					switch v {
					case noun.Atom(0):
						form = sh.f
						continue
					case noun.Atom(1):
						form = sh.g
						continue
					}
				case 9:
					if arm, ok := v.WalkPath(sh.path, int(sh.depth)); ok {
						subj, form = v, arm
						continue
					}
				default:
					if s, f, ok := it.tailRest(subj, sh, v); ok {
						subj, form = s, f
						continue
					}
				}
			}
			it.steps, it.alloc = steps, alloc
		}
		op, arg, ok := form.Uncell()
		if !ok {
			return noun.Zero, it.crash(base, MoteExit, "the formula is an atom")
		}
		if op.IsCell() {
			// Autocons: *[a [b c] d] = [*[a b c] *[a d]].
			if v, ok := it.tryQuick(subj, op); ok {
				if !it.push(kCons2, v, noun.Zero, noun.Zero) {
					return noun.Zero, it.meme(base)
				}
				form = arg
				continue
			}
			if !it.push(kCons1, subj, arg, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = op
			continue
		}
		code, direct := op.Word()
		if !direct {
			return noun.Zero, it.crash(base, MoteExit, "the opcode is not a small atom")
		}
		switch code {
		case 0:
			if res, ok = slot(subj, arg); !ok {
				return noun.Zero, it.crash(base, MoteExit, slotReason("opcode 0", arg))
			}
		case 1:
			res = arg
		case 2:
			b, c, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 2)
			}
			if s, ok := it.tryQuick(subj, b); ok {
				if f, ok := it.tryQuick(subj, c); ok {
					subj, form = s, f
					continue
				}
				if !it.push(kEval2, s, noun.Zero, noun.Zero) {
					return noun.Zero, it.meme(base)
				}
				form = c
				continue
			}
			if !it.push(kEval1, subj, c, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = b
			continue
		case 3:
			if v, ok := it.tryQuick(subj, arg); ok {
				res = noun.Loob(v.IsCell())
				break
			}
			if !it.push(kDeep, noun.Zero, noun.Zero, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = arg
			continue
		case 4:
			if v, ok := it.tryQuick(subj, arg); ok {
				if res, ok = it.bump(v); !ok {
					return noun.Zero, it.bumpCrash(base, v)
				}
				break
			}
			if !it.push(kBump, noun.Zero, noun.Zero, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = arg
			continue
		case 5:
			b, c, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 5)
			}
			if v, ok := it.tryQuick(subj, b); ok {
				if w, ok := it.tryQuick(subj, c); ok {
					res = noun.Loob(same(v, w))
					break
				}
				if !it.push(kSame2, v, noun.Zero, noun.Zero) {
					return noun.Zero, it.meme(base)
				}
				form = c
				continue
			}
			if !it.push(kSame1, subj, c, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = b
			continue
		case 6:
			b, cd, ok := arg.Uncell()
			if !ok || !cd.IsCell() {
				return noun.Zero, it.malformed(base, 6)
			}
			if t, ok := it.tryQuick(subj, b); ok {
				yes, no, _ := cd.Uncell()
				switch w, _ := t.Word(); {
				case t.IsDirect() && w == 0:
					form = yes
				case t.IsDirect() && w == 1:
					form = no
				default:
					return noun.Zero, it.crash(base, MoteExit, notLoobean)
				}
				continue
			}
			if !it.push(kIf, subj, cd, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = b
			continue
		case 7:
			b, c, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 7)
			}
			if v, ok := it.tryQuick(subj, b); ok {
				subj, form = v, c
				continue
			}
			if !it.push(kComp, noun.Zero, c, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = b
			continue
		case 8:
			b, c, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 8)
			}
			if v, ok := it.tryQuick(subj, b); ok {
				if subj, ok = it.cons(v, subj); !ok {
					return noun.Zero, it.meme(base)
				}
				form = c
				continue
			}
			if !it.push(kPush, subj, c, noun.Zero) {
				return noun.Zero, it.meme(base)
			}
			form = b
			continue
		case 9:
			b, c, ok := arg.Uncell()
			if !ok || b.IsCell() {
				return noun.Zero, it.malformed(base, 9)
			}
			if core, ok := it.tryQuick(subj, c); ok {
				var arm noun.Noun
				if w, direct := b.Word(); direct && w != 0 {
					arm, ok = core.Walk(w)
				} else {
					arm, ok = slot(core, b)
				}
				if !ok {
					return noun.Zero, it.crash(base, MoteExit, slotReason("opcode 9", b))
				}
				subj, form = core, arm
				continue
			}
			if !it.push(kKick, noun.Zero, noun.Zero, b) {
				return noun.Zero, it.meme(base)
			}
			form = c
			continue
		case 10:
			bc, d, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 10)
			}
			b, c, ok := bc.Uncell()
			if !ok || b.IsCell() {
				return noun.Zero, it.malformed(base, 10)
			}
			if !it.push(kEdit1, subj, d, b) {
				return noun.Zero, it.meme(base)
			}
			form = c
			continue
		case 11:
			b, c, ok := arg.Uncell()
			if !ok {
				return noun.Zero, it.malformed(base, 11)
			}
			if tag, clue, ok := b.Uncell(); ok {
				if !it.push(kClue, subj, c, tag) {
					return noun.Zero, it.meme(base)
				}
				form = clue
				continue
			}
			v, act := it.staticHint(b, subj, c)
			switch act {
			case hintBody:
				form = c
				continue
			case hintHit:
				res = v
			default:
				return noun.Zero, it.meme(base)
			}
		default:
			return noun.Zero, it.crash(base, MoteExit, fmt.Sprintf("unknown opcode %d", code))
		}

		// res is a product: hand it to the frames waiting for it until one
		// of them starts another evaluation.
		for {
			if it.sp == base {
				return res, nil
			}
			f := &it.stack[it.sp-1]
			switch f.kind {
			case kCons1:
				subj, form = f.a, f.b
				f.kind, f.a, f.b = kCons2, res, noun.Zero
				continue eval
			case kCons2:
				if res, ok = it.cons(f.a, res); !ok {
					return noun.Zero, it.meme(base)
				}
			case kEval1:
				subj, form = f.a, f.b
				f.kind, f.a, f.b = kEval2, res, noun.Zero
				continue eval
			case kEval2:
				subj, form = f.a, res
				it.sp--
				continue eval
			case kDeep:
				res = noun.Loob(res.IsCell())
			case kBump:
				v := res
				if res, ok = it.bump(v); !ok {
					return noun.Zero, it.bumpCrash(base, v)
				}
			case kSame1:
				subj, form = f.a, f.b
				f.kind, f.a, f.b = kSame2, res, noun.Zero
				continue eval
			case kSame2:
				res = noun.Loob(same(f.a, res))
			case kIf:
				yes, no, _ := f.b.Uncell()
				subj = f.a
				switch t, _ := res.Word(); {
				case res.IsDirect() && t == 0:
					form = yes
				case res.IsDirect() && t == 1:
					form = no
				default:
					return noun.Zero, it.crash(base, MoteExit, notLoobean)
				}
				it.sp--
				continue eval
			case kComp:
				subj, form = res, f.b
				it.sp--
				continue eval
			case kPush:
				if subj, ok = it.cons(res, f.a); !ok {
					return noun.Zero, it.meme(base)
				}
				form = f.b
				it.sp--
				continue eval
			case kKick:
				arm, ok := slot(res, f.c)
				if !ok {
					return noun.Zero, it.crash(base, MoteExit, slotReason("opcode 9", f.c))
				}
				subj, form = res, arm
				it.sp--
				continue eval
			case kEdit1:
				subj, form = f.a, f.b
				f.kind, f.a, f.b = kEdit2, res, noun.Zero
				continue eval
			case kEdit2:
				v, ok := it.edit(res, f.c, f.a)
				if !ok {
					if it.alloc > it.allocLimit {
						return noun.Zero, it.meme(base)
					}
					return noun.Zero, it.crash(base, MoteExit, slotReason("opcode 10", f.c))
				}
				res = v
			case kClue:
				s, body, tag := f.a, f.b, f.c
				it.sp--
				v, act := it.dynamicHint(tag, res, s, body)
				switch act {
				case hintBody:
					subj, form = s, body
					continue eval
				case hintHit:
					res = v
					continue
				default:
					return noun.Zero, it.meme(base)
				}
			case kTrace:
			case kMemo:
				it.memo.put(f.a, f.b, res)
			case kBout:
				it.bout(f.a, f.c)
			default:
				return noun.Zero, it.crash(base, MoteFail, fmt.Sprintf("corrupt frame kind %d", f.kind))
			}
			it.sp--
		}
	}
}
