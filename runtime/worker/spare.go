//go:build linux

package worker

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/runtime/cgroup"
)

// Spare keeps one shim started ahead of need: a worker whose Config.Spare is set takes
// it, and so does not wait for the shim's own start (poolctl's runtime and package
// initialisation, about 8 ms on a 2-core machine), and the next one starts at once, in
// the background. The spare shim waits for its instructions on stdin, has started
// nothing, and is in no worker's cgroup until a worker takes it. It dies with the
// runtime (its parent-death signal, and the end of its stdin) and with Close.
//
// With cgroups, the spare shim also waits in a cgroup of its own, worker-PID, made
// while it waits: moving a process into a cgroup v1 hierarchy can wait for an RCU
// grace period (10 ms here). A worker that takes it renames the group to its
// CgroupName-PID; cgroup v2 cannot rename, and the group keeps its name there.
type Spare struct {
	shim    []string
	env     []string
	output  io.Writer
	cgroups *cgroup.Manager

	mu      sync.Mutex
	ready   *idleShim // nil while none is ready
	filling bool      // a shim is being started
	closed  bool
	wg      sync.WaitGroup
}

// idleShim is a started shim that waits for its instructions.
type idleShim struct {
	cmd    *exec.Cmd
	stdin  *os.File      // the write end of its stdin
	report *os.File      // the read end of its report pipe (fd 3)
	group  *cgroup.Group // the cgroup it waits in; nil = none
}

// NewSpare returns a Spare of shims run as shim, with env added to their environment,
// their output to output, and a cgroup each from cgroups (nil = none). A worker takes
// the spare only when its Config has the same Shim, ShimEnv and Cgroups; its Output
// must be output. No shim runs until Refill.
func NewSpare(shim, env []string, output io.Writer, cgroups *cgroup.Manager) *Spare {
	return &Spare{shim: shim, env: env, output: output, cgroups: cgroups}
}

// Close kills the spare shim, if one is ready, once a start under way has ended, and
// reaps it; later takes find none.
func (s *Spare) Close() {
	s.mu.Lock()
	s.closed = true
	sh := s.ready
	s.ready = nil
	s.mu.Unlock()
	s.wg.Wait()
	sh.discard()
}

// PID returns the pid of the shim waiting, or 0 when none is ready.
func (s *Spare) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready == nil {
		return 0
	}
	return s.ready.cmd.Process.Pid
}

// take returns the ready shim for cfg, or nil when there is none or cfg wants another
// shim. A nil Spare has none. The next shim starts when Refill is called: once the
// worker that took this one is ready, so that the two starts do not share the CPUs.
func (s *Spare) take(cfg Config) *idleShim {
	if s == nil || !slices.Equal(cfg.Shim, s.shim) || !slices.Equal(cfg.ShimEnv, s.env) || cfg.Cgroups != s.cgroups {
		return nil
	}
	s.mu.Lock()
	sh := s.ready
	s.ready = nil
	s.mu.Unlock()
	if sh != nil && sh.exited() {
		sh.discard()
		s.Refill()
		return nil
	}
	return sh
}

// Refill starts a shim in the background unless one is ready or being started, or the
// Spare is closed. A nil Spare does nothing.
func (s *Spare) Refill() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.filling || s.ready != nil {
		return
	}
	s.filling = true
	s.wg.Go(func() {
		sh, err := startIdleShim(Config{Shim: s.shim, ShimEnv: s.env, Output: s.output})
		if err == nil {
			sh.group = stage(s.cgroups, sh.cmd.Process.Pid)
		}
		s.mu.Lock()
		s.filling = false
		keep := err == nil && !s.closed // a failed start: a worker's own will say why
		if keep {
			s.ready = sh
		}
		s.mu.Unlock()
		if err == nil && !keep {
			sh.discard() // closed while it started
		}
	})
}

// startIdleShim starts cfg's shim, which waits for its instructions.
func startIdleShim(cfg Config) (*idleShim, error) {
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		stdinR.Close()
		stdinW.Close()
		return nil, err
	}
	cmd := shimCmd(cfg, stdinR, repW)
	err = startShimProcess(func() (int, error) {
		if err := forkFromOwnGoroutine(cmd); err != nil {
			return 0, err
		}
		return cmd.Process.Pid, nil
	})
	stdinR.Close()
	repW.Close()
	if err != nil {
		stdinW.Close()
		repR.Close()
		return nil, err
	}
	return &idleShim{cmd: cmd, stdin: stdinW, report: repR}, nil
}

// stage returns a cgroup worker-PID with the process pid in it, or nil when cgroups
// cannot make one (the worker that takes the shim then tries, and says why).
func stage(cgroups *cgroup.Manager, pid int) *cgroup.Group {
	if cgroups == nil {
		return nil
	}
	if ok, _ := cgroups.Available(); !ok {
		return nil
	}
	g, err := cgroups.Create(fmt.Sprintf("worker-%d", pid), pid)
	if err != nil {
		return nil
	}
	return g
}

// exited reports whether the shim has exited (it is not reaped).
func (sh *idleShim) exited() bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, sh.cmd.Process.Pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	return err != nil || info.Signo != 0
}

// discard kills a shim that started nothing and reaps it; nil does nothing.
func (sh *idleShim) discard() {
	if sh == nil {
		return
	}
	_ = sh.cmd.Process.Kill()
	sh.stdin.Close()
	sh.report.Close()
	forgetShim(sh.cmd.Process.Pid)
	_ = sh.cmd.Wait()
	if sh.group != nil {
		_ = sh.group.Remove()
	}
}
