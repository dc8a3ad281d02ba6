// Package serf is the serf: the process that holds the kernel, computes
// events with the Nock interpreter (package serf/nock) and answers the
// king's writs with pleas, exactly as Urbit's serf of protocol version 1
// does (shared/spec/PROTOCOL.md §2–3). `king serf` runs it as a process;
// Run runs the same loop in-process, on any pair of streams.
//
// # Command line
//
//	king serf <pier> <key> <flags> <cache-size> <rock-event>
//
// is the argv of PROTOCOL.md §3.3, so a king that spawns Urbit's serf can
// spawn this one. <key> may be "" and is not used. <flags> is the decimal
// bit set of Flags. <cache-size> bounds the %memo cache. <rock-event> 0
// loads the snapshot; N > 0 loads <pier>/.urb/roc/N.jam instead.
//
// The process keeps the protocol on private duplicates of fds 0 and 1 and
// points fd 1 at stderr, so nothing printed by accident can corrupt the
// stream of pleas; it ignores SIGPIPE (a king that went away is a write
// error, then exit status 1).
//
// # Framing
//
// The serf speaks first (%ripe), so it cannot detect the framing from the
// king: it uses the legacy framing (8-byte lengths) unless the environment
// variable KING_SERF_FRAMING is "newt", and reads writs in the same
// framing. Config.Framing is the in-process equivalent.
//
// # Conversation
//
// The serf sends [%ripe [1 141 4] eve mug] with the event number and mug of
// the state it loaded (0 0 when empty), then answers each writ in order:
//
//   - %play on an empty serf: the lifecycle boot on the whole list (the
//     event count becomes its length); [%play %done mug], or
//     [%play %bail 0 0 goof] with the serf still empty.
//   - %play later: each event poked in turn; [%play %done mug] after the
//     batch, or [%play %bail eve mug goof] at the first crash, where eve and
//     mug are those of the last event that succeeded, which is the state
//     the serf keeps.
//   - %work: the event poked within mil milliseconds (0: no limit). On a
//     crash it is retried once as [now+1 [[0 %arvo ~] [%crud goof ovum]]]
//     within the same limit: [%work %done …], [%work %swap …] or
//     [%work %bail [goof-of-retry goof-of-original ~]], which consumes no
//     event number.
//   - %peek: [%peek %done (unit (cask))] or [%peek %bail goof]. A product
//     that is not a (unit (cask)) is an %exit bail, since the king could
//     not decode it.
//   - %live %save: a snapshot (below), then [%live ~]. %live %cram: the
//     rock <pier>/.urb/roc/<eve>.jam, the jam of
//     [%arvo kernel 'hashboard' ~], written atomically, then [%live ~].
//     %live %meld and %live %pack: the kernel deduplicated by Meld, then
//     [%live ~]. %live %exit: exit with that status, no reply.
//
// %slog hints of the kernel become [%slog pri tank] pleas as they happen;
// the serf's own notes (state loaded, snapshot saved, %crud retries, and
// with the Verbose flag timings) are [%flog cord] pleas, never before
// %ripe.
//
// # Interrupts
//
// Config.Interrupt (set by SIGINT in `king serf`) fails the computation in
// progress with %intr; the serf keeps running. A %work so interrupted is
// retried as a %crud like any crash, and an interrupt during the retry
// fails that too. The flag is cleared whenever the serf starts on a writ
// that computes (%play, %work, %peek), so an interrupt that arrives while
// the serf is idle is dropped rather than failing the next event.
//
// # Snapshots
//
// The snapshot is one file, <pier>/.urb/chk/serf.snap: a magic number, a
// format version, the mug, the event number, the jam of the kernel, its
// length and a CRC-32C of everything (see snapshot.go). It is written to a
// temporary file, fsynced, renamed into place and the directory fsynced,
// so a crash at any moment leaves the old snapshot or the new one. On start
// the serf verifies the checksum and that the kernel's mug is the stored
// mug; a snapshot or rock that fails any check is never loaded.
//
// # Exit statuses
//
// ExitOK (0) after %live %exit 0; the status given by any other %live
// %exit; ExitBadState (3) when the snapshot or rock is unusable, with a
// one-line error naming the file and the problem; ExitError (1) for every
// other fatal error, with a one-line error naming it: bad arguments, a bad
// frame header or a stream ending inside a frame, a frame that does not
// cue, an unknown or malformed writ, %play of the wrong event number,
// %work before boot, %save or %cram of an event that is not the last,
// stdin closed, or a failure to write to the king or to disk.
package serf
