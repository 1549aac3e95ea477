//go:build linux

package cgroup

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// usage reads g's CPU usage or fails the test.
func usage(t *testing.T, g *Group) time.Duration {
	t.Helper()
	u, err := g.CPUUsage()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// share is the fraction of one CPU g used over d.
func share(t *testing.T, g *Group, d time.Duration) float64 {
	t.Helper()
	u0, t0 := usage(t, g), time.Now()
	time.Sleep(d)
	u1, t1 := usage(t, g), time.Now()
	return float64(u1-u0) / float64(t1.Sub(t0))
}

func TestFreezeThaw(t *testing.T) {
	testFreezeThaw(t, realManager(t))
}

// TestFreezeThawV2 runs the same test on the cgroup v2 hierarchy, freeze and usage
// only, where the machine is hybrid (its cpu controller is on v1).
func TestFreezeThawV2(t *testing.T) {
	m2 := hybridV2(t)
	t.Run("freeze", func(t *testing.T) { testFreezeThaw(t, m2) })
	g := newGroup(t, m2)
	if err := g.SetCPUMax(10*time.Millisecond, 0); !errors.Is(err, ErrNotSupported) {
		t.Errorf("SetCPUMax without a cpu controller: %v, want ErrNotSupported", err)
	}
	if err := g.SetCPUWeight(100); !errors.Is(err, ErrNotSupported) {
		t.Errorf("SetCPUWeight without a cpu controller: %v, want ErrNotSupported", err)
	}
}

// hybridV2 returns a Manager on the cgroup v2 hierarchy of a hybrid machine (whose
// cpu controller is on v1), freeze and usage only; it skips when there is none.
func hybridV2(t *testing.T) *Manager {
	t.Helper()
	m := realManager(t)
	if m.Version() == 2 {
		t.Skip("the manager already uses cgroup v2")
	}
	ps, _, err := probe("/")
	if err != nil {
		t.Fatal(err)
	}
	v2dir, _ := pickMounts(mustSelf(t), mustMounts(t))
	if v2dir == "" {
		t.Skipf("no cgroup v2 hierarchy (plans %+v)", ps)
	}
	m2 := &Manager{root: "/", plan: plan{version: 2, freezer: v2dir, cpuacct: v2dir}, ok: true}
	instance, err := newInstanceName()
	if err != nil {
		t.Fatal(err)
	}
	m2.instance = instance
	if err := m2.prepare(m2.plan); err != nil {
		t.Skipf("cannot use cgroup v2 at %s: %v", v2dir, err)
	}
	if err := m2.claim(m2.plan); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m2.Close() })
	return m2
}

// TestKill checks that Kill ends every process of a group and returns once it is
// empty: on the Manager's hierarchy (v1 freeze and SIGKILL each on a hybrid machine)
// and on cgroup v2 (cgroup.kill) where the machine has both.
func TestKill(t *testing.T) {
	t.Run("manager", func(t *testing.T) { testKill(t, realManager(t)) })
	t.Run("v2", func(t *testing.T) { testKill(t, hybridV2(t)) })
}

func testKill(t *testing.T, m *Manager) {
	a, b := startRole(t, "sleep"), startRole(t, "sleep")
	g := newGroup(t, m, a.Process.Pid, b.Process.Pid)
	if err := g.Kill(); err != nil {
		t.Fatal(err)
	}
	if pids, err := g.Pids(); err != nil || len(pids) != 0 {
		t.Errorf("after Kill the group holds %v (%v), want none", pids, err)
	}
	for _, cmd := range []*exec.Cmd{a, b} {
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("pid %d: %v, want killed", cmd.Process.Pid, err)
		}
	}
}

