package nock

import "github.com/kingserf/king/noun"

// memoCache holds the products of %memo-hinted formulas, keyed by the pair
// [subject formula] compared structurally.
//
// Eviction is least-recently-used: every hit moves an entry to the front of
// a doubly linked list, and inserting past the size bound drops the entry at
// the back. LRU suits %memo's use in Hoon (the same few expensive calls, such
// as type checks, repeated close together) and costs O(1) per operation.
//
// Invariants: n == number of entries in the list == number reachable from
// buckets; n <= size; an entry is in the bucket of its hash.
type memoCache struct {
	size    int
	n       int
	buckets map[uint64]*memoEntry
	// head is the most recently used entry, tail the least.
	head, tail *memoEntry
}

type memoEntry struct {
	subj, form, val noun.Noun
	hash            uint64
	// chain links entries with the same hash; prev/next the LRU list.
	chain      *memoEntry
	prev, next *memoEntry
}

// newMemoCache returns a cache of size entries, or nil when size <= 0 (the
// cache is disabled).
func newMemoCache(size int) *memoCache {
	if size <= 0 {
		return nil
	}
	return &memoCache{size: size, buckets: make(map[uint64]*memoEntry)}
}

// memoHash combines the mugs of subject and formula. Mugs are cached in the
// nouns, so hashing a kernel-sized subject costs only its new cells.
func memoHash(subj, form noun.Noun) uint64 {
	return uint64(noun.Mug(subj))<<32 | uint64(noun.Mug(form))
}

// get returns the cached product of *[subj form], if any.
func (m *memoCache) get(subj, form noun.Noun) (noun.Noun, bool) {
	h := memoHash(subj, form)
	for e := m.buckets[h]; e != nil; e = e.chain {
		if same(e.form, form) && same(e.subj, subj) {
			m.unlink(e)
			m.pushFront(e)
			return e.val, true
		}
	}
	return noun.Zero, false
}

// put stores the product of *[subj form], evicting the least recently used
// entry when full.
func (m *memoCache) put(subj, form, val noun.Noun) {
	h := memoHash(subj, form)
	for e := m.buckets[h]; e != nil; e = e.chain {
		if same(e.form, form) && same(e.subj, subj) {
			// The body memoized itself while running; keep one entry.
			e.val = val
			return
		}
	}
	e := &memoEntry{subj: subj, form: form, val: val, hash: h, chain: m.buckets[h]}
	m.buckets[h] = e
	m.pushFront(e)
	m.n++
	if m.n > m.size {
		m.evict(m.tail)
	}
}

// len returns the number of cached entries.
func (m *memoCache) len() int {
	if m == nil {
		return 0
	}
	return m.n
}

// evict removes e from its bucket and the list.
func (m *memoCache) evict(e *memoEntry) {
	m.unlink(e)
	m.n--
	if m.buckets[e.hash] == e {
		if e.chain == nil {
			delete(m.buckets, e.hash)
		} else {
			m.buckets[e.hash] = e.chain
		}
		return
	}
	for p := m.buckets[e.hash]; p != nil; p = p.chain {
		if p.chain == e {
			p.chain = e.chain
			return
		}
	}
}

func (m *memoCache) unlink(e *memoEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		m.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		m.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (m *memoCache) pushFront(e *memoEntry) {
	e.next = m.head
	if m.head != nil {
		m.head.prev = e
	}
	m.head = e
	if m.tail == nil {
		m.tail = e
	}
}
