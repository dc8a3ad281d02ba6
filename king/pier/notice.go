package pier

import "go.uber.org/zap"

// NoticeKind says what a Notice is about.
type NoticeKind uint8

// The kinds of notices.
const (
	// NoticeSnapshotUnusable: the serf could not use its snapshot; it was
	// moved aside and the whole log is replayed.
	NoticeSnapshotUnusable NoticeKind = iota + 1
	// NoticeTailCut: a damaged tail of the event log was cut.
	NoticeTailCut
	// NoticeMugMismatch: a replayed batch ended on another mug than the
	// log recorded.
	NoticeMugMismatch
	// NoticeSerfDied: the serf died unexpectedly.
	NoticeSerfDied
	// NoticeSerfStarted: a serf started and caught up with the log.
	NoticeSerfStarted
	// NoticeSnapshot: the serf took a snapshot.
	NoticeSnapshot
)

// String names the kind.
func (k NoticeKind) String() string {
	switch k {
	case NoticeSnapshotUnusable:
		return "snapshot-unusable"
	case NoticeTailCut:
		return "tail-cut"
	case NoticeMugMismatch:
		return "mug-mismatch"
	case NoticeSerfDied:
		return "serf-died"
	case NoticeSerfStarted:
		return "serf-started"
	case NoticeSnapshot:
		return "snapshot"
	}
	return "unknown"
}

// Notice is something an operator should hear about: a recovery step, a
// serf death or restart, a snapshot.
type Notice struct {
	Kind NoticeKind
	// Msg says it plainly, in one line.
	Msg string
	// Eve is the event concerned, if any.
	Eve uint64
	// Err is the underlying error, if any.
	Err error
}

// notify logs a notice and hands it to the callback.
func notify(logger *zap.Logger, cb func(Notice), n Notice) {
	fields := []zap.Field{zap.Stringer("kind", n.Kind)}
	if n.Eve != 0 {
		fields = append(fields, zap.Uint64("eve", n.Eve))
	}
	if n.Err != nil {
		fields = append(fields, zap.Error(n.Err))
	}
	switch n.Kind {
	case NoticeSnapshotUnusable, NoticeTailCut, NoticeMugMismatch, NoticeSerfDied:
		logger.Warn(n.Msg, fields...)
	default:
		logger.Info(n.Msg, fields...)
	}
	if cb != nil {
		cb(n)
	}
}
