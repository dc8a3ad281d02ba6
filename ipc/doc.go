// Package ipc speaks the king/serf protocol (shared/spec/PROTOCOL.md §2–3):
// frames on a byte stream, and Go types for every message in them.
//
// # Frames
//
// Every message is the jam of one noun, sent in a frame. Two framings exist:
// [Legacy] (an 8-byte little-endian length, then the payload; serfs of
// 2020–2021) and [Newt] (a 0x00 tag byte, a 4-byte little-endian length,
// then the payload; later serfs). A [Reader] reads frames with a fixed
// framing or detects it from the first frame; a [Writer] writes frames in
// one framing.
//
// A Writer hands each frame, header and body together, to the underlying
// io.Writer in exactly one Write call, so a frame is never interleaved or
// split by the writer itself, and a pipe sees one syscall per frame. A
// Reader keeps one bufio.Reader per stream and reuses one frame buffer, so
// reading small frames allocates nothing in steady state.
//
// Neither type is safe for concurrent use: the intended shape is one
// goroutine that writes a pipe and one that reads the other (the king's
// writer and plea reader, or the serf's loop).
//
// # Errors
//
// A Reader reports each way a stream can be bad with its own error, all
// matchable with errors.Is: [ErrZeroLength], [ErrBadTag] (as *[BadTagError]),
// [ErrFrameTooLarge] (as *[FrameTooLargeError]), [ErrTruncated] for an end
// of stream inside a frame, and io.EOF, unwrapped, exactly when the stream
// ends cleanly between frames. These errors are sticky: after one, the
// stream position is unknown, so every later read returns the same error.
// A frame that does not cue is *[BadNounError] and a noun that is not a
// well-formed message is *[DecodeError]; neither desynchronises the stream,
// so reading may continue after them.
//
// # Messages
//
// A [Writ] is a message from king to serf: [LiveCram], [LiveExit],
// [LiveSave], [LiveMeld], [LivePack], [Peek], [Play] and [Work]. A [Plea] is
// a message from serf to king: [Ripe], [Live], [Slog], [Flog], [PeekDone],
// [PeekBail], [PlayDone], [PlayBail], [WorkDone], [WorkSwap] and
// [WorkBail]. Each type has a Noun method that encodes it; [DecodeWrit] and
// [DecodePlea] decode, checking every field (a mug must be below 2^32, event
// numbers must fit in 64 bits, lists must be null-terminated, tuples must end
// where the protocol says) and naming the first bad field in a *DecodeError,
// for example
//
//	ipc: decode plea work.done.mug: want atom < 2^32, got cell
//
// Both interfaces are sealed: the message types of this package are the only
// implementations, so a type switch over them can be exhaustive. A test that
// must send something the protocol does not allow uses Writer.WriteNoun or
// Writer.WriteFrame directly.
package ipc
