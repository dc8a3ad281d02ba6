package behn

import (
	"sort"
	"sync"
	"time"
)

// Clock is the time source of a timer driver: the real clock, or a
// ManualClock in tests.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f on its own goroutine once d has passed (at once
	// for d <= 0) and returns a function that cancels the call if it has
	// not started, reporting whether it did cancel it.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// RealClock is the system clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// ManualClock is a Clock that moves only when told to, for tests: timers
// fire, each on its own goroutine, when Advance or Set moves the clock past
// their time. The zero value is not usable; use NewManualClock.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	next   uint64
	timers map[uint64]manualTimer
	armed  chan struct{} // closed and replaced whenever a timer is armed
}

// manualTimer is one pending AfterFunc of a ManualClock.
type manualTimer struct {
	at time.Time
	f  func()
}

// NewManualClock returns a ManualClock reading now.
func NewManualClock(now time.Time) *ManualClock {
	return &ManualClock{now: now, timers: map[uint64]manualTimer{}, armed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arms a timer for d after the clock's time; d <= 0 fires at
// once.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	if d <= 0 {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	id := c.next
	c.next++
	c.timers[id] = manualTimer{at: c.now.Add(d), f: f}
	close(c.armed)
	c.armed = make(chan struct{})
	c.mu.Unlock()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.timers[id]
		delete(c.timers, id)
		return ok
	}
}

// Advance moves the clock forward by d, firing the timers that are due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	t := c.now.Add(d)
	c.mu.Unlock()
	c.Set(t)
}

// Set moves the clock to t (never backwards: an earlier t is ignored),
// firing, in time order, the timers that are due.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	var due []manualTimer
	for id, tm := range c.timers {
		if !tm.at.After(c.now) {
			due = append(due, tm)
			delete(c.timers, id)
		}
	}
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, tm := range due {
		go tm.f()
	}
}

// Pending returns how many timers are armed.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Armed returns a channel closed the next time a timer is armed, so a test
// can wait for a driver to arm its timer without sleeping.
func (c *ManualClock) Armed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.armed
}
