// Package eventlog is the king's durable event log: the ordered, numbered
// list of every event a pier has computed, from which the serf's state can
// always be rebuilt (shared/spec/PROTOCOL.md §4).
//
// # On-disk format
//
// The log is one go.etcd.io/bbolt file, data.db, in the log directory
// (normally <pier>/.urb/log). It holds the same logical content as the LMDB
// logs of Urbit's C runtime and of urbit-king, so an import from theirs
// copies every value unchanged and converts only the event keys (see
// below):
//
//   - bucket META: keys are ASCII strings; values are minimal little-endian
//     atom bytes. "version" = 1; "who" = the ship (an atom of at most 128
//     bits); "fake" = a loobean (empty bytes = yes, 0x01 = no); "life" = the
//     number of boot formulas at the start of the log.
//   - bucket EVENTS: key = event number as an 8-byte BIG-endian integer;
//     value = 4-byte little-endian mug of the kernel after the event, then
//     the jam of the event. Boot formulas are stored raw with mug 0, every
//     later event as [now ovum].
//
// The key byte order deliberately differs from LMDB's MDB_INTEGERKEY, which
// stores native-endian (little-endian) integers and compares them as
// integers: bbolt compares keys as byte strings, so only big-endian keys
// sort in event order and let appends go to the rightmost page. An import
// from LMDB converts each key; values are copied unchanged. The EVENTS bucket
// is written with FillPercent = 1.0 because keys only ever grow.
//
// # Invariants
//
// Kept by every writer in this package:
//
//   - event numbers in EVENTS start at 1 and have no gaps: after any commit
//     the keys are exactly 1..Last();
//   - an Append that returned nil is durable (fsynced by bbolt's commit,
//     unless Options.NoSync) — no caller ever sees success earlier;
//   - a log that failed a commit is broken: every later write fails with
//     ErrBroken, because after a failed fsync the state of the file is not
//     known and a pier must stop intake rather than guess;
//   - a new log appears atomically: Create builds it under a temporary name
//     and links it into place, so data.db either does not exist or holds a
//     complete META.
//
// # Group commit
//
// Writers run in one committer goroutine. Append and Submit check numbering
// against every event already accepted (committed or queued), so the queue
// always continues the log exactly; the committer writes everything queued
// since its previous commit in one bbolt write transaction. A kill -9 at any
// moment therefore leaves a prefix of what was submitted, containing at least
// every event whose Append returned.
//
// # Reading
//
// Readers (Read, Events, Verify) use short read-only transactions of at most
// a few thousand events each and copy every value out, so replay never holds
// the write lock, never blocks bbolt's remapping for long, and the returned
// events stay valid after the transaction.
//
// # Memory
//
// bbolt keeps a little bookkeeping for every page an append-only log fills
// (its freelist's record of which transaction allocated each page) for as
// long as a handle is open, about 0.5 B per event. The committer therefore
// reopens the bbolt handle after every megabyte of values, between
// commits, without ever letting go of the file lock; see reopen.go.
//
// # Damage and repair
//
// bbolt commits are atomic, so a log written by this package has no torn
// tail; damage comes from imported logs, bit rot or other writers. Verify
// reports the first problem as a *GapError or *CorruptEventError. RepairTail
// applies this rule: let P be the longest prefix 1..P of events that are all
// present and valid (value of at least 4 bytes whose jam cues). If no valid
// event exists after P, every event after P is damaged tail: it is cut and
// reported in a TailCut. If any valid event exists after P, the damage is in
// the middle of the log: nothing is changed and a *MiddleDamageError names
// the first bad event number and the valid event that follows it.
package eventlog
