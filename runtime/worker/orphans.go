//go:build linux

package worker

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// shims is the set of shims this process has started and not yet reaped. It is
// process-wide, as the subreaper role and the children it brings are: a sweep must
// leave alone the shims of every Supervisor in the process, and one being started.
var shims = struct {
	sync.Mutex
	pids map[int]bool
}{pids: map[int]bool{}}

// BecomeSubreaper makes the calling process a child subreaper: the orphaned
// descendants of its workers (those of a shim killed with SIGKILL) are re-parented to
// it rather than to init, where SweepOrphans finds and ends them. `poolctl run` calls
// it at start.
func BecomeSubreaper() error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("become a child subreaper: %w", err)
	}
	return nil
}

// startShimProcess runs start, which forks a shim, with the shim set locked, and adds
// the shim's pid to it: a sweep never sees a shim it does not know.
func startShimProcess(start func() (int, error)) error {
	shims.Lock()
	defer shims.Unlock()
	pid, err := start()
	if err == nil {
		shims.pids[pid] = true
	}
	return err
}

// forgetShim removes a shim that is about to be reaped from the set.
func forgetShim(pid int) {
	shims.Lock()
	delete(shims.pids, pid)
	shims.Unlock()
}

// sweepWait bounds how long SweepOrphans keeps killing and reaping.
const sweepWait = 5 * time.Second

// SweepOrphans kills and reaps the processes re-parented to this process (see
// BecomeSubreaper): its children that are neither a shim it started nor in its own
// process group (the commands it runs itself, which os/exec reaps, stay there). It
// reaps only those pids, never with wait(-1), so it takes no exit status os/exec
// waits for. It returns how many it found; without the subreaper role it finds none.
func SweepOrphans() int {
	var on int
	if err := unix.Prctl(unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&on)), 0, 0, 0); err != nil || on == 0 {
		return 0 // an orphan goes to init: every child is one this process started
	}
	found := map[int]bool{}
	deadline := time.Now().Add(sweepWait)
	for {
		orphans := listOrphans()
		if len(orphans) == 0 || time.Now().After(deadline) {
			return len(found)
		}
		for pid, dead := range orphans {
			found[pid] = true
			if !dead {
				_ = unix.Kill(pid, unix.SIGKILL)
			}
			reapPID(pid)
		}
		time.Sleep(time.Millisecond)
	}
}

// listOrphans returns the orphans re-parented to this process, each with whether it
// has exited already (a zombie).
func listOrphans() map[int]bool {
	self, group := os.Getpid(), unix.Getpgrp()
	shims.Lock()
	defer shims.Unlock()
	out := map[int]bool{}
	for _, pid := range procPIDs() {
		st, err := readStat(pid)
		if err != nil || st.PPID != self || st.PGRP == group || shims.pids[pid] {
			continue
		}
		out[pid] = st.Dead()
	}
	return out
}

// reapPID reaps pid if it has exited, without waiting.
func reapPID(pid int) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}

// procPIDs lists the pids in /proc.
func procPIDs() []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	var pids []int
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
