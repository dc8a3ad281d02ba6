// Package control is the control socket of a running pier: a Unix socket
// at <pier>/.urb/conn.sock through which tools and people reach a running
// king (`king peek`, `king poke`, `king status`, `king save`, `king con`),
// and the client library those tools use (PROTOCOL.md §5).
//
// # Transport
//
// The socket is created with mode 0600 (SocketMode), and every connection
// is checked with SO_PEERCRED: a peer of another uid than the king's is
// refused (closed at once), whatever the file mode allows. Messages are
// framed as on the serf pipe (PROTOCOL.md §2): newt framing, as Urbit's
// conn.sock speaks it (a 0x00 tag byte, a 4-byte little-endian length,
// then the jam of one noun), or legacy framing (an 8-byte little-endian
// length) from a client whose first frame is legacy (told apart as
// ipc.Auto says, even when its length is a multiple of 256), which is
// then answered in legacy framing too; a frame over MaxFrameSize is
// refused. Socket paths longer than a
// sockaddr_un allows are reached through /proc/self/fd on Linux, so a
// pier may live anywhere.
//
// # Requests and responses
//
// A request is [rid tag args] with rid an atom the client chooses (the
// client library counts from 1); each request gets one response
// [rid data] (a %dill request gets a stream of them). Requests of one
// connection are served concurrently, except that %ovum events are handed
// to the pier in the order they arrive. The shapes follow Urbit's
// conn.c where it defines them:
//
//	request                       response data
//	[rid %peek path]              [%peek (unit (cask))]   scry the kernel; path is a bare
//	[rid %peek [%& path]]                                 path, or the each of the peek sample
//	[rid %peek [%| %once ...]]                            (PROTOCOL.md §3.1), gang [~ ~]
//	[rid %peel path]              (unit)                  runtime facts: /live → [~ &],
//	                                                      /info → [~ mass], /who → [~ ship],
//	                                                      /v → [~ 'version'], /help → [~ paths];
//	                                                      any other path → ~
//	[rid %ovum [wire card]]       [%done eve mug]         inject an event; answered once it is
//	[rid %ovum [tar wire card]]   [%swap eve mug]         committed (%swap: it crashed and its
//	                              [%bail (list goof)]     %crud replacement was committed), or
//	                                                      bailed (nothing committed)
//	[rid %save ~]                 [%save eve]             snapshot now (eve: a lower bound)
//	[rid %pack ~]                 [%pack ~]               compact the serf's state
//	[rid %meld ~]                 [%meld ~]               deduplicate the serf's state
//	[rid %intr ~]                 [%intr ~]               SIGINT the serf (stop a looping event)
//	[rid %exit ~]                 [%exit ~]               shut the pier down gracefully; the
//	                                                      answer comes first
//	[rid %urth %pack] (or %meld)  &                       as in Urbit: acknowledged at once,
//	                                                      done in the background
//	[rid %dill ~]                 [%dill %blit blits]     subscribe to terminal session 1: every
//	                              [%dill %slog pri tank]  %blit effect and kernel %slog, until the
//	                                                      connection closes; keystrokes are sent
//	                                                      as %ovum events on [%d %term '1' ~]
//
// A %peek whose kernel crashes is answered [%bail (list goof)]. A
// well-formed request the pier cannot serve (it is not running, is
// shutting down, has no serf at the moment) is answered [%fail 'why'].
// The connection stays open in both cases.
//
// A malformed request is answered [0 %bail code 'text'] and its
// connection is closed; other connections are unaffected. The codes
// (BailCode) are 1 a frame that does not cue, 2 a bad frame, 3 a noun
// that is not [rid tag args] with an atom rid, 4 an unknown tag, 5 bad
// arguments, 6 a client that does not read its responses, 7 too many
// connections; the text starts with the name Urbit's conn.c uses for the
// same fault where there is one (cue-none, jar-bad, tag-unknown, ...).
//
// # Concurrency
//
// Every connection has a reader goroutine and a writer goroutine, and each
// request that waits (a peek, an event's commit, a snapshot) its own
// goroutine, at most MaxInFlight per connection. All of them go through
// the Backend, which for a running king is the Pier (PierBackend), so many
// clients are multiplexed onto the one serf by the pier itself.
package control
