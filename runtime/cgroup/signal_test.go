package cgroup

import (
	"strings"
	"testing"
	"time"
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
	time.Sleep(300 * time.Millisecond)
	c2 := procCPU(t, pgid)
	t.Logf("continued: State %s, CPU %v -> %v over 300ms", procStatus(t, pgid, "State"), c1, c2)
	if c2-c1 < 60*time.Millisecond {
		t.Errorf("continued spinner used only %v of CPU in 300ms", c2-c1)
	}
}

// waitState waits up to a second for /proc/PID/status State to start with prefix.
func waitState(t *testing.T, pid int, prefix string) string {
	t.Helper()
	var s string
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if s = procStatus(t, pid, "State"); strings.HasPrefix(s, prefix) {
			return s
		}
	}
	t.Fatalf("State %q, want %s", s, prefix)
	return s
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
