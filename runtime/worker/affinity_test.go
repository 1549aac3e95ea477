//go:build linux

package worker

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAffinityCheck(t *testing.T) {
	tests := []struct {
		a    Affinity
		want string // "" = valid
	}{
		{Affinity{}, ""},
		{Affinity{CPUs: []int{0, 1023}}, ""},
		{Affinity{MemNodes: []int{0, 1023}, MemPolicy: MemBind}, ""},
		{Affinity{CPUs: []int{3}, MemNodes: []int{1}, MemPolicy: MemPreferred}, ""},
		{Affinity{CPUs: []int{1024}}, "CPU 1024 is not between 0 and 1023"},
		{Affinity{CPUs: []int{-1}}, "CPU -1 is not"},
		{Affinity{MemNodes: []int{1024}, MemPolicy: MemBind}, "NUMA node 1024 is not between 0 and 1023"},
		{Affinity{MemNodes: []int{0}, MemPolicy: "interleave"}, `unknown memory policy "interleave"`},
		{Affinity{MemPolicy: MemBind}, `memory policy "bind" without NUMA nodes`},
		{Affinity{MemNodes: []int{0}}, "NUMA nodes [0] without a memory policy"},
	}
	for _, tt := range tests {
		err := tt.a.check()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: check() = %v, want %q", tt.a, err, tt.want)
		}
	}
}

func TestAffinityMemPolicy(t *testing.T) {
	mode, mask := (&Affinity{MemNodes: []int{0, 2, 64, 1023}, MemPolicy: MemBind}).memPolicy()
	want := nodeMask{0: 1 | 1<<2, 1: 1, 15: 1 << 63}
	if mode != mpolBind || *mask != want {
		t.Errorf("memPolicy = %d, %x; want %d, %x", mode, *mask, mpolBind, want)
	}
	if mode, _ := (&Affinity{MemNodes: []int{0}, MemPolicy: MemPreferred}).memPolicy(); mode != mpolPreferred {
		t.Errorf("memPolicy(preferred) mode = %d, want %d", mode, mpolPreferred)
	}
}

// TestAffinityCPUs starts workers restricted to some CPUs and reads the kernel's view:
// the program and the grandchild it forks run only on those CPUs, and every thread of
// the shim still has the runtime's CPUs.
func TestAffinityCPUs(t *testing.T) {
	t.Parallel()
	own := procStatus(t, "/proc/self", "Cpus_allowed_list")
	for _, tt := range []struct {
		cpus []int
		want string
	}{{[]int{0}, "0"}, {[]int{0, 1}, "0-1"}} {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			needCPUs(t, tt.cpus)
			cfg := testConfig(t, twApp(t, "site/cpus", "TW_FORK_GRANDCHILD=1"))
			cfg.Affinity = &Affinity{CPUs: tt.cpus}
			w := start(t, cfg)
			ready(t, w)
			app := "/proc/" + strconv.Itoa(w.AppPIDs()[0])
			grandchild := "/proc/" + strconv.Itoa(whoami(t, w, 0).Grandchild)
			for _, dir := range []string{app, grandchild} {
				if got := procStatus(t, dir, "Cpus_allowed_list"); got != tt.want {
					t.Errorf("%s: Cpus_allowed_list = %q, want %q", dir, got, tt.want)
				}
			}
			for _, task := range shimTasks(t, w) {
				if got := procStatus(t, task, "Cpus_allowed_list"); got != own {
					t.Errorf("shim thread %s: Cpus_allowed_list = %q, want the runtime's %q", task, got, own)
				}
			}
		})
	}
}

