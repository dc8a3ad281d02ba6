package king

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuMeter measures the CPU time (user + system) this process and one
// child process spend over a benchmark, so that a benchmark can report
// the cost of each side per operation. Wall-clock rates on a shared
// two-core machine swing with the load of other programs; CPU time per
// operation does not.
type cpuMeter struct {
	child      int // 0: no child measured
	self0      time.Duration
	child0     time.Duration
	childKnown bool
	// Syscall and context-switch counts, from /proc.
	selfIO0, childIO0 procCounts
}

// procCounts are a process's read and write system calls (/proc/<pid>/io)
// and its threads' context switches (/proc/<pid>/task/*/status).
type procCounts struct {
	reads, writes, switches uint64
	ok                      bool
}

// countsOf reads procCounts for pid ("self" for this process).
func countsOf(pid string) procCounts {
	var c procCounts
	io, err := os.ReadFile("/proc/" + pid + "/io")
	if err != nil {
		return c
	}
	for _, line := range strings.Split(string(io), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.ParseUint(v, 10, 64)
		switch k {
		case "syscr":
			c.reads = n
		case "syscw":
			c.writes = n
		}
	}
	tasks, _ := os.ReadDir("/proc/" + pid + "/task")
	for _, t := range tasks {
		st, err := os.ReadFile("/proc/" + pid + "/task/" + t.Name() + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(st), "\n") {
			k, v, _ := strings.Cut(line, ":")
			if k == "voluntary_ctxt_switches" || k == "nonvoluntary_ctxt_switches" {
				n, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
				c.switches += n
			}
		}
	}
	c.ok = true
	return c
}

// reportCounts adds per-op metrics for the difference between two counts.
func reportCounts(b *testing.B, ops int, name string, c0, c1 procCounts) {
	if !c0.ok || !c1.ok {
		return
	}
	b.ReportMetric(float64(c1.reads-c0.reads)/float64(ops), name+"-reads/op")
	b.ReportMetric(float64(c1.writes-c0.writes)/float64(ops), name+"-writes/op")
	b.ReportMetric(float64(c1.switches-c0.switches)/float64(ops), name+"-cs/op")
}

// clockTick is the unit of /proc/<pid>/stat's utime and stime (USER_HZ,
// 100 on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// startCPU starts measuring this process and, if pid is not 0, that child.
func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{child: pid, self0: selfCPU(), selfIO0: countsOf("self")}
	if pid != 0 {
		m.child0, m.childKnown = procCPU(pid)
		m.childIO0 = countsOf(strconv.Itoa(pid))
	}
	return m
}

// report adds king-µs/op and, when the child could be measured,
// serf-µs/op metrics for ops operations.
func (m *cpuMeter) report(b *testing.B, ops int, childName string) {
	if ops <= 0 {
		return
	}
	self := selfCPU() - m.self0
	reportCounts(b, ops, "king", m.selfIO0, countsOf("self"))
	if m.child != 0 {
		reportCounts(b, ops, childName, m.childIO0, countsOf(strconv.Itoa(m.child)))
	}
	b.ReportMetric(float64(self.Nanoseconds())/1e3/float64(ops), "king-µs/op")
	if m.child != 0 && m.childKnown {
		if c, ok := procCPU(m.child); ok {
			b.ReportMetric(float64((c-m.child0).Nanoseconds())/1e3/float64(ops), childName+"-µs/op")
		}
	}
}

// selfCPU is this process's user + system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the user + system CPU time of process pid so far, from
// /proc (Linux only; ok is false elsewhere).
func procCPU(pid int) (time.Duration, bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are
	// counted from its closing parenthesis. utime and stime are fields 14
	// and 15, so the 12th and 13th after the name.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * clockTick, true
}
