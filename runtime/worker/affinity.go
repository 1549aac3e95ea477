//go:build linux

package worker

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The memory policies of Affinity.MemPolicy.
const (
	// MemBind allocates the programs' memory only on Affinity.MemNodes
	// (cpu.numaNodeAffinityMode="Hard").
	MemBind = "bind"
	// MemPreferred allocates the programs' memory on Affinity.MemNodes first, the lowest
	// of them when there are several, and elsewhere when they are full
	// (cpu.numaNodeAffinityMode="Soft").
	MemPreferred = "preferred"
)

// Affinity restricts where a worker's programs, and every process they start, run and
// allocate memory: the shim applies it to the thread that starts them.
type Affinity struct {
	CPUs      []int  `json:"cpus,omitempty"`      // the CPUs they may run on; empty = not restricted
	MemNodes  []int  `json:"memNodes,omitempty"`  // the NUMA nodes of MemPolicy
	MemPolicy string `json:"memPolicy,omitempty"` // MemBind, MemPreferred, or "" = the shim's own policy
}

// The kernel's memory policy modes (linux/mempolicy.h); x/sys/unix does not define them.
const (
	mpolPreferred = 1
	mpolBind      = 2
)

// maxNodes is the size of the node masks passed to set_mempolicy and get_mempolicy:
// Linux's MAX_NUMNODES is at most 1024 (NODES_SHIFT 10).
const maxNodes = 1024

// nodeMask is a set of NUMA nodes as the kernel reads it: a bitmap of unsigned longs.
type nodeMask [maxNodes / 64]uint64

// check says what is wrong with a, if anything.
func (a *Affinity) check() error {
	var cpus unix.CPUSet
	for _, c := range a.CPUs {
		if c < 0 || c >= len(cpus)*64 {
			return fmt.Errorf("affinity: CPU %d is not between 0 and %d", c, len(cpus)*64-1)
		}
	}
	for _, n := range a.MemNodes {
		if n < 0 || n >= maxNodes {
			return fmt.Errorf("affinity: NUMA node %d is not between 0 and %d", n, maxNodes-1)
		}
	}
	switch {
	case a.MemPolicy != "" && a.MemPolicy != MemBind && a.MemPolicy != MemPreferred:
		return fmt.Errorf("affinity: unknown memory policy %q (want %q or %q)", a.MemPolicy, MemBind, MemPreferred)
	case a.MemPolicy != "" && len(a.MemNodes) == 0:
		return fmt.Errorf("affinity: memory policy %q without NUMA nodes", a.MemPolicy)
	case a.MemPolicy == "" && len(a.MemNodes) > 0:
		return fmt.Errorf("affinity: NUMA nodes %v without a memory policy", a.MemNodes)
	}
	return nil
}

// cpuSet returns a.CPUs as a CPU set (a has been checked).
func (a *Affinity) cpuSet() *unix.CPUSet {
	var set unix.CPUSet
	for _, c := range a.CPUs {
		set.Set(c)
	}
	return &set
}

// memPolicy returns the kernel's mode and node mask for a.MemPolicy (a has been checked).
func (a *Affinity) memPolicy() (int, *nodeMask) {
	var mask nodeMask
	for _, n := range a.MemNodes {
		mask[n/64] |= 1 << (n % 64)
	}
	if a.MemPolicy == MemBind {
		return mpolBind, &mask
	}
	return mpolPreferred, &mask
}

// threadState is what starting the programs changes on the shim's thread, to be put
// back: the CPU affinity and memory policy of an Affinity, the scheduling policy of
// Config.Batch.
type threadState struct {
	cpus   *unix.CPUSet // nil = not changed
	policy bool         // mode and nodes were changed
	mode   int
	nodes  nodeMask
	sched  *unix.SchedAttr // nil = not changed (sched.go)
}

