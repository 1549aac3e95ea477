//go:build linux

package worker

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// batch saves the calling thread's scheduling attributes into st and gives the thread
// the SCHED_BATCH policy (sched(7)), keeping its nice value: the same share of the CPU
// as the default policy, but a thread of the policy that wakes up does not preempt
// the thread that is running. Programs forked from the thread inherit the policy, and
// their threads and children too (Config.Batch says why a worker runs so).
func (st *threadState) batch() error {
	old, err := unix.SchedGetAttr(0, 0)
	if err != nil {
		return fmt.Errorf("scheduling: read the shim's policy: %w", err)
	}
	attr := *old
	attr.Policy, attr.Priority, attr.Flags = unix.SCHED_BATCH, 0, 0
	if err := unix.SchedSetAttr(0, &attr, 0); err != nil {
		return fmt.Errorf("scheduling: set the programs' policy to SCHED_BATCH: %w", err)
	}
	st.sched = old
	return nil
}

// undoBatch puts back the scheduling attributes batch changed, if it did.
func (st *threadState) undoBatch() error {
	if st.sched == nil {
		return nil
	}
	return unix.SchedSetAttr(0, st.sched, 0)
}

// BatchAvailable reports whether the shim will be able to give the programs the
// SCHED_BATCH policy (a kernel without sched_setattr, or a seccomp filter, may refuse
// it): it tries on a thread of its own and puts the thread's policy back.
func BatchAvailable() error {
	runtime.LockOSThread()
	var st threadState
	err := st.batch()
	if st.undoBatch() == nil {
		runtime.UnlockOSThread()
	}
	return err
}
