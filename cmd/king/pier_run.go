package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/kingserf/king/king/drivers/dill"
	"github.com/kingserf/king/king/drivers/hub"
	"github.com/kingserf/king/king/pier"
	"github.com/kingserf/king/noun"
)

// runCommand is `king run <pier>`.
func runCommand() *cli.Command {
	var injects []injectSource
	flags := append(injectFlags(&injects),
		&cli.BoolFlag{Name: "exit", Usage: "shut down gracefully once every injected event is committed (or has bailed)"},
		serfFlag(),
		&cli.DurationFlag{Name: "snapshot-interval", Value: pier.DefaultSnapshotInterval,
			Usage: "snapshot every `D` while running (and always at shutdown); 0 or less: only at shutdown"},
		logLevelFlag(),
		&cli.BoolFlag{Name: "daemon", Usage: "run in the background, without a terminal, logging to <pier>/.urb/king.log (attach a terminal with: king con <pier>)"},
	)
	return &cli.Command{
		Name:      "run",
		Usage:     "run a pier: start its serf, replay, take events, commit, release effects to the drivers",
		ArgsUsage: "<pier>",
		Description: "Takes the pier's lock (a second king gets an error naming the first one's pid),\n" +
			"starts the serf, replays the logged events it has not seen, then computes\n" +
			"events, commits them in group commits and releases each event's effects to the\n" +
			"drivers only once it is durable: the terminal (dill), the timer (behn), and the\n" +
			"control socket <pier>/.urb/conn.sock through which `king peek|poke|status|save|con`\n" +
			"reach the running pier. At start the timer gets a [%born ~] event, so the kernel\n" +
			"re-sends its pending wake-up.\n\n" +
			"When stdin and stdout are a terminal, it is attached (raw mode): keys become\n" +
			"%belt events, the kernel draws the screen, logs print above the prompt line.\n" +
			"^C is sent to the kernel and interrupts the event being computed; ^D shuts the\n" +
			"pier down. Otherwise (a pipe, </dev/null, --daemon) the king logs only, with each\n" +
			"event's effects as an \"effects released\" line.\n\n" +
			"Signals: SIGTERM or SIGINT shut down gracefully (stop intake, drain, commit,\n" +
			"snapshot, stop the serf); a second one stops at once (events already computed\n" +
			"are still committed, nothing is snapshotted). SIGHUP restarts the serf cleanly,\n" +
			"or, with the terminal attached (it hung up), shuts down gracefully. SIGUSR1 logs\n" +
			"a status line. The kernel's %exit effect and a control client's %exit shut down\n" +
			"gracefully too.\n\n" +
			"--inject and --inject-list are injected in command-line order once the pier runs.\n" +
			"With --daemon the command returns once the pier is running in the background,\n" +
			"printing its pid.",
		Flags:        flags,
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			if c.Bool("daemon") && os.Getenv(daemonReadyEnv) == "" {
				return daemonize(c)
			}
			return runAction(c, injects)
		},
	}
}

