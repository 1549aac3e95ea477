// Package cgroup creates and controls the cgroups of poolctl's workers: freezing a
// worker for idle Suspend, capping its CPU (quota for Throttle, weight for
// ThrottleUnderLoad) and reading its CPU usage. It also holds the fallbacks for
// machines where no cgroup can be created (StopGroup and ContinueGroup: SIGSTOP and
// SIGCONT to the worker's process group) and PageOut (process_madvise MADV_PAGEOUT).
//
// # Layout
//
// New probes /proc/self/cgroup and /proc/mounts and picks, best first:
//
//   - cgroup v2, when its hierarchy offers the cpu controller: <mount>/poolctl/<run>/<name>,
//     with "+cpu" written to the subtree_control of <mount>, <mount>/poolctl and
//     <mount>/poolctl/<run>;
//   - cgroup v1, when a freezer or cpu controller is mounted: <mount>/poolctl/<run>/<name>
//     in the freezer, cpu and cpuacct hierarchies that exist (co-mounted ones share one
//     directory): a worker's group (Create) in the freezer's, else cpuacct's, and a
//     pool's CPU group (CreateCPU) in cpu's and cpuacct's. A worker's group stays out
//     of cpu's unless cpu shares the freezer's directory or is all there is: there
//     each cgroup is scheduled as one task, so that all of the runtime's workers would
//     get the CPU time of one process against every process outside (behind a busy
//     front end, a p99 three times as long). So a worker is scheduled as any process
//     unless its pool has a cpu.limit;
//   - cgroup v2 without the cpu controller (a hybrid system whose cpu controller is
//     elsewhere, or not delegated): <mount>/poolctl/<run>/<name>, freeze and usage only.
//
// <run> is the runtime's own directory, "run-PID-RANDOM", which the Manager holds an
// exclusive flock on while it lives and removes in Close. A runtime killed with
// SIGKILL cannot remove it, but the kernel lets go of its lock: the next Manager's New
// removes every runtime directory it can lock, with the empty groups in it (a group
// that still holds a process stays, and its directory with it, for a later New). The
// lock, unlike a pid, tells a live runtime in another pid namespace from a dead one.
//
// A plan counts only once its <mount>/poolctl directory could be created (or already
// exists) and is on a cgroup filesystem; otherwise the next is tried, and when none
// works the Manager is not Available and says why. Groups are created in the poolctl
// directory under the hierarchy's mount point, not under the runtime's own cgroup: on
// v2 a cgroup that holds processes cannot pass controllers on to children, and the
// root of the hierarchy is exempt from that rule.
//
// Children a process forks after it was moved are born in its group; a caller that
// moves a worker after its shim started programs must move every process (Add).
//
// A Manager does not change after New and may be shared by goroutines; a Group's
// methods only read and write its control files, and the caller orders Freeze and
// Thaw of one group.
//
// It builds on Linux only; on other systems the package is empty.
package cgroup
