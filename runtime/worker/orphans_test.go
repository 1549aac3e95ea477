//go:build linux

package worker

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/runtime/cgroup"
)

// TestShimKilled checks that a shim killed with SIGKILL leaves nothing running once the
// Worker has handled its end (Done): not its program, nor the program's child, in the
// worker's process group or in a session of its own, with a cgroup per worker and
// without (the process group kill and the sweep of the orphans re-parented to the test
// process, a subreaper as `poolctl run` is).
func TestShimKilled(t *testing.T) {
	t.Parallel()
	for _, withCgroup := range []bool{false, true} {
		for _, setsid := range []bool{false, true} {
			t.Run(fmt.Sprintf("cgroup=%v/setsid=%v", withCgroup, setsid), func(t *testing.T) {
				t.Parallel()
				cfg := testConfig(t, twApp(t, "site/forks", "TW_FORK_GRANDCHILD=1", "TW_GRANDCHILD_SETSID="+map[bool]string{true: "1"}[setsid]))
				if withCgroup {
					cfg.Cgroups, cfg.CgroupName = cgroupManager(t), "test-shimkilled"
				}
				w := start(t, cfg)
				if g, err := w.Cgroup(); withCgroup && g == nil {
					t.Fatalf("no cgroup for the worker: %v", err)
				}
				ready(t, w)
				gc := whoami(t, w, 0).Grandchild
				ps := track(t, "shim app grandchild", w.PID(), w.AppPIDs()[0], gc)
				checkGroup(t, gc, w.PID(), setsid)
				if err := unix.Kill(w.PID(), unix.SIGKILL); err != nil {
					t.Fatal(err)
				}
				<-w.Done()
				for _, p := range ps {
					if p.alive() {
						t.Errorf("%s (pid %d) still runs after the worker's end", p.name, p.pid)
					}
				}
			})
		}
	}
}

// cgroupManager returns the machine's cgroup manager, skipping the test when the
// process cannot create cgroups (not root, no writable hierarchy).
func cgroupManager(t *testing.T) *cgroup.Manager {
	t.Helper()
	m, err := cgroup.New("")
	if err != nil {
		t.Skip("no cgroups: " + err.Error())
	}
	if ok, why := m.Available(); !ok {
		t.Skip("no cgroups: " + why)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}
