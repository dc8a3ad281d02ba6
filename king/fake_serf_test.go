package king

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kingserf/king/ipc"
	"github.com/kingserf/king/noun"
)

// The test binary doubles as a fake serf: TestMain runs runFakeSerf when
// fakeSerfEnv names a mode. The fake keeps an event count and a mug chain
// (fakeMug) instead of a kernel, and misbehaves as its mode says.
const (
	fakeSerfEnv = "KING_FAKE_SERF"
	// fakeBytesEnv holds, in hex, what the "bytes" mode writes to stdout.
	fakeBytesEnv = "KING_FAKE_BYTES"
)

// Fake serf modes.
const (
	modeOK          = "ok"          // well behaved, legacy framing
	modeNewt        = "newt"        // well behaved, newt framing
	modeNoRipe      = "noripe"      // never sends %ripe
	modeGarbageRipe = "garbageripe" // a frame that does not cue instead of %ripe
	modeGarbage     = "garbage"     // answers every writ with a frame that does not cue
	modeBadNoun     = "badnoun"     // answers every writ with a malformed %work %done
	modeDiePlay     = "dieplay"     // dies (status 3) on a %play of more than one event
	modeWrongPlea   = "wrongplea"   // answers every writ with %live
	modeWrongEve    = "wrongeve"    // answers %work with %done for the wrong event
	modeIgnoreExit  = "ignoreexit"  // ignores %exit and stdin EOF
	modeSlogFlood   = "slogflood"   // sends floodSlogs %slog and floodFlogs %flog before each reply
	modeCloseStdout = "closestdout" // closes stdout on the first writ, keeps running
	modeProto2      = "proto2"      // announces protocol version 2
	modeStderrExit  = "stderrexit"  // writes 60 stderr lines and exits 7 before %ripe
	modeBytes       = "bytes"       // writes fakeBytesEnv to stdout, closes it, exits on any input
	modeEcho        = "echo"        // echoes legacy frames unchanged (benchmark baseline)
	modeFds         = "fds"         // lists its open descriptors on stderr, then acts as ok
	modeTangBail    = "tangbail"    // a %play %bail carries the tang alone, as urbit/urbit v1.x serfs send it
	modeExitReply   = "exitreply"   // answers %exit with [%live ~] before exiting, as vere's later serfs do
)

const (
	floodSlogs = 200
	floodFlogs = 20
)

// Jobs the fake treats specially.
var (
	jobCrash = fakeJob("crash") // %work: %swap; %play: %bail
	jobBail  = fakeJob("bail")  // %work: %bail
	jobLoop  = fakeJob("loop")  // %work: waits for SIGINT, then %bail %intr
	jobHang  = fakeJob("hang")  // %work: never answers
	// peekCrash is the peek sample the fake answers with %bail.
	peekCrash = ipc.PeekPath(ipc.LocalGang(), "crash")
)

// fakeJob is a job [now ovum] with now 0 and ovum [/fake card].
func fakeJob(card string) noun.Noun {
	return noun.T(noun.Zero, noun.Path("fake"), noun.Cord(card))
}

// fakeMug is the fake's mug after an event: a chain over the jobs.
func fakeMug(prev uint32, job noun.Noun) uint32 {
	return noun.Mug(noun.T(noun.Atom(uint64(prev)), job))
}

// fakeGoof is the goof the fake reports.
func fakeGoof(mote string) ipc.Goof {
	return ipc.Goof{Mote: mote, Tang: noun.List(noun.T(noun.Cord("leaf"), noun.Tape("fake: "+mote)))}
}

// runFakeSerf is the fake serf's main; it returns the exit status.
func runFakeSerf(mode string, args []string) int {
	fmt.Fprintf(os.Stderr, "fake-serf pid %d mode %s args %q\n", os.Getpid(), mode, args)
	switch mode {
	case modeEcho:
		return fakeEcho()
	case modeBytes:
		b, err := hex.DecodeString(os.Getenv(fakeBytesEnv))
		if err != nil {
			return 2
		}
		os.Stdout.Write(b)
		os.Stdout.Close()
		// Any writ (such as %exit) or EOF ends it.
		os.Stdin.Read(make([]byte, 1))
		return 0
	case modeFds:
		ents, _ := os.ReadDir("/proc/self/fd")
		for _, e := range ents {
			target, _ := os.Readlink("/proc/self/fd/" + e.Name())
			fmt.Fprintf(os.Stderr, "fd %s %s\n", e.Name(), target)
		}
	case modeStderrExit:
		for i := range 60 {
			fmt.Fprintf(os.Stderr, "line %d\n", i)
		}
		return 7
	}
	framing := ipc.Legacy
	if mode == modeNewt {
		framing = ipc.Newt
	}
	f := &fakeSerf{mode: mode, r: ipc.NewReader(os.Stdin, ipc.WithFraming(framing)),
		w: ipc.NewWriter(os.Stdout, framing)}
	return f.run()
}

type fakeSerf struct {
	mode   string
	sigint chan os.Signal // SIGINT, caught from the start like a real serf
	r      *ipc.Reader
	w      *ipc.Writer
	eve    uint64
	mug    uint32
}

