package ipc

import "github.com/kingserf/king/noun"

// Protocol tags (PROTOCOL.md §3) as the atoms they are: the little-endian
// bytes of the ASCII name. All are four letters, so each fits in a word
// and decoding compares words, not byte strings.
const (
	tagBail = uint64('b') | uint64('a')<<8 | uint64('i')<<16 | uint64('l')<<24
	tagCram = uint64('c') | uint64('r')<<8 | uint64('a')<<16 | uint64('m')<<24
	tagDone = uint64('d') | uint64('o')<<8 | uint64('n')<<16 | uint64('e')<<24
	tagExit = uint64('e') | uint64('x')<<8 | uint64('i')<<16 | uint64('t')<<24
	tagFlog = uint64('f') | uint64('l')<<8 | uint64('o')<<16 | uint64('g')<<24
	tagLive = uint64('l') | uint64('i')<<8 | uint64('v')<<16 | uint64('e')<<24
	tagMeld = uint64('m') | uint64('e')<<8 | uint64('l')<<16 | uint64('d')<<24
	tagOnce = uint64('o') | uint64('n')<<8 | uint64('c')<<16 | uint64('e')<<24
	tagPack = uint64('p') | uint64('a')<<8 | uint64('c')<<16 | uint64('k')<<24
	tagPeek = uint64('p') | uint64('e')<<8 | uint64('e')<<16 | uint64('k')<<24
	tagPlay = uint64('p') | uint64('l')<<8 | uint64('a')<<16 | uint64('y')<<24
	tagRipe = uint64('r') | uint64('i')<<8 | uint64('p')<<16 | uint64('e')<<24
	tagSave = uint64('s') | uint64('a')<<8 | uint64('v')<<16 | uint64('e')<<24
	tagSlog = uint64('s') | uint64('l')<<8 | uint64('o')<<16 | uint64('g')<<24
	tagSwap = uint64('s') | uint64('w')<<8 | uint64('a')<<16 | uint64('p')<<24
	tagWork = uint64('w') | uint64('o')<<8 | uint64('r')<<16 | uint64('k')<<24
)

// tag returns the atom for a tag constant.
func tag(t uint64) noun.Noun { return noun.Atom(t) }
