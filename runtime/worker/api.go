//go:build linux

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
	// Batch runs the programs, their threads and the processes they start with the
	// Linux scheduling policy SCHED_BATCH (sched(7)): the CPU share of the default
	// policy at the same nice value, but a worker thread that a request wakes does not
	// preempt the front end's thread that handed the request over, which goes on
	// handing over what it has, as HTTP.sys does from the kernel. On a busy machine
	// both then switch less. Set like Affinity, on the thread that starts the
	// programs; false inherits the runtime's policy.
	Batch bool
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
	// Spare, when set, lends the worker a shim started ahead of need (see Spare); nil
	// starts one.
	Spare *Spare
}

// defaultGraceKill is GraceKill when Config leaves it 0.
const defaultGraceKill = 5 * time.Second
