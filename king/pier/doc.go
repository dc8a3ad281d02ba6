// Package pier is the king's pier: a directory holding one ship's event
// log and serf snapshot, and the library behind `king new`, `king run`,
// `king replay`, `king info` and `king pack|meld|cram`
// (shared/spec/PROTOCOL.md §4, GUIDE.md §2 and §5).
//
// It is built on the Serf handle (package king) and the event log (package
// king/eventlog), and talks to the serf only through them: it never
// imports package serf, so any serf binary speaking protocol version 1
// will do.
//
// # Layout
//
// See Layout. The lock file <pier>/.vere.lock is flocked by the king
// running the pier and holds its pid (see Lock); read-only tools (Info,
// Replay) do not take it, but open the log read-only with a short timeout,
// so on a running pier they answer at once with a *LockedError naming the
// running king's pid.
//
// # Boot
//
// New writes the identity and the boot sequence of a pill (Pill.Sequence)
// to a new log, then boots a serf from the log and snapshots it. Every
// boot from the log — at New, and whenever an empty serf replays the whole
// log — plays exactly the life boot formulas in the first %play and the
// rest of the log in later batches. The spec allows any first batch that
// holds all life formulas; this one rule makes a replay rebuild exactly
// the state the boot built. For a bare boot list, life is the list's length,
// so the first %play is the whole list, as reference kings send it.
//
// The log stores mug 0 ("unknown") for every boot event, since it is
// written before the serf computes anything and %play reports only the mug
// after a batch; New returns that mug and records it in the snapshot note.
//
// # Data flow of one event
//
// Inject → the supervisor dates the ovum ([now ovum], now strictly
// increasing, never below the log's last date) → king.Serf.Run (up to
// MaxInFlight %work writs in flight) → the Work callback submits a done or
// swap event to the log's group commit (eventlog.Log.Submit: everything
// queued goes into the next fsynced transaction) → the releaser waits for
// that commit and only then calls RunOptions.Effects and answers Inject.
// A bail answers Inject at once with a *BailError: nothing is committed.
// A failed commit stops intake; the events after it are never released.
//
// # Invariants
//
//   - Events reach the log in the order the serf numbered them, and the
//     serf's numbering always continues the log: after a restart the new
//     serf is given work only once it has replayed every event submitted
//     to the log. So the log has no gap and no event is committed twice.
//   - An event the serf computed is committed even if the serf dies right
//     after; an event handed to a serf that died before answering is sent
//     again to the next serf, first and in order. Nothing is lost or
//     duplicated.
//   - Effects are released in event order, each only after its commit.
//   - A snapshot is taken only when the log holds the serf's last event
//     (king.RunOptions.WaitDurable).
//
// # Snapshots and the snapshot note
//
// The serf's snapshot format is the serf's own. The king records the event
// and mug of each snapshot it had taken in <pier>/.urb/chk/king.json
// (SnapshotNote), which Info reports. A snapshot the serf cannot load (it
// exits with RunOptions.SnapshotUnusableExit; `king serf` uses 3), or one
// ahead of the log, is moved aside to .urb/chk.bad-<unix time>, never
// deleted, and the whole log is replayed into a fresh serf.
//
// # Log damage
//
// The log is checked where it is read: when a replay reaches a damaged or
// missing event, eventlog's RepairTail decides. A damaged tail (no valid
// event after the damage) is cut, with a notice naming the events cut, and
// the pier runs on; damage followed by valid events stops Run with a
// *LogDamageError naming the event. A full scan of every start would cost
// a cue of the whole log; `king log verify` does that on demand.
//
// # Supervision
//
// A serf that dies is restarted after a backoff that doubles from
// BackoffMin to BackoffMax with each death within RestartWindow; more than
// MaxRestarts deaths within the window end Run with a *RestartLimitError
// carrying the serf's last stderr lines. A mug mismatch during a replay,
// or between a loaded snapshot and the mug logged for its event, is
// logged and reported (NoticeMugMismatch) and the pier runs on: the log,
// not the serf, is the truth.
//
// # Goroutines
//
// Run's caller is the supervisor; each serf's Run loop has a goroutine (the
// Work and Save callbacks run there); one releaser goroutine releases
// committed events. RunOptions callbacks run on these: Effects on the
// releaser, Progress and OnNotice on the supervisor (OnNotice for a
// snapshot on the serf's Run goroutine), OnSlowEvent on a timer goroutine.
// They should return quickly.
package pier
