//go:build linux

package cgroup

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The test binary is also the child the tests control, by POOLCTL_CGROUP_TEST_ROLE:
// "spin" burns one CPU, "alloc" touches 50 MB of anonymous memory, "sleep" sleeps.
const roleEnv = "POOLCTL_CGROUP_TEST_ROLE"

// allocSize is what the alloc role allocates and touches.
const allocSize = 50 << 20

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role))
	}
	os.Exit(m.Run())
}

// runRole runs a child role: it prints "ready" once set up, then runs until killed.
func runRole(role string) int {
	switch role {
	case "spin":
		fmt.Println("ready")
		for x := 0; ; x++ {
			_ = x
		}
	case "alloc":
		mem, err := unix.Mmap(-1, 0, allocSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			fmt.Fprintln(os.Stderr, "alloc:", err)
			return 1
		}
		for i := 0; i < len(mem); i += 4096 {
			mem[i] = byte(i>>12) | 1
		}
		fmt.Println("ready")
	case "sleep":
		fmt.Println("ready")
	case "manager":
		// A runtime's Manager with a group, killed by the test: it prints the
		// group's directories and waits.
		m, err := New("")
		if err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
			return 1
		}
		g, err := m.Create("test-killed")
		if err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
			return 1
		}
		fmt.Println("ready " + strings.Join(g.dirs, " "))
	default:
		return 2
	}
	time.Sleep(time.Hour)
	return 0
}

// startRole starts the test binary in role, leading a process group of its own, and
// waits until it is ready; cleanup kills and reaps it.
func startRole(t *testing.T, role string) *exec.Cmd {
	t.Helper()
	cmd, _ := startRoleSaying(t, role)
	return cmd
}

// startRoleSaying is startRole that also returns the words the child printed after
// "ready".
func startRoleSaying(t *testing.T, role string) (*exec.Cmd, []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), roleEnv+"="+role, "GOMAXPROCS=1", "GORACE=atexit_sleep_ms=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		t.Fatalf("%s child: %q, %v", role, line, err)
	}
	return cmd, strings.Fields(strings.TrimPrefix(line, "ready"))
}

// realManager returns a Manager on this machine, or skips when it cannot have one.
func realManager(t *testing.T) *Manager {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create cgroups")
	}
	m, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	ok, why := m.Available()
	if !ok {
		t.Skipf("no cgroup on this machine: %s", why)
	}
	t.Logf("manager: v%d, %s", m.Version(), why)
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m
}

// newGroup creates a worker's group for the test holding pids; cleanup thaws it, kills
// what is left in it, and removes it.
func newGroup(t *testing.T, m *Manager, pids ...int) *Group {
	t.Helper()
	return makeGroup(t, m.Create, "", pids)
}

// newCPUGroup is newGroup for a CPU group (CreateCPU).
func newCPUGroup(t *testing.T, m *Manager, pids ...int) *Group {
	t.Helper()
	return makeGroup(t, m.CreateCPU, "cpu-", pids)
}

// makeGroup makes the test's group with create, its name prefixed by prefix.
func makeGroup(t *testing.T, create func(string, ...int) (*Group, error), prefix string, pids []int) *Group {
	t.Helper()
	name := fmt.Sprintf("test-%s%s-%d", prefix, regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "_"), os.Getpid())
	g, err := create(name, pids...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { destroy(t, g) })
	for _, d := range g.dirs {
		t.Logf("group dir %s", d)
	}
	return g
}

// destroy thaws g, kills its processes, waits until they are gone and removes g.
func destroy(t *testing.T, g *Group) {
	if g.freezer != "" {
		_ = g.Thaw()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		pids, err := g.Pids()
		if err != nil || len(pids) == 0 || time.Now().After(deadline) {
			break
		}
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := g.Remove(); err != nil {
		t.Errorf("cleanup: %v", err)
	}
}

// procStatus reads one field of /proc/PID/status.
func procStatus(t *testing.T, pid int, key string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("/proc/%d/status: no %s", pid, key)
	return ""
}

// procCPU is the CPU time of pid from /proc/PID/stat (utime+stime, 100 Hz ticks).
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// mustSelf parses this process's /proc/self/cgroup.
func mustSelf(t *testing.T) selfCgroup {
	t.Helper()
	return mustProc(t, "self")
}

// mustProc parses /proc/PID/cgroup (PID a number or "self").
func mustProc(t *testing.T, pid string) selfCgroup {
	t.Helper()
	b, err := os.ReadFile("/proc/" + pid + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSelfCgroup(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mustMounts parses /proc/mounts.
func mustMounts(t *testing.T) []mount {
	t.Helper()
	b, err := os.ReadFile("/proc/mounts")
	if err != nil {
		t.Fatal(err)
	}
	return parseMounts(b)
}
