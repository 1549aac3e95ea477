//go:build linux

package worker

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/runtime/cgroup"
)

// readySpare waits until s has a shim ready and returns its pid.
func readySpare(t *testing.T, s *Spare) int {
	t.Helper()
	pid := spareReady(s)
	if pid == 0 {
		t.Fatal("no spare shim became ready")
	}
	return pid
}

// newSpare returns a Spare for cfg that the test's cleanup closes.
func newSpare(t *testing.T, cfg Config, cgroups *cgroup.Manager) *Spare {
	s := NewSpare(cfg.Shim, cfg.ShimEnv, cfg.Output, cgroups)
	t.Cleanup(s.Close)
	s.Refill()
	return s
}

// TestSpareLendsItsShim checks that a worker takes the spare shim, which was started
// before it (its pid is the worker's), that Refill starts the next, and that Close
// ends the one waiting; a Start after Close starts a shim of its own.
func TestSpareLendsItsShim(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, twApp(t, "site/spare"))
	s := newSpare(t, cfg, nil)
	cfg.Spare = s
	first := readySpare(t, s)
	w := start(t, cfg)
	if w.PID() != first {
		t.Fatalf("the worker's shim is %d, want the spare %d", w.PID(), first)
	}
	ready(t, w)
	if me := whoami(t, w, 0); me.PID != w.AppPIDs()[0] {
		t.Errorf("the app says it is %d, the worker says %d", me.PID, w.AppPIDs()[0])
	}
	s.Refill()
	next := readySpare(t, s)
	if next == first {
		t.Fatalf("Refill left the taken shim %d as the spare", first)
	}
	ps := track(t, "spare", next)
	s.Close()
	waitGone(t, 10*time.Second, ps...)
	if err := unix.Kill(next, 0); err == nil {
		t.Errorf("the closed spare %d is still a process (a zombie not reaped)", next)
	}
	w2 := start(t, cfg)
	if w2.PID() == next {
		t.Fatal("a Start after Close took the closed spare")
	}
	ready(t, w2)
}

// TestSpareForAnotherShim checks that a worker whose shim's environment differs from
// the spare's starts its own, and leaves the spare waiting.
func TestSpareForAnotherShim(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, twApp(t, "site/other"))
	s := newSpare(t, cfg, nil)
	pid := readySpare(t, s)
	other := cfg
	other.Spare = s
	other.ShimEnv = append(append([]string(nil), cfg.ShimEnv...), "POOLCTL_TEST_OTHER=1")
	w := start(t, other)
	if w.PID() == pid {
		t.Fatal("a worker with another shim environment took the spare")
	}
	ready(t, w)
	if got := readySpare(t, s); got != pid {
		t.Errorf("the spare is %d, want %d still", got, pid)
	}
}

// TestSpareDiedWhileWaiting checks that a spare shim that died while it waited is
// reaped, not lent: the worker starts a shim of its own.
func TestSpareDiedWhileWaiting(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, twApp(t, "site/died"))
	s := newSpare(t, cfg, nil)
	cfg.Spare = s
	pid := readySpare(t, s)
	if err := unix.Kill(pid, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	dead := s.ready
	s.mu.Unlock()
	if !poll(10*time.Second, dead.exited) {
		t.Fatal("the killed spare did not exit")
	}
	w := start(t, cfg)
	if w.PID() == pid {
		t.Fatal("the worker took the dead spare")
	}
	ready(t, w)
	if err := unix.Kill(pid, 0); err == nil {
		t.Errorf("the dead spare %d was not reaped", pid)
	}
}

// TestSpareWaitsInItsCgroup checks that a spare shim waits in a cgroup worker-PID of
// its own, and that the worker that takes it has that group, renamed to its
// CgroupName-PID where the kernel can rename (v1), with its program in it.
func TestSpareWaitsInItsCgroup(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create cgroups")
	}
	m, err := cgroup.New("")
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := m.Available(); !ok {
		t.Skipf("no cgroup: %s", why)
	}
	cfg := testConfig(t, twApp(t, "site/cgroup"))
	cfg.Cgroups, cfg.CgroupName = m, "pool-spare-test"
	s := newSpare(t, cfg, m)
	cfg.Spare = s
	pid := readySpare(t, s)
	staged := fmt.Sprintf("worker-%d", pid)
	if in := procCgroups(t, pid); !strings.Contains(in, "/"+staged+"\n") {
		t.Fatalf("the spare %d is not in %s:\n%s", pid, staged, in)
	}
	w := start(t, cfg)
	ready(t, w)
	g, err := w.Cgroup()
	if err != nil || g == nil {
		t.Fatalf("the worker has no cgroup: %v", err)
	}
	want := fmt.Sprintf("pool-spare-test-%d", pid)
	if m.Version() == 2 {
		want = staged // cgroup v2 cannot rename
	}
	if g.Name() != want {
		t.Errorf("the worker's cgroup is %s, want %s", g.Name(), want)
	}
	pids, err := g.Pids()
	if err != nil {
		t.Fatal(err)
	}
	if app := w.AppPIDs()[0]; !slices.Contains(pids, app) {
		t.Errorf("the app %d is not in the worker's cgroup (%v)", app, pids)
	}
}

// procCgroups reads /proc/PID/cgroup.
func procCgroups(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSpareDiesWithRuntime checks that a spare shim does not outlive its runtime,
// killed with SIGKILL: the end of its stdin ends it.
func TestSpareDiesWithRuntime(t *testing.T) {
	t.Parallel()
	rt, pids := startRuntimeRole(t, "POOLCTL_TEST_SPARE=1")
	if pids.Spare == 0 || pids.Spare == pids.Shim {
		t.Fatalf("the runtime role's spare is %d (its worker's shim %d)", pids.Spare, pids.Shim)
	}
	ps := track(t, "shim app spare", pids.Shim, pids.Apps[0], pids.Spare)
	killRuntimeRole(t, rt)
	waitGone(t, 15*time.Second, ps...)
	reapOrphan(t, ps[0])
	reapOrphan(t, ps[2])
}
