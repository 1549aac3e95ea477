//go:build linux

package worker

import (
	"fmt"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"golang.org/x/sys/unix"
)

// joinCgroup moves the shim, which has started nothing yet, into a cgroup of its own
// when cfg.Cgroups can make one; the programs and theirs are born in it. A spare
// shim's staged group, which it is in already, is renamed instead (see Spare).
func (w *Worker) joinCgroup(cfg Config, staged *cgroup.Group) {
	if cfg.Cgroups == nil {
		return
	}
	if ok, _ := cfg.Cgroups.Available(); !ok {
		return
	}
	name := fmt.Sprintf("%s-%d", cfg.CgroupName, w.pid)
	if cfg.CgroupName == "" {
		name = fmt.Sprintf("worker-%d", w.pid)
	}
	if staged != nil {
		_ = staged.Rename(name) // cgroup v2 cannot: the group keeps its staged name
		w.group = staged
		return
	}
	w.group, w.groupErr = cfg.Cgroups.Create(name, w.pid)
}

// endProcesses kills what the worker leaves behind once its shim has exited, while
// the shim is a zombie not yet reaped (so that its pid, the group id, cannot be
// reused): everything in the worker's cgroup, and every process still in its process
// group. A shim killed with SIGKILL leaves its programs' descendants orphaned: they
// are re-parented to the runtime when it is a subreaper, and SweepOrphans, which wait
// calls next, ends them. A released worker's processes are ended
// too: the shim that watched them is gone.
func (w *Worker) endProcesses() {
	if w.group != nil {
		if err := w.group.Kill(); err == nil {
			_ = w.group.Remove()
		}
	}
	_ = unix.Kill(-w.pid, unix.SIGKILL)
}

// Cgroup returns the worker's own cgroup, or nil and why it has none (a nil error
// when it was not asked for one).
func (w *Worker) Cgroup() (*cgroup.Group, error) { return w.group, w.groupErr }
