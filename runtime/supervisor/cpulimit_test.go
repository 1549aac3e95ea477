//go:build linux

package supervisor

import (
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
)

// cgroups returns the machine's cgroup manager, skipping the test when the runtime
// cannot cap CPUs here.
func cgroups(t *testing.T) *cgroup.Manager {
	t.Helper()
	m, err := cgroup.New("")
	if err != nil {
		t.Skip(err)
	}
	if !m.CanLimitCPU() {
		_, why := m.Available()
		t.Skip("no cgroup cpu controller: " + why)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestCPULimitWithoutCgroupsSaysSo(t *testing.T) {
	h := start(t, config(poolXML("C", "", "", `<cpu limit="10000" action="Throttle" />`), map[string]string{"/": "C"}, nil))
	h.waitEvent(event.CgroupUnavailable, "C", 5*time.Second)
	st := h.sup.Pools()[0]
	if len(st.Notes) == 0 || !strings.Contains(st.Notes[0], "cpu.limit not enforced") {
		t.Errorf("notes %q, want one saying the limit is not enforced", st.Notes)
	}
}

func TestCPULimitKillW3wp(t *testing.T) {
	m := cgroups(t)
	// 10% of the CPUs over resetInterval 1 minute, which is 0.6 s here.
	cpu := `<cpu limit="10000" action="KillW3wp" resetInterval="00:01:00" />`
	h := startWith(t, config(poolXML("Hog", "", "", cpu), map[string]string{"/": "Hog"}, nil), func(o *Options) { o.Cgroups = m })
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { h.get("/burn?ms=1500") })
	}
	e := h.waitEvent(event.CPULimitExceeded, "Hog", 10*time.Second)
	if !strings.Contains(e.Reason, "cpu.limit is 10%") {
		t.Errorf("reason %q", e.Reason)
	}
	if code, _ := h.get("/"); code != http.StatusServiceUnavailable {
		t.Errorf("GET while the pool is held back = %d, want 503", code)
	}
	wg.Wait()
	waitFor(t, 5*time.Second, "the interval's end", func() bool { code, _ := h.get("/"); return code == 200 })
}

func TestCPULimitThrottle(t *testing.T) {
	m := cgroups(t)
	// 10% of all CPUs: a worker burning for a second gets about that.
	cpu := `<cpu limit="10000" action="Throttle" />`
	h := startWith(t, config(poolXML("T", "", "", cpu), map[string]string{"/": "T"}, nil), func(o *Options) { o.Cgroups = m })
	pid := h.whoamiPID("/whoami")
	before := cpuTime(pid)
	start := time.Now()
	h.get("/burn?ms=1000")
	used, wall := cpuTime(pid)-before, time.Since(start)
	share := float64(used) / float64(wall) / float64(runtime.NumCPU())
	if share > 0.3 {
		t.Errorf("the worker used %.0f%% of the CPUs under a 10%% Throttle cap", share*100)
	}
}

// cpuTime returns the user and system CPU time of process pid.
func cpuTime(pid int) time.Duration {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// TestCPUGroupOnlyWithLimit checks, on cgroup v1, where a worker's program is
// scheduled: in the runtime's own cpu cgroup when its pool has no cpu.limit (a
// worker's own group is for freezing and killing), and in the pool's CPU group when it
// has one, while it stays in its worker's freezer group.
func TestCPUGroupOnlyWithLimit(t *testing.T) {
	m := cgroups(t)
	if m.Version() != 1 || !m.CanFreeze() {
		t.Skip("needs cgroup v1 with a freezer: a v2 group has every controller")
	}
	self := controllerPaths(t, os.Getpid())
	tests := []struct {
		name, cpu string
		wantCPU   string // a suffix of the program's cpu cgroup; "" = the runtime's own
	}{
		{name: "Free"},
		{name: "Weighted", cpu: `<cpu limit="50000" action="ThrottleUnderLoad" />`, wantCPU: "/pool-Weighted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startWith(t, config(poolXML(tt.name, "", "", tt.cpu), map[string]string{"/": tt.name}, nil),
				func(o *Options) { o.Cgroups = m })
			got := controllerPaths(t, h.whoamiPID("/whoami"))
			t.Logf("program's cgroups: cpu %s, freezer %s", got["cpu"], got["freezer"])
			if tt.wantCPU == "" && got["cpu"] != self["cpu"] {
				t.Errorf("cpu cgroup %q, want the runtime's %q", got["cpu"], self["cpu"])
			}
			if tt.wantCPU != "" && !strings.HasSuffix(got["cpu"], tt.wantCPU) {
				t.Errorf("cpu cgroup %q, want the pool's group %s", got["cpu"], tt.wantCPU)
			}
			if !strings.Contains(got["freezer"], "/pool-"+tt.name+"-") {
				t.Errorf("freezer cgroup %q, want the worker's own group", got["freezer"])
			}
		})
	}
}

// controllerPaths reads /proc/PID/cgroup: each cgroup v1 controller's path.
func controllerPaths(t *testing.T, pid int) map[string]string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for line := range strings.Lines(string(b)) {
		f := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(f) != 3 {
			continue
		}
		for _, c := range strings.Split(f[1], ",") {
			paths[c] = f[2]
		}
	}
	return paths
}
