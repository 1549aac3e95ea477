// Package worker starts, watches and stops a worker: one process group that runs, for
// each application of a pool, the application's program. The group's leader is a
// small shim (ShimMain, run by re-executing poolctl) that starts the programs with the
// pool's identity, takes a parent-death signal so that nothing outlives a killed
// runtime, and, as a child subreaper, kills every descendant when it ends.
//
// # How Start talks to the shim
//
// Start runs Config.Shim as the leader of a new process group (Setpgid, the shim's pid
// is the group id) with the parent-death signal SIGTERM, and with:
//
//   - stdin: a pipe carrying one JSON document, the instructions: the runtime's pid,
//     GraceKill, the credential, and each program's argv, working directory, complete
//     environment (ASPNETCORE_PORT and PORT included; Start picks the free ports) and
//     stdout log file;
//   - fd 3: a pipe on which the shim writes JSON lines back: first {"pids":[...]}
//     once every program has started, or {"error":"..."} naming the program that could
//     not start and why (then it kills those it started and exits 2); last, just before
//     it exits, {"exit":{...}}: why it ended, which program exited first when none was
//     asked to, and whether SIGKILL was needed. Err reports these details;
//   - stdout and stderr: Config.Output, which the programs inherit unless they have a
//     stdout log file.
//
// With Config.Spare, the shim was started that way ahead of need and has been waiting
// for its instructions (see Spare); Start only writes them.
//
// # The shim
//
// The shim sets PR_SET_PDEATHSIG (SIGTERM) and PR_SET_CHILD_SUBREAPER, exits at once
// if its parent is no longer the runtime that started it, and starts each program in
// its own process group (programs inherit the group; the shim does not call setpgid for
// them) with Config.Credential and a parent-death signal of SIGKILL (set by the child
// after it has taken the credential, so the change of identity does not clear it).
// With Config.Affinity, it first sets that CPU affinity and memory policy on the thread
// that starts the programs, and with Config.Batch the SCHED_BATCH scheduling policy;
// the programs inherit them, and the shim's other threads keep their own. It reaps
// every child itself (wait4(-1)): as a subreaper, it inherits the orphaned descendants
// of its programs.
//
// On SIGTERM (Stop, or the parent-death signal: the runtime died) or SIGHUP (the group
// was orphaned), and when a program exits without being asked, the shim sends SIGTERM to
// every program still running; once the programs have exited it sends SIGTERM to any
// descendant left; when GraceKill passes first, it sends SIGKILL to every descendant,
// found by walking /proc from its own pid, until none is left. It exits when it has no
// child left, with:
//
//	0  it was asked to stop and everything exited within GraceKill
//	2  it could not start: bad instructions, the runtime already gone, a program that
//	   could not be started (reported on fd 3)
//	3  a program exited when nobody asked it to (whatever its status: the exit line
//	   on fd 3, and so Err, says which program and how it ended)
//	4  it was asked to stop, and processes were still running after GraceKill and
//	   were killed
//
// # Parent-death signal caveats
//
// Linux sends the parent-death signal when the thread that forked the child exits, not
// when the process does (golang/go#27505). In Go only a goroutine that locked its OS
// thread (runtime.LockOSThread) and returns without unlocking ends its thread, so
// Start forks the shim from a goroutine of its own, which is never locked: callers may
// call Start from any goroutine. The signal is also cleared when a process changes its
// credentials or executes a set-user-ID binary; the shim does neither, and the programs
// take theirs before it is set. A shim that is stopped (SIGSTOP) when the runtime dies
// receives the signal when it is continued: the kernel continues the group once it is
// orphaned (SIGHUP then SIGCONT), and the shim stops the worker then. A worker frozen in
// a cgroup stays frozen until it is thawed. Descendants that leave the group (setsid)
// are killed by the shim, not by a group signal: a shim killed by SIGKILL alone cannot
// do it, which is why Stop and Kill kill the descendants first and the group last.
//
// It builds on Linux only; on other systems the package is empty.
package worker
