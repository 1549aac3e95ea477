//go:build linux

package supervisor

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/numa"
)

// fourNodes is a fake sysfs tree of a four-node machine.
const fourNodes = "../numa/testdata/four-node"

func TestNUMAGardenRunsOneWorkerPerNode(t *testing.T) {
	// maxProcesses="0" on a (fake) four-node machine: four workers under load, never
	// five. WindowsScheduling leaves placement to the kernel, since the fake nodes'
	// CPUs are not this machine's.
	cpu := `<cpu numaNodeAssignment="WindowsScheduling" />`
	h := startWith(t, config(poolXML("Numa", "", `maxProcesses="0"`, cpu), map[string]string{"/": "Numa"}, nil),
		func(o *Options) { o.TopologyRoot = fourNodes })
	pids := h.servingWorkers("Numa", 4, 30*time.Second)
	if len(pids) != 4 {
		t.Errorf("%d distinct workers served, want one per node: 4", len(pids))
	}
}

func TestNUMAPlacementMostAvailableMemory(t *testing.T) {
	nodes, err := numa.Read(fourNodes)
	if err != nil {
		t.Fatal(err)
	}
	h := startWith(t, config(poolXML("P", `autoStart="false"`, `maxProcesses="0"`, ""), map[string]string{"/": "P"}, nil),
		func(o *Options) { o.TopologyRoot = fourNodes })
	p := h.sup.pool("P")
	var got []int
	for range len(nodes) + 1 {
		node := p.placeLocked()
		got = append(got, node)
		p.workers = append(p.workers, &slot{state: wReady, node: node})
	}
	p.workers = nil
	// The order numa's own tests establish for this tree, then no node left.
	if want := []int{1, 2, 3, 0, noNode}; !equalInts(got, want) {
		t.Errorf("placements %v, want %v", got, want)
	}
}

func TestNUMAHardAffinityOnThisMachine(t *testing.T) {
	nodes, err := numa.Read("")
	if err != nil {
		t.Skip(err)
	}
	cpu := `<cpu numaNodeAffinityMode="Hard" />`
	h := start(t, config(poolXML("H", "", `maxProcesses="0"`, cpu), map[string]string{"/": "H"}, nil))
	pid := h.whoamiPID("/whoami")
	want := numa.FormatCPUList(nodes[0].CPUs)
	if got := procStatus(pid, "Cpus_allowed_list:"); got != want {
		t.Errorf("worker Cpus_allowed_list %q, want node 0's %q", got, want)
	}
	if b, err := os.ReadFile("/proc/" + itoa(pid) + "/numa_maps"); err == nil && !strings.Contains(string(b), "bind:0") {
		t.Errorf("numa_maps has no bind:0 (numaNodeAffinityMode Hard)")
	}
}

func TestSMPAffinity(t *testing.T) {
	cpu := `<cpu smpAffinitized="true" smpProcessorAffinityMask="1" />`
	h := start(t, config(poolXML("S", "", "", cpu), map[string]string{"/": "S"}, nil))
	pid := h.whoamiPID("/whoami")
	if got := procStatus(pid, "Cpus_allowed_list:"); got != "0" {
		t.Errorf("Cpus_allowed_list %q, want 0 (smpProcessorAffinityMask 1)", got)
	}
}

// procStatus returns the value of a field of /proc/PID/status.
func procStatus(pid int, field string) string {
	b, _ := os.ReadFile("/proc/" + itoa(pid) + "/status")
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMaskCPUs(t *testing.T) {
	got := maskCPUs(0b1011, 0b1)
	if want := []int{0, 1, 3, 32}; !equalInts(got, want) {
		t.Errorf("maskCPUs = %v, want %v (smpProcessorAffinityMask2 bit 0 is CPU 32)", got, want)
	}
}