func testFreezeThaw(t *testing.T, m *Manager) {
	if !m.CanFreeze() {
		t.Skip("no freezer")
	}
	spin := startRole(t, "spin")
	pid := spin.Process.Pid
	g := newGroup(t, m, pid)
	if pids, err := g.Pids(); err != nil || len(pids) != 1 || pids[0] != pid {
		t.Fatalf("Pids() = %v, %v; want [%d]", pids, err, pid)
	}
	start := time.Now()
	if err := g.Freeze(); err != nil {
		t.Fatal(err)
	}
	t.Logf("frozen in %v; state %q; /proc/%d/status State: %s", time.Since(start), freezerState(t, g), pid, procStatus(t, pid, "State"))
	// The process's own CPU time: a worker's group counts usage only where cpuacct
	// is its hierarchy (v2, or v1 without a freezer).
	cpu := func() time.Duration { return procCPU(t, pid) }
	u0 := cpu()
	time.Sleep(300 * time.Millisecond)
	if du := cpu() - u0; du > 0 {
		t.Errorf("frozen group used %v of CPU in 300ms", du)
	}
	start = time.Now()
	if err := g.Thaw(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	// Thawed, it runs: it uses CPU, however busy the machine (not a share of a span).
	u1 := cpu()
	u2 := waitCPU(t, "the thawed spinner", u1, 60*time.Millisecond, cpu)
	t.Logf("thawed in %v; state %q; State: %s; CPU after thaw %v -> %v", took, freezerState(t, g), procStatus(t, pid, "State"), u1, u2)
}

// freezerState reads the freezer's state file.
func freezerState(t *testing.T, g *Group) string {
	t.Helper()
	file := filepath.Join(g.freezer, "freezer.state")
	if g.version == 2 {
		file = filepath.Join(g.freezer, "cgroup.events")
	}
	s, err := readFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(s, "\n", "; ")
}

func TestCPUMax(t *testing.T) {
	m := realManager(t)
	if !m.CanLimitCPU() {
		t.Skip("no cpu controller")
	}
	spin := startRole(t, "spin")
	g := newCPUGroup(t, m, spin.Process.Pid)
	free := share(t, g, 500*time.Millisecond)
	if err := g.SetCPUMax(10*time.Millisecond, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t.Logf("cpu max files: %s", cpuMaxFiles(t, g))
	time.Sleep(200 * time.Millisecond)
	capped := share(t, g, time.Second)
	t.Logf("CPU share of a spinner: %.1f%% free, %.1f%% under 10ms/100ms", 100*free, 100*capped)
	if capped > 0.30 || capped <= 0 {
		t.Errorf("capped share %.1f%%, want about 10%% (0..30%%)", 100*capped)
	}
	if err := g.SetCPUMax(0, 0); err != nil {
		t.Fatal(err)
	}
	if files := cpuMaxFiles(t, g); !strings.Contains(files, "max") && !strings.Contains(files, "-1") {
		t.Errorf("after SetCPUMax(0, 0): %s, want no limit", files)
	}
	for _, bad := range [][2]time.Duration{{-1, 0}, {time.Microsecond, 0}, {time.Millisecond, 2 * time.Second}} {
		if err := g.SetCPUMax(bad[0], bad[1]); err == nil {
			t.Errorf("SetCPUMax(%v, %v) accepted", bad[0], bad[1])
		}
	}
}

// cpuMaxFiles shows the quota files of g.
func cpuMaxFiles(t *testing.T, g *Group) string {
	t.Helper()
	names := []string{"cpu.max"}
	if g.version == 1 {
		names = []string{"cpu.cfs_quota_us", "cpu.cfs_period_us"}
	}
	var parts []string
	for _, n := range names {
		s, err := readFile(filepath.Join(g.cpu, n))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, n+"="+s)
	}
	return strings.Join(parts, " ")
}

func TestCPUWeight(t *testing.T) {
	m := realManager(t)
	if !m.CanLimitCPU() {
		t.Skip("no cpu controller")
	}
	g := newCPUGroup(t, m)
	for _, w := range []int{50, 100, 10000, 1} {
		if err := g.SetCPUWeight(w); err != nil {
			t.Fatal(err)
		}
		got, err := g.CPUWeight()
		file := map[int]string{1: "cpu.shares", 2: "cpu.weight"}[g.version]
		raw, _ := readFile(filepath.Join(g.cpu, file))
		t.Logf("SetCPUWeight(%d): %s=%s, CPUWeight() = %d", w, file, raw, got)
		if err != nil || got != w {
			t.Errorf("CPUWeight() = %d, %v; want %d", got, err, w)
		}
	}
	for _, bad := range []int{0, -1, 10001} {
		if err := g.SetCPUWeight(bad); err == nil {
			t.Errorf("SetCPUWeight(%d) accepted", bad)
		}
	}
}

func TestRemoveWithProcesses(t *testing.T) {
	m := realManager(t)
	child := startRole(t, "sleep")
	g := newGroup(t, m, child.Process.Pid)
	err := g.Remove()
	if err == nil || !strings.Contains(err.Error(), "processes remain") {
		t.Fatalf("Remove with a process in the group: %v", err)
	}
	t.Logf("Remove: %v", err)
	if err := g.Add(child.Process.Pid); err != nil {
		t.Errorf("the group is gone after a failed Remove: %v", err)
	}
}

func TestCreateBadName(t *testing.T) {
	m := realManager(t)
	for _, name := range []string{"", ".", "..", "a/b"} {
		if _, err := m.Create(name); err == nil {
			t.Errorf("Create(%q) accepted", name)
		}
	}
}

// TestRename checks that a group renamed on cgroup v1 keeps its process under the new
// name in every hierarchy, and that on v2, which cannot rename, the group keeps its
// name, its directories and its process.
func TestRename(t *testing.T) {
	t.Run("manager", func(t *testing.T) { testRename(t, realManager(t)) })
	t.Run("v2", func(t *testing.T) { testRename(t, hybridV2(t)) })
}

func testRename(t *testing.T, m *Manager) {
	child := startRole(t, "sleep")
	pid := child.Process.Pid
	g := newGroup(t, m, pid)
	old, oldDirs := g.Name(), slices.Clone(g.dirs)
	if err := g.Rename("a/b"); err == nil {
		t.Errorf("Rename(%q) accepted", "a/b")
	}
	name := old + "-renamed"
	err := g.Rename(name)
	switch {
	case m.Version() == 2 && err == nil:
		t.Fatal("Rename on cgroup v2 succeeded; the kernel refuses it")
	case m.Version() == 2:
		t.Logf("Rename on v2: %v", err)
		if g.Name() != old || !slices.Equal(g.dirs, oldDirs) {
			t.Errorf("after a failed Rename: name %q dirs %q, want %q %q", g.Name(), g.dirs, old, oldDirs)
		}
	case err != nil:
		t.Fatal(err)
	case g.Name() != name:
		t.Errorf("Name() = %q, want %q", g.Name(), name)
	}
	for _, d := range g.dirs {
		if filepath.Base(d) != g.Name() {
			t.Errorf("directory %s is not named %s", d, g.Name())
		}
	}
	pids, err := g.Pids()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, pid) {
		t.Errorf("the group's processes %v lost %d", pids, pid)
	}
	if g.freezer != "" {
		if err := g.Freeze(); err != nil {
			t.Fatalf("freeze under the new name: %v", err)
		}
		if err := g.Thaw(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWorkerOutOfCPUHierarchy checks, on cgroup v1, that a worker's group leaves its
// process in the cpu cgroup it was in (scheduled as any process), and that a CPU group
// takes it into the cpu hierarchy while it stays in its worker's freezer group.
func TestWorkerOutOfCPUHierarchy(t *testing.T) {
	m := realManager(t)
	if m.Version() != 1 || !m.CanLimitCPU() || !m.CanFreeze() || m.plan.cpu == m.plan.freezer {
		t.Skipf("needs cgroup v1 with the cpu and freezer controllers apart: %s", m.why)
	}
	child := startRole(t, "sleep")
	pid := child.Process.Pid
	before := procCgroups(t, pid)
	w := newGroup(t, m, pid)
	in := procCgroups(t, pid)
	t.Logf("in a worker's group: %v", in)
	if in[ctlCPU] != before[ctlCPU] {
		t.Errorf("worker's group: cpu cgroup %q, want %q as before", in[ctlCPU], before[ctlCPU])
	}
	if !strings.HasSuffix(in[ctlFreezer], "/"+w.Name()) {
		t.Errorf("worker's group: freezer cgroup %q, want the group %s", in[ctlFreezer], w.Name())
	}
	g := newCPUGroup(t, m)
	if err := g.Add(pid); err != nil {
		t.Fatal(err)
	}
	capped := procCgroups(t, pid)
	t.Logf("in a CPU group too: %v", capped)
	if !strings.HasSuffix(capped[ctlCPU], "/"+g.Name()) {
		t.Errorf("CPU group: cpu cgroup %q, want the group %s", capped[ctlCPU], g.Name())
	}
	if capped[ctlFreezer] != in[ctlFreezer] {
		t.Errorf("CPU group: freezer cgroup %q, want the worker's %q still", capped[ctlFreezer], in[ctlFreezer])
	}
}

// procCgroups reads /proc/PID/cgroup: each v1 controller's path.
func procCgroups(t *testing.T, pid int) map[string]string {
	t.Helper()
	return mustProc(t, strconv.Itoa(pid)).v1
}
