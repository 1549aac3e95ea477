//go:build linux

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
// # The shim
//
// The shim sets PR_SET_PDEATHSIG (SIGTERM) and PR_SET_CHILD_SUBREAPER, exits at once
// if its parent is no longer the runtime that started it, and starts each program in
// its own process group (programs inherit the group; the shim does not call setpgid for
// them) with Config.Credential and a parent-death signal of SIGKILL (set by the child
// after it has taken the credential, so the change of identity does not clear it).
// With Config.Affinity, it first sets that CPU affinity and memory policy on the thread
// that starts the programs, which inherit both; the shim's other threads keep their own. It reaps every child itself (wait4(-1)): as a subreaper, it inherits the orphaned
// descendants of its programs.
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
package worker

import (
	"io"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
)

// App is one application's program in a worker.
type App struct {
	Name      string   // for logs: "Default Web Site/api"
	Path      string   // the program: a name without a slash is looked up in the PATH of Env
	Args      []string // its arguments, after Path
	Dir       string   // working directory ("" = inherit)
	Env       []string // "NAME=value", added to the base environment
	StdoutLog string   // append the program's stdout and stderr to this file; "" = Config.Output
	PingPath  string   // "" = "/"
}

// Config describes a worker.
type Config struct {
	Pool string
	// Shim is the argv that runs ShimMain, e.g. {"/path/to/poolctl", "__shim"}; the
	// worker appends nothing.
	Shim []string
	// ShimEnv is added ("NAME=value") to the shim's own environment, not the programs'.
	ShimEnv []string
	Apps    []App
	// Env holds the pool's environment variables, added for every app (after the base
	// environment, before App.Env).
	Env []string
	// Credential is the identity the programs run as; nil = the runtime's own. The shim
	// itself keeps the runtime's identity.
	Credential *syscall.Credential
	// Affinity restricts the CPUs the programs run on and sets their memory policy;
	// nil = inherit the runtime's. The shim sets it on the thread that starts the
	// programs, before it starts them, and a failure to set it is a Start error; the
	// shim itself keeps the runtime's.
	Affinity *Affinity
	// Output is where the programs' output goes when not to a file (the shim's stdout
	// and stderr are wired to it); nil = discard.
	Output io.Writer
	// GraceKill is how long the shim waits, after passing on SIGTERM (or after a program
	// exited unasked), before it kills everything: use the pool's shutdownTimeLimit.
	// 0 = 5 s.
	GraceKill time.Duration
	// Cgroups, when Available, gives the worker a cgroup of its own, named
	// CgroupName-<shim pid>, that the shim joins before it starts the programs: when
	// the worker ends, whatever is left in it is killed, descendants that left the
	// process group or were orphaned included. nil = none (the process group and the
	// orphans re-parented to the runtime are killed all the same).
	Cgroups    *cgroup.Manager
	CgroupName string
}

// defaultGraceKill is GraceKill when Config leaves it 0.
const defaultGraceKill = 5 * time.Second
