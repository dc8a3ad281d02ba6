package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"

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
		&cli.BoolFlag{Name: "daemon", Usage: "run in the background, detached from the terminal, logging to <pier>/.urb/king.log"},
	)
	return &cli.Command{
		Name:      "run",
		Usage:     "run a pier: start its serf, replay, take events, commit, release effects",
		ArgsUsage: "<pier>",
		Description: "Takes the pier's lock (a second king gets an error naming the first one's pid),\n" +
			"starts the serf, replays the logged events it has not seen, then computes\n" +
			"events, commits them in group commits and releases each event's effects only\n" +
			"once it is durable (logged as \"effects released\" until the drivers exist).\n\n" +
			"Signals: SIGTERM or SIGINT shut down gracefully (stop intake, drain, commit,\n" +
			"snapshot, stop the serf); a second one stops at once (events already computed\n" +
			"are still committed, nothing is snapshotted). SIGHUP restarts the serf cleanly.\n" +
			"SIGUSR1 logs a status line.\n\n" +
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
	logger, err := commandLogger(c)
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

	progress := newReplayProgress(logger, "replay")
	defer progress.done()
	interval := c.Duration("snapshot-interval")
	if interval <= 0 {
		interval = -1
	}
	readyCh := make(chan struct{})
	opts := pier.RunOptions{
		Serf:             serfConfig(c, logger),
		SnapshotInterval: interval,
		Effects:          effectLogger(logger),
		Progress:         progress.report,
		OnReady:          func() { close(readyCh) },
	}
	k := &runSession{p: p, logger: logger, ova: ova, exit: c.Bool("exit"), ready: ready}
	return k.run(c.Context, opts, readyCh, sigs)
}

// runSession is one `king run`: the pier, its Run goroutine, the signal
// handling and the injector.
type runSession struct {
	p      *pier.Pier
	logger *zap.Logger
	ova    []noun.Noun
	exit   bool
	ready  func() // tells a --daemon parent the pier runs; may be nil

	wg sync.WaitGroup // every goroutine started below
}

// run runs the pier and handles signals until Run ends.
func (k *runSession) run(parent context.Context, opts pier.RunOptions, readyCh chan struct{}, sigs chan os.Signal) error {
	ctx, hardStop := context.WithCancel(parent)
	// Deferred calls run last first: the hard stop (a no-op once Run has
	// ended) before the wait for the goroutines started here.
	defer k.wg.Wait()
	defer hardStop()
	runDone := make(chan error, 1)
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		runDone <- k.p.Run(ctx, opts)
	}()

	var (
		injDone   chan injectSummary
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
			return k.finish(err, hard)
		case <-readyCh:
			readyCh = nil
			k.logger.Info("pier running", zap.Uint64("last_event", k.p.Status().LastEvent),
				zap.Int("serf_pid", k.p.Status().SerfPid), zap.Duration("startup", time.Since(started)),
				zap.Int("injects", len(k.ova)))
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
				k.restartSerf(ctx, &restartMu)
			case syscall.SIGUSR1:
				k.logStatus()
			}
		}
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