// TestAffinityMemPolicyApplied starts workers with a memory policy on node 0 and reads the
// kernel's view in numa_maps: every mapping of the program and of its grandchild has
// that policy, and every thread of the shim still has the runtime's.
func TestAffinityMemPolicyApplied(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/numa_maps"); err != nil {
		t.Skip("the kernel has no /proc/PID/numa_maps (CONFIG_NUMA off?):", err)
	}
	own := numaPolicy(t, "/proc/self")
	for _, tt := range []struct{ policy, want string }{{MemBind, "bind:0"}, {MemPreferred, "prefer:0"}} {
		t.Run(tt.policy, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, twApp(t, "site/mem", "TW_FORK_GRANDCHILD=1"))
			cfg.Affinity = &Affinity{MemNodes: []int{0}, MemPolicy: tt.policy}
			w := start(t, cfg)
			ready(t, w)
			app := "/proc/" + strconv.Itoa(w.AppPIDs()[0])
			grandchild := "/proc/" + strconv.Itoa(whoami(t, w, 0).Grandchild)
			for _, dir := range []string{app, grandchild} {
				if got := numaPolicy(t, dir); got != tt.want {
					t.Errorf("%s: numa_maps policy %q, want %q", dir, got, tt.want)
				}
			}
			for _, task := range shimTasks(t, w) {
				if got := numaPolicy(t, task); got != own {
					t.Errorf("shim thread %s: numa_maps policy %q, want the runtime's %q", task, got, own)
				}
			}
		})
	}
}

// TestAffinityRefused checks that an affinity the shim cannot apply is a Start error
// that says what could not be applied, and that no program was started.
func TestAffinityRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    Affinity
		want string
	}{
		{"offline CPU", Affinity{CPUs: []int{1023}}, "restrict the programs to CPUs [1023]: invalid argument"},
		{"no such node", Affinity{MemNodes: []int{1023}, MemPolicy: MemBind},
			"set the memory policy bind to NUMA nodes [1023]: invalid argument"},
		{"bad policy", Affinity{MemNodes: []int{0}, MemPolicy: "local"}, `unknown memory policy "local"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := os.Stat("/sys/devices/system/cpu/cpu1023"); err == nil {
				t.Skip("this machine has CPU 1023")
			}
			app := twApp(t, "site/refused")
			app.StdoutLog = filepath.Join(t.TempDir(), "stdout.log")
			cfg := testConfig(t, app)
			cfg.Affinity = &tt.a
			w, err := Start(cfg)
			if err == nil {
				w.Kill()
				t.Fatalf("Start succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start: %v; want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(app.StdoutLog); err == nil {
				t.Error("the program was started: its stdout log exists")
			}
		})
	}
}

// needCPUs skips the test unless the test process may run on every CPU of cpus.
func needCPUs(t *testing.T, cpus []int) {
	t.Helper()
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		t.Fatal(err)
	}
	for _, c := range cpus {
		if !set.IsSet(c) {
			t.Skipf("the tests may not run on CPU %d", c)
		}
	}
}

// procStatus returns a field of dir/status (dir is /proc/PID or /proc/PID/task/TID).
func procStatus(t *testing.T, dir, field string) string {
	t.Helper()
	b, err := os.ReadFile(dir + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("%s/status has no %s", dir, field)
	return ""
}

// numaPolicy returns the policy of the mappings in dir/numa_maps ("default", "bind:0",
// "prefer:0"), which must all have the same: none has a policy of its own (mbind), so
// each shows the thread's.
func numaPolicy(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(dir + "/numa_maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	policy := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		if policy != "" && fields[1] != policy {
			t.Fatalf("%s/numa_maps: policies %q and %q", dir, policy, fields[1])
		}
		policy = fields[1]
	}
	if err := sc.Err(); err != nil || policy == "" {
		t.Fatalf("%s/numa_maps: no mapping (%v)", dir, err)
	}
	return policy
}

// shimTasks returns the /proc directories of the shim's threads.
func shimTasks(t *testing.T, w *Worker) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/" + strconv.Itoa(w.PID()) + "/task/*")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("the shim's threads: %v, %v", tasks, err)
	}
	return tasks
}
