//go:build linux

package cgroup

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testwait"
)

func TestStopContinueGroup(t *testing.T) {
	spin := startRole(t, "spin")
	pgid := spin.Process.Pid // the child leads its own group (Setpgid)
	if err := StopGroup(pgid); err != nil {
		t.Fatal(err)
	}
	// SIGSTOP is delivered asynchronously: wait for the state to show it.
	state := waitState(t, pgid, "T")
	c0 := procCPU(t, pgid)
	time.Sleep(300 * time.Millisecond)
	c1 := procCPU(t, pgid)
	t.Logf("stopped: State %s, CPU %v -> %v over 300ms", state, c0, c1)
	if c1-c0 > 10*time.Millisecond {
		t.Errorf("stopped process used %v of CPU", c1-c0)
	}
	if err := ContinueGroup(pgid); err != nil {
		t.Fatal(err)
	}
	// Running again: it uses CPU, however busy the machine (not a share of a span).
	c2 := waitCPU(t, "the continued spinner", c1, 60*time.Millisecond, func() time.Duration { return procCPU(t, pgid) })
	t.Logf("continued: State %s, CPU %v -> %v", procStatus(t, pgid, "State"), c1, c2)
}

// waitState waits for /proc/PID/status State to start with prefix. No event says a
// signal was acted on: it polls, within a generous 10 s.
func waitState(t *testing.T, pid int, prefix string) string {
	t.Helper()
	var s string
	poll(t, 10*time.Second, func() bool { s = procStatus(t, pid, "State"); return strings.HasPrefix(s, prefix) },
		func() string { return fmt.Sprintf("State %q, want %s", s, prefix) })
	return s
}

// waitCPU waits until cpu reports more than from+more and returns it: the process
// runs. No event says a process ran: it polls, within a generous 30 s.
func waitCPU(t *testing.T, what string, from, more time.Duration, cpu func() time.Duration) time.Duration {
	t.Helper()
	var now time.Duration
	poll(t, 30*time.Second, func() bool { now = cpu(); return now-from >= more },
		func() string { return fmt.Sprintf("%s used only %v of CPU", what, now-from) })
	return now
}

// poll checks cond every 5 ms until it holds, or fails the test with failure()
// once within has passed.
func poll(t *testing.T, within time.Duration, cond func() bool, failure func() string) {
	t.Helper()
	if !testwait.Until(within, 5*time.Millisecond, cond) {
		t.Fatal(failure())
	}
}

func TestSignalGroupRefusesSpecialIDs(t *testing.T) {
	for _, pgid := range []int{-5, 0, 1} {
		if err := StopGroup(pgid); err == nil {
			t.Errorf("StopGroup(%d) accepted", pgid)
		}
		if err := ContinueGroup(pgid); err == nil {
			t.Errorf("ContinueGroup(%d) accepted", pgid)
		}
	}
}