// runAction runs the pier in the foreground until it stops.
func runAction(c *cli.Context, injects []injectSource) error {
	ready := daemonReadyNotifier()
	dir, err := pierArg(c)
	if err != nil {
		return err
	}
	// The terminal is attached when this king has one on both sides (a
	// daemon's stdin is /dev/null). A log going to a terminal then goes
	// above the prompt line while the terminal is raw, so through a
	// switchable sink, and without colours (the renderer does not pass
	// escape sequences on); a log going elsewhere (2>file) stays there.
	attach := ready == nil && isTerminal(os.Stdin) && isTerminal(os.Stdout)
	stderr := errWriter(c)
	console := writesToTerminal(stderr)
	logAbove := attach && console
	if f, ok := stderr.(*os.File); ok && logAbove {
		// The terminal driver makes the terminal non-blocking, for every
		// descriptor of it: stderr is written through a duplicate in
		// Go's poller, which waits where a plain write would fail with
		// EAGAIN. Restored last, after every log line.
		pollable, restore, err := dill.Pollable(f)
		if err != nil {
			return err
		}
		defer func() { _ = restore() }()
		stderr = pollable
	}
	sink := newSwitchWriter(stderr)
	logger, err := buildLogger(sink, c.String(logLevelFlagName), console, console && !logAbove)
	if err != nil {
		return err
	}
	defer func() { _ = logger.Sync() }()
	ova, err := loadInjects(injects)
	if err != nil {
		return err
	}
	if err := checkPierDir(dir); err != nil {
		return err
	}
	// From here on a signal is ours to handle (a SIGTERM while the pier
	// opens is a shutdown before it runs), never the default action.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	p, err := pier.Open(dir, pier.Options{Logger: logger})
	if err != nil {
		return explain(err)
	}
	defer func() {
		if err := p.Close(); err != nil {
			logger.Error("closing the pier", zap.Error(err))
		}
	}()
	// The pier's own lines name the pier already; ours need it too.
	logger = logger.With(zap.String("pier", dir))

	k := &runSession{p: p, logger: logger, ova: ova, exit: c.Bool("exit"), ready: ready,
		stopReq: make(chan string, 1)}
	hopts := hub.Options{Pier: p, Logger: logger, Version: version, Born: true,
		OnStop: func(why string) {
			// Called once, from a driver's goroutine: the run loop
			// starts the shutdown.
			select {
			case k.stopReq <- why:
			default:
			}
		}}
	if attach {
		hopts.In, hopts.Out = os.Stdin, os.Stdout
	}
	k.hub, err = hub.New(hopts)
	if err != nil {
		return fmt.Errorf("pier %s: starting the drivers: %w", dir, err)
	}
	// The hub is closed after Run has returned (the drivers get the
	// effects of the events drained at shutdown), on every way out: it
	// restores the terminal. The log goes back to stderr after that.
	defer func() {
		err := k.hub.Close()
		sink.Set(stderr)
		if err != nil {
			logger.Warn("closing the drivers", zap.Error(err))
		}
	}()

	progress := newReplayProgress(logger, "replay")
	progress.w = stderr
	defer progress.done()
	// Once the terminal is raw, a replay (after a serf restart) is
	// reported in log lines above the prompt, not with a bar.
	logProgress := &replayProgress{w: sink, what: "replay", logger: logger}
	interval := c.Duration("snapshot-interval")
	if interval <= 0 {
		interval = -1
	}
	logEffects := effectLogger(logger, func() zapcore.Level {
		if k.attached.Load() {
			return zapcore.DebugLevel
		}
		return zapcore.InfoLevel
	})
	readyCh := make(chan struct{})
	serf := serfConfig(c, logger)
	serf.OnSlog = k.hub.Slog
	opts := pier.RunOptions{
		Serf:             serf,
		SnapshotInterval: interval,
		Effects: func(eve uint64, effects noun.Noun) {
			k.hub.Effects(eve, effects)
			logEffects(eve, effects)
		},
		Progress: func(pr pier.Progress) {
			if k.attached.Load() {
				logProgress.report(pr)
				return
			}
			progress.report(pr)
		},
		OnReady: func() { close(readyCh) },
	}
	return k.run(c.Context, opts, readyCh, sigs, func() {
		// The terminal is about to be raw: end any bar, and log above
		// the prompt line from now on.
		progress.done()
		k.attached.Store(true)
		if logAbove {
			sink.Set(k.hub.Term.LogWriter())
		}
	})
}

// runSession is one `king run`: the pier, its drivers, its Run goroutine,
// the signal handling and the injector.
type runSession struct {
	p      *pier.Pier
	hub    *hub.Hub
	logger *zap.Logger
	ova    []noun.Noun
	exit   bool
	ready  func() // tells a --daemon parent the pier runs; may be nil

	// stopReq carries the first stop request of a driver (the kernel's
	// %exit, ^D, a control client's %exit) to the run loop.
	stopReq chan string
	// attached is set once the terminal is raw and the log goes above
	// its prompt line.
	attached atomic.Bool

	wg sync.WaitGroup // every goroutine started below
}

