//go:build linux

package numa

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRead reads the fake sysfs trees: nodes in ID order with their CPUs and memory, a
// gap in the IDs and a node with memory only, and a machine without NUMA as one node.
func TestRead(t *testing.T) {
	tests := []struct {
		tree string
		want []Node
	}{
		{"one-node", []Node{{ID: 0, CPUs: seq(0, 1), MemFreeKB: 7313960, MemTotalKB: 7956692}}},
		{"two-node", []Node{
			{ID: 0, CPUs: append(seq(0, 7), seq(16, 23)...), MemFreeKB: 12345678, MemTotalKB: 65843404},
			{ID: 1, CPUs: append(seq(8, 15), seq(24, 31)...), MemFreeKB: 40000128, MemTotalKB: 66058292},
		}},
		{"four-node", []Node{
			{ID: 0, CPUs: append(seq(0, 15), seq(64, 79)...), MemFreeKB: 20118044, MemTotalKB: 131899660},
			{ID: 1, CPUs: append(seq(16, 31), seq(80, 95)...), MemFreeKB: 88002312, MemTotalKB: 132120576},
			{ID: 2, CPUs: append(seq(32, 47), seq(96, 111)...), MemFreeKB: 88002312, MemTotalKB: 132120576},
			{ID: 3, CPUs: append(seq(48, 63), seq(112, 127)...), MemFreeKB: 51772908, MemTotalKB: 132104192},
		}},
		{"memory-only-node", []Node{
			{ID: 0, CPUs: seq(0, 3), MemFreeKB: 9876543, MemTotalKB: 16318480},
			{ID: 2, MemFreeKB: 268000000, MemTotalKB: 268435456},
		}},
		{"no-numa", []Node{{ID: 0, CPUs: seq(0, 3), MemFreeKB: 6120444, MemTotalKB: 8039132}}},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			got, err := Read(filepath.Join("testdata", tt.tree))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Read (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadErrors checks that a broken tree is an error that names the node and file.
func TestReadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // path under the root: content
		want  string
	}{
		{"bad cpulist", map[string]string{
			"sys/devices/system/node/node0/cpulist": "0-x\n",
			"sys/devices/system/node/node0/meminfo": "Node 0 MemTotal: 10 kB\nNode 0 MemFree: 5 kB\n",
		}, "node 0: " + "testdata"},
		{"no meminfo", map[string]string{"sys/devices/system/node/node1/cpulist": "0\n"}, "node 1: open"},
		{"meminfo of another node", map[string]string{
			"sys/devices/system/node/node1/cpulist": "0\n",
			"sys/devices/system/node/node1/meminfo": "Node 0 MemTotal: 10 kB\nNode 0 MemFree: 5 kB\n",
		}, "no MemTotal and MemFree lines"},
		{"bad MemFree", map[string]string{
			"sys/devices/system/node/node0/cpulist": "0\n",
			"sys/devices/system/node/node0/meminfo": "Node 0 MemTotal: 10 kB\nNode 0 MemFree: -5 kB\n",
		}, `MemFree: bad value "-5"`},
		{"no NUMA, no cpu/online", map[string]string{"proc/meminfo": "MemTotal: 10 kB\nMemFree: 5 kB\n"}, "no NUMA nodes: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, filepath.Join(root, name), content)
			}
			want := strings.ReplaceAll(tt.want, "testdata", filepath.Join(root, "sys/devices/system/node/node0/cpulist"))
			if _, err := Read(root); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Read: %v; want an error containing %q", err, want)
			}
		})
	}
}

// TestReadThisMachine reads the real sysfs: at least one node, every node's CPUs and
// memory plausible, and every online CPU in exactly one node.
func TestReadThisMachine(t *testing.T) {
	nodes, err := Read("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		t.Skip("no /sys/devices/system/cpu/online:", err)
	}
	online, err := ParseCPUList(string(b))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for _, n := range nodes {
		if n.MemTotalKB <= 0 || n.MemFreeKB > n.MemTotalKB {
			t.Errorf("node %d: MemFree %d kB of MemTotal %d kB", n.ID, n.MemFreeKB, n.MemTotalKB)
		}
		for _, c := range n.CPUs {
			seen[c]++
		}
	}
	for _, c := range online {
		if seen[c] != 1 {
			t.Errorf("online CPU %d is in %d nodes, want 1 (nodes %+v)", c, seen[c], nodes)
		}
	}
}

// seq returns lo..hi.
func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

// writeFile writes content to name, creating its directory.
func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
