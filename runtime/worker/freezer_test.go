//go:build linux

package worker

import (
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
)

// TestParentDeathThawsFrozenPrograms checks that a worker whose programs a cgroup v1
// freezer holds (an idle worker the runtime suspended) still goes when its runtime is
// killed: the shim thaws the group before it signals them.
func TestParentDeathThawsFrozenPrograms(t *testing.T) {
	m, err := cgroup.New("")
	if err != nil || !m.CanFreeze() || m.Version() != 1 {
		t.Skip("no cgroup v1 freezer here")
	}
	t.Cleanup(func() { m.Close() })
	rt, pids := startRuntimeRole(t)
	g, err := m.Create("worker-test-frozen", pids.Apps[0], pids.Grandchild)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Thaw(); g.Remove() })
	if err := g.Freeze(); err != nil {
		t.Fatal(err)
	}
	ps := track(t, "shim app grandchild", pids.Shim, pids.Apps[0], pids.Grandchild)
	killRuntimeRole(t, rt)
	waitGone(t, 15*time.Second, ps...)
	reapOrphan(t, ps[0])
}