// run runs the pier and handles signals and stop requests until Run
// ends. Once the pier is ready it starts the drivers (hub.Start) on a
// goroutine of its own, so that a signal is handled even while the
// timer's %born is computed; attached is called just before the terminal
// goes raw.
func (k *runSession) run(parent context.Context, opts pier.RunOptions, readyCh chan struct{}, sigs chan os.Signal, attached func()) error {
	ctx, hardStop := context.WithCancel(parent)
	// Deferred calls run last first: the hard stop (a no-op once Run has
	// ended) before the wait for the goroutines started here.
	defer k.wg.Wait()
	defer hardStop()
	runDone := make(chan error, 1)
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		defer k.restoreOnPanic()
		runDone <- k.p.Run(ctx, opts)
	}()

	var (
		startDone chan error
		injDone   chan injectSummary
		startErr  error
		shutting  bool
		hard      bool
		restartMu sync.Mutex
		started   = time.Now()
	)
	shutdown := func(why string) {
		if shutting {
			return
		}
		shutting = true
		k.logger.Info("shutting down", zap.String("why", why))
		k.wg.Add(1)
		go func() {
			defer k.wg.Done()
			// Run's result arrives on runDone; Shutdown's copy is not needed.
			_ = k.p.Shutdown(ctx)
		}()
	}
	for {
		select {
		case err := <-runDone:
			if err == nil && startErr != nil {
				err = startErr
			}
			return k.finish(err, hard)
		case <-readyCh:
			readyCh = nil
			startDone = make(chan error, 1)
			k.wg.Add(1)
			go func() {
				defer k.wg.Done()
				defer k.restoreOnPanic()
				if k.hub.Term != nil {
					attached()
				}
				startDone <- k.hub.Start(ctx)
			}()
		case err := <-startDone:
			startDone = nil
			if err != nil {
				if !shutting {
					k.logger.Error("the drivers could not start", zap.Error(err))
					startErr = fmt.Errorf("starting the drivers: %w", err)
					shutdown("the drivers could not start")
				}
				continue
			}
			if shutting {
				// Stopped while the drivers started: it never ran.
				continue
			}
			k.logger.Info("pier running", zap.Uint64("last_event", k.p.Status().LastEvent),
				zap.Int("serf_pid", k.p.Status().SerfPid), zap.Duration("startup", time.Since(started)),
				zap.Int("injects", len(k.ova)), zap.Bool("terminal", k.hub.Term != nil),
				zap.String("socket", k.hub.Control.Path()))
			if k.ready != nil {
				k.ready()
			}
			injDone = make(chan injectSummary, 1)
			k.wg.Add(1)
			go func() {
				defer k.wg.Done()
				injDone <- runInjects(ctx, k.p, k.ova, k.logger)
			}()
		case sum := <-injDone:
			injDone = nil
			k.logInjects(sum)
			if k.exit {
				shutdown("--exit: every injected event is settled")
			}
		case why := <-k.stopReq:
			shutdown(why)
		case sig := <-sigs:
			switch sig {
			case syscall.SIGINT, syscall.SIGTERM:
				if shutting {
					k.logger.Warn("second signal: stopping at once", zap.Stringer("signal", sig))
					hard = true
					hardStop()
					continue
				}
				shutdown(sig.String())
			case syscall.SIGHUP:
				if k.hub.Term != nil {
					// The terminal hung up: nobody is left to see it.
					shutdown("SIGHUP: the terminal hung up")
					continue
				}
				k.restartSerf(ctx, &restartMu)
			case syscall.SIGUSR1:
				k.logStatus()
			}
		}
	}
}

// restoreOnPanic, deferred in the goroutines run starts, restores the
// terminal before a panic ends the process.
func (k *runSession) restoreOnPanic() {
	if r := recover(); r != nil {
		_ = k.hub.RestoreTerminal()
		panic(r)
	}
}

// finish reports how Run ended and returns the command's error.
func (k *runSession) finish(err error, hard bool) error {
	switch {
	case err == nil:
		return nil
	case hard && errors.Is(err, context.Canceled):
		return errors.New("stopped at once by a second signal (no snapshot taken; every computed event is committed)")
	}
	var limit *pier.RestartLimitError
	if errors.As(err, &limit) {
		return fmt.Errorf("the serf keeps dying, giving up: %w", err)
	}
	return fmt.Errorf("pier %s stopped: %w", k.p.Dir(), err)
}

// restartSerf restarts the serf for SIGHUP, one restart at a time.
func (k *runSession) restartSerf(ctx context.Context, mu *sync.Mutex) {
	if !mu.TryLock() {
		k.logger.Warn("SIGHUP: a serf restart is already in progress")
		return
	}
	k.logger.Info("SIGHUP: restarting the serf")
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		defer mu.Unlock()
		err := k.p.RestartSerf(ctx)
		switch {
		case err == nil:
			st := k.p.Status()
			k.logger.Info("SIGHUP: serf restarted", zap.Int("serf_pid", st.SerfPid), zap.Uint64("last_event", st.LastEvent))
		case errors.Is(err, pier.ErrShuttingDown), errors.Is(err, pier.ErrNotRunning):
			k.logger.Info("SIGHUP: no restart, the pier is stopping")
		default:
			k.logger.Error("SIGHUP: serf restart failed", zap.Error(err))
		}
	}()
}

// logStatus logs the pier's status for SIGUSR1.
func (k *runSession) logStatus() {
	st := k.p.Status()
	k.logger.Info("status", zap.String("status", st.String()), zap.Bool("running", st.Running),
		zap.Int("serf_pid", st.SerfPid), zap.Uint64("last_event", st.LastEvent),
		zap.Uint64("last_committed", st.LastCommitted), zap.Int("in_flight", st.InFlight),
		zap.Int("restarts", st.Restarts), zap.Duration("uptime", st.Uptime))
}

// logInjects reports the outcome of the injected events.
func (k *runSession) logInjects(sum injectSummary) {
	if sum.total == 0 {
		return
	}
	fields := []zap.Field{zap.Int("events", sum.total), zap.Int("committed", sum.committed),
		zap.Int("swapped", sum.swapped), zap.Int("bailed", sum.bailed), zap.Int("not_settled", sum.failed)}
	if sum.firstErr != nil {
		fields = append(fields, zap.NamedError("first_failure", sum.firstErr))
	}
	if sum.settled() {
		k.logger.Info("injected events settled", fields...)
	} else {
		k.logger.Warn("injected events not all settled", fields...)
	}
}