// withThread runs start, which forks the programs, on an OS thread that has a's CPU
// affinity and memory policy (nil = none) and, with batch, the SCHED_BATCH scheduling
// policy, and then gives the thread its own back.
//
// All three are attributes of a thread, not of a process: sched_setaffinity(0),
// set_mempolicy and sched_setattr(0) change the calling thread only, and a child
// created by fork or clone inherits them from the thread that forks it and keeps them
// across execve. Go runs goroutines on whichever thread, so the goroutine is locked to
// its thread (runtime.LockOSThread) from before the change until start has forked
// every program (syscall.ForkExec forks from the calling thread). The thread must not
// end while the programs run (their parent-death signal follows the thread that forked
// them): it is unlocked, never left to end with its goroutine, and stays locked only if
// its own state could not be restored, which keeps it from running other goroutines;
// the caller is the shim's main goroutine, which lives as long as the shim. The shim's
// other threads, and so the shim itself, keep their affinity and policies.
func withThread(a *Affinity, batch bool, start func() error) error {
	if a == nil && !batch {
		return start()
	}
	if a != nil {
		if err := a.check(); err != nil {
			return err
		}
	}
	runtime.LockOSThread()
	var st threadState
	var err error
	if a != nil {
		err = st.apply(a)
	}
	if err == nil && batch {
		err = st.batch()
	}
	if err == nil {
		err = start()
	}
	if st.undo() == nil {
		runtime.UnlockOSThread()
	}
	return err
}

// apply saves the calling thread's CPU affinity and memory policy that a changes into
// st, then changes them.
func (st *threadState) apply(a *Affinity) error {
	if len(a.CPUs) > 0 {
		var old unix.CPUSet
		if err := unix.SchedGetaffinity(0, &old); err != nil {
			return fmt.Errorf("affinity: read the shim's CPU affinity: %w", err)
		}
		if err := unix.SchedSetaffinity(0, a.cpuSet()); err != nil {
			return fmt.Errorf("affinity: restrict the programs to CPUs %v: %w", a.CPUs, err)
		}
		st.cpus = &old
	}
	if a.MemPolicy == "" {
		return nil
	}
	mode, err := getMempolicy(&st.nodes)
	if err != nil {
		return fmt.Errorf("affinity: read the shim's memory policy: %w", err)
	}
	if err := setMempolicy(a.memPolicy()); err != nil {
		return fmt.Errorf("affinity: set the memory policy %s to NUMA nodes %v: %w", a.MemPolicy, a.MemNodes, err)
	}
	st.policy, st.mode = true, mode
	return nil
}

// undo puts back on the calling thread what apply changed.
func (st *threadState) undo() error {
	var errs []error
	if st.cpus != nil {
		errs = append(errs, unix.SchedSetaffinity(0, st.cpus))
	}
	if st.policy {
		errs = append(errs, setMempolicy(st.mode, &st.nodes))
	}
	errs = append(errs, st.undoBatch())
	return errors.Join(errs...)
}

// setMempolicy sets the calling thread's memory policy: set_mempolicy(2). An empty
// mask is passed as none, as MPOL_DEFAULT and MPOL_LOCAL require.
func setMempolicy(mode int, mask *nodeMask) error {
	ptr, size := uintptr(unsafe.Pointer(mask)), uintptr(maxNodes+1) // the kernel reads maxnode-1 bits
	if *mask == (nodeMask{}) {
		ptr, size = 0, 0
	}
	if _, _, e := unix.Syscall(unix.SYS_SET_MEMPOLICY, uintptr(mode), ptr, size); e != 0 {
		return e
	}
	return nil
}

// getMempolicy returns the calling thread's memory policy mode (with its flags) and
// fills mask with its nodes: get_mempolicy(2).
func getMempolicy(mask *nodeMask) (int, error) {
	var mode int32
	_, _, e := unix.Syscall6(unix.SYS_GET_MEMPOLICY, uintptr(unsafe.Pointer(&mode)),
		uintptr(unsafe.Pointer(mask)), uintptr(maxNodes+1), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(mode), nil
}