func (f *fakeSerf) run() int {
	switch f.mode {
	case modeNoRipe:
		io.Copy(io.Discard, os.Stdin)
		return 0
	case modeGarbageRipe:
		f.w.WriteFrame([]byte{0x01})
		io.Copy(io.Discard, os.Stdin)
		return 0
	}
	f.sigint = make(chan os.Signal, 1)
	signal.Notify(f.sigint, syscall.SIGINT)
	pro := uint64(1)
	if f.mode == modeProto2 {
		pro = 2
	}
	f.w.WritePlea(ipc.Ripe{Proto: pro, Hon: 141, Nock: 4})
	for {
		w, err := f.r.ReadWrit()
		if err != nil {
			fmt.Fprintf(os.Stderr, "fake-serf: read writ: %v\n", err)
			if f.mode == modeIgnoreExit {
				idleForever()
			}
			return 1
		}
		if code, exit := f.handle(w); exit {
			return code
		}
	}
}

// handle answers one writ; exit reports that the process should end.
func (f *fakeSerf) handle(w ipc.Writ) (code int, exit bool) {
	switch f.mode {
	case modeGarbage:
		f.w.WriteFrame([]byte{0x01})
		return 0, false
	case modeBadNoun:
		f.w.WriteNoun(noun.T(noun.Cord("work"), noun.Cord("done"), noun.Atom(1), noun.T(noun.Zero, noun.Zero), noun.Zero))
		return 0, false
	case modeWrongPlea:
		f.w.WritePlea(ipc.Live{})
		return 0, false
	case modeCloseStdout:
		os.Stdout.Close()
		idleForever()
	case modeSlogFlood:
		for i := range floodSlogs {
			f.w.WritePlea(ipc.Slog{Priority: uint64(i % 3), Tank: noun.T(noun.Cord("leaf"), noun.Tape("flood"))})
			if i%(floodSlogs/floodFlogs) == 0 {
				f.w.WritePlea(ipc.Flog{Text: "flog flood"})
			}
		}
	}
	switch w := w.(type) {
	case ipc.LiveExit:
		if f.mode == modeIgnoreExit {
			return 0, false
		}
		if f.mode == modeExitReply {
			f.w.WritePlea(ipc.Live{})
		}
		return int(w.Code), true
	case ipc.LiveSave, ipc.LiveCram, ipc.LiveMeld, ipc.LivePack:
		f.w.WritePlea(ipc.Live{})
	case ipc.Peek:
		if noun.Equal(w.Sample, peekCrash) {
			f.w.WritePlea(ipc.PeekBail{Goof: fakeGoof("exit")})
			break
		}
		f.w.WritePlea(ipc.PeekDone{Result: noun.Some(noun.T(noun.Cord("noun"), noun.Atom(f.eve)))})
	case ipc.Play:
		if f.mode == modeDiePlay && len(w.Events) > 1 {
			fmt.Fprintln(os.Stderr, "fake-serf: dying mid-batch")
			return 3, true
		}
		f.play(w)
	case ipc.Work:
		f.work(w)
	}
	return 0, false
}

func (f *fakeSerf) play(w ipc.Play) {
	if w.Eve != f.eve+1 {
		f.w.WritePlea(ipc.PlayBail{Eve: f.eve, Mug: f.mug, Goof: fakeGoof("play-eve")})
		return
	}
	for _, job := range w.Events {
		if noun.Equal(job, jobCrash) {
			// Like Urbit's serf: the last event that succeeded.
			bail := ipc.PlayBail{Eve: f.eve, Mug: f.mug, Goof: fakeGoof("exit")}
			if f.mode == modeTangBail {
				bail.Goof.Mote, bail.TangOnly = "", true
			}
			f.w.WritePlea(bail)
			return
		}
		f.eve++
		f.mug = fakeMug(f.mug, job)
	}
	f.w.WritePlea(ipc.PlayDone{Mug: f.mug})
}

func (f *fakeSerf) work(w ipc.Work) {
	switch {
	case noun.Equal(w.Job, jobHang):
		return
	case noun.Equal(w.Job, jobBail):
		f.w.WritePlea(ipc.WorkBail{Goofs: []ipc.Goof{fakeGoof("exit"), fakeGoof("exit")}})
		return
	case noun.Equal(w.Job, jobLoop):
		<-f.sigint
		f.w.WritePlea(ipc.WorkBail{Goofs: []ipc.Goof{fakeGoof("intr")}})
		return
	case noun.Equal(w.Job, jobCrash):
		crud := noun.T(noun.Cord("crud"), w.Job)
		f.eve++
		f.mug = fakeMug(f.mug, crud)
		f.w.WritePlea(ipc.WorkSwap{Eve: f.eve, Mug: f.mug, Job: crud, Effects: noun.Zero})
		return
	}
	f.eve++
	f.mug = fakeMug(f.mug, w.Job)
	eve := f.eve
	if f.mode == modeWrongEve {
		eve += 5
	}
	f.w.WritePlea(ipc.WorkDone{Eve: eve, Mug: f.mug, Effects: noun.List(w.Job)})
}

// fakeEcho copies legacy frames from stdin to stdout unchanged.
func fakeEcho() int {
	r := ipc.NewReader(os.Stdin, ipc.WithFraming(ipc.Legacy))
	w := ipc.NewWriter(os.Stdout, ipc.Legacy)
	for {
		b, err := r.ReadFrame()
		if err != nil {
			return 0
		}
		if err := w.WriteFrame(b); err != nil {
			return 1
		}
	}
}

// idleForever keeps a misbehaving fake alive until it is killed.
func idleForever() {
	for {
		time.Sleep(time.Hour)
	}
}

// parsePidLine reads the pid from the fake's first stderr line.
func parsePidLine(line string) (int, bool) {
	var pid int
	var mode string
	if _, err := fmt.Sscanf(line, "fake-serf pid %d mode %s", &pid, &mode); err != nil {
		return 0, false
	}
	return pid, true
}
