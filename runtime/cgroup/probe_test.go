//go:build linux

package cgroup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	tests := []struct {
		tree  string
		plans []plan
		why   string
	}{
		{tree: "v1", plans: []plan{{version: 1, freezer: "/sys/fs/cgroup/freezer",
			cpu: "/sys/fs/cgroup/cpu,cpuacct", cpuacct: "/sys/fs/cgroup/cpu,cpuacct"}}},
		{tree: "v2", plans: []plan{{version: 2, freezer: "/sys/fs/cgroup",
			cpu: "/sys/fs/cgroup", cpuacct: "/sys/fs/cgroup"}}},
		{tree: "v2-nocpu", plans: []plan{{version: 2, freezer: "/sys/fs/cgroup", cpuacct: "/sys/fs/cgroup",
			note: "the cgroup v2 hierarchy at /sys/fs/cgroup offers no cpu controller"}}},
		// This machine: v1 controllers and a cgroup2 mount with only hugetlb.
		{tree: "hybrid", plans: []plan{{version: 1, freezer: "/sys/fs/cgroup/freezer",
			cpu: "/sys/fs/cgroup/cpu", cpuacct: "/sys/fs/cgroup/cpuacct"}}},
		{tree: "none", why: "no cgroup filesystem is mounted"},
	}
	for _, tt := range tests {
		t.Run(tt.tree, func(t *testing.T) {
			ps, why, err := probe(filepath.Join("testdata", tt.tree))
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != len(tt.plans) || why != tt.why {
				t.Fatalf("probe = %+v, %q; want %+v, %q", ps, why, tt.plans, tt.why)
			}
			for i := range ps {
				if ps[i] != tt.plans[i] {
					t.Errorf("plan %d = %+v, want %+v", i, ps[i], tt.plans[i])
				}
			}
		})
	}
}

func TestPlansPartialV1(t *testing.T) {
	self := selfCgroup{v1: map[string]string{"cpu": "/", "cpuacct": "/"}}
	ms := parseMounts([]byte("cgroup /c\\040g/cpu cgroup rw,cpu 0 0\n"))
	ps, _ := plans(self, ms, func(string) bool { return false })
	want := plan{version: 1, cpu: "/c g/cpu", note: "no cgroup v1 freezer, cpuacct controller"}
	if len(ps) != 1 || ps[0] != want {
		t.Fatalf("plans = %+v, want %+v", ps, want)
	}
}

func TestParseSelfCgroupBad(t *testing.T) {
	if _, err := parseSelfCgroup([]byte("garbage\n")); err == nil {
		t.Fatal("no error for a line without colons")
	}
}

// TestNewFakeTree runs New on copies of the fake trees: their directories are not
// cgroup filesystems, so the Manager must not be Available, and must say why.
func TestNewFakeTree(t *testing.T) {
	for tree, want := range map[string]string{
		"v1":       "is not on a cgroup filesystem",
		"v2":       "cgroup.subtree_control",
		"v2-nocpu": "is not on a cgroup filesystem",
		"hybrid":   "is not on a cgroup filesystem",
		"none":     "no cgroup filesystem is mounted",
	} {
		t.Run(tree, func(t *testing.T) {
			root := t.TempDir()
			if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", tree))); err != nil {
				t.Fatal(err)
			}
			m, err := New(root)
			if err != nil {
				t.Fatal(err)
			}
			ok, why := m.Available()
			t.Logf("Available() = %v, %q", ok, why)
			if ok || m.Version() != 0 || m.CanFreeze() || m.CanLimitCPU() {
				t.Fatalf("fake tree %s is Available: %q", tree, why)
			}
			if !strings.HasPrefix(why, "no writable cgroup: ") || !strings.Contains(why, want) {
				t.Errorf("why = %q, want it to mention %q", why, want)
			}
			if _, err := m.Create("x", os.Getpid()); !errors.Is(err, ErrNotSupported) {
				t.Errorf("Create on an unavailable manager: %v, want ErrNotSupported", err)
			}
		})
	}
}

func TestNewMissingProc(t *testing.T) {
	if _, err := New(t.TempDir()); err == nil {
		t.Fatal("New on an empty tree: no error")
	}
}

// TestGroupRoles checks which hierarchies a worker's group (Create) and a CPU group
// (CreateCPU) take under each plan: on v1 a worker's group stays out of cpu's where
// another hierarchy can hold it.
func TestGroupRoles(t *testing.T) {
	const fr, cpu, acct, both = "/fr", "/cpu", "/acct", "/cpu,cpuacct"
	type roles struct{ freezer, cpu, cpuacct string }
	tests := []struct {
		name        string
		plan        plan
		worker, grp roles
	}{
		{"v1 separate", plan{version: 1, freezer: fr, cpu: cpu, cpuacct: acct},
			roles{fr, "", ""}, roles{"", cpu, acct}},
		{"v1 cpu,cpuacct co-mounted", plan{version: 1, freezer: fr, cpu: both, cpuacct: both},
			roles{fr, "", ""}, roles{"", both, both}},
		{"v1 freezer co-mounted with cpu", plan{version: 1, freezer: both, cpu: both, cpuacct: acct},
			roles{both, both, acct}, roles{"", both, acct}},
		{"v1 cpu and cpuacct, no freezer", plan{version: 1, cpu: cpu, cpuacct: acct},
			roles{"", "", acct}, roles{"", cpu, acct}},
		{"v1 cpu alone", plan{version: 1, cpu: cpu},
			roles{"", cpu, ""}, roles{"", cpu, ""}},
		{"v1 freezer alone", plan{version: 1, freezer: fr},
			roles{fr, "", ""}, roles{"", "", ""}},
		{"v2", plan{version: 2, freezer: "/u", cpu: "/u", cpuacct: "/u"},
			roles{"/u", "/u", "/u"}, roles{"/u", "/u", "/u"}},
		{"v2 without cpu", plan{version: 2, freezer: "/u", cpuacct: "/u"},
			roles{"/u", "", "/u"}, roles{"/u", "", "/u"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w, g roles
			w.freezer, w.cpu, w.cpuacct = tt.plan.roles(false)
			g.freezer, g.cpu, g.cpuacct = tt.plan.roles(true)
			if w != tt.worker {
				t.Errorf("worker's group: %+v, want %+v", w, tt.worker)
			}
			if g != tt.grp {
				t.Errorf("CPU group: %+v, want %+v", g, tt.grp)
			}
		})
	}
}
