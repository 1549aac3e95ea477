//go:build linux

package supervisor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/testworker"
)

// TestShimKilledLeavesNothing checks that when a worker's shim is killed with SIGKILL,
// as `kill -9` of the pid `poolctl workers` shows, its program and the program's child
// (in a session of its own) are gone once the supervisor has handled the worker's
// end, and that the next worker leaves none after Shutdown: with a cgroup per worker,
// and without one (the sweep of the orphans re-parented to the test process, a
// subreaper as `poolctl run` is).
func TestShimKilledLeavesNothing(t *testing.T) {
	for _, withCgroup := range []bool{false, true} {
		t.Run(fmt.Sprintf("cgroup=%v", withCgroup), func(t *testing.T) {
			var m *cgroup.Manager
			if withCgroup {
				m = killCgroups(t)
			}
			h := startWith(t, config(poolXML("K", `startMode="AlwaysRunning"`, `pingingEnabled="false"`, ""), map[string]string{"/": "K"},
				map[string]string{"TW_FORK_GRANDCHILD": "1", "TW_GRANDCHILD_SETSID": "1"}), func(o *Options) { o.Cgroups = m })
			shim := h.waitEvent(event.WorkerStarted, "K", 10*time.Second).PID
			first := h.whoami()
			if err := syscall.Kill(shim, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			h.waitEvent(event.WorkerCrashed, "K", 10*time.Second)
			for what, pid := range map[string]int{"program": first.PID, "grandchild": first.Grandchild} {
				if alive(pid) {
					t.Errorf("the killed shim's %s (pid %d) still runs after the worker's end", what, pid)
				}
			}
			h.waitCount(event.WorkerStarted, "K", 2, 10*time.Second)
			second := h.whoami()
			ctx := t.Context()
			if err := h.sup.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			for what, pid := range map[string]int{"program": second.PID, "grandchild": second.Grandchild} {
				if alive(pid) {
					t.Errorf("the next worker's %s (pid %d) still runs after Shutdown", what, pid)
				}
			}
		})
	}
}

// whoami asks the test worker who it is.
func (h *harness) whoami() testworker.Whoami {
	h.t.Helper()
	resp, err := http.Get(h.url("/whoami"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var w testworker.Whoami
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil || w.Grandchild == 0 {
		h.t.Fatalf("whoami: %+v, %v", w, err)
	}
	return w
}

// killCgroups returns the machine's cgroup manager, skipping the test when no cgroup
// can be created here.
func killCgroups(t *testing.T) *cgroup.Manager {
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
