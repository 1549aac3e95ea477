//go:build linux

package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// killWait bounds how long the shim keeps killing and reaping descendants that do not
// die (a process stuck in uninterruptible sleep).
const killWait = 10 * time.Second

// ShimMain is the shim's main: it reads its instructions from stdin, starts the
// programs, reports their pids on fd 3, watches them and stops them, and exits (see the
// package documentation). poolctl runs it as the hidden command "__shim".
func ShimMain() {
	os.Exit(runShim())
}

// shim is the state of a running shim.
type shim struct {
	in        instructions
	rep       *os.File       // the report pipe, fd 3
	sigs      chan os.Signal // SIGTERM, SIGHUP, SIGCHLD, SIGPIPE
	pids      []int          // the programs, in order
	running   []bool         // the programs not yet reaped
	live      int            // how many are running
	stopping  bool           // SIGTERM has been passed on
	childless bool           // wait4 said there is no child left
	exit      shimExit
}

// runShim runs the shim and returns its exit code.
func runShim() int {
	var st unix.Stat_t
	if err := unix.Fstat(reportFD, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		fmt.Fprintln(os.Stderr, "poolctl: __shim is run by poolctl run, with a report pipe on fd 3")
		return exitStartFailed
	}
	unix.CloseOnExec(reportFD)
	sh := &shim{rep: os.NewFile(reportFD, "report"), sigs: make(chan os.Signal, 64)}
	// SIGPIPE is caught (and dropped), not ignored: a write to a closed output pipe must
	// not kill the shim, and an ignored signal would stay ignored in the programs.
	signal.Notify(sh.sigs, unix.SIGTERM, unix.SIGHUP, unix.SIGCHLD, unix.SIGPIPE)
	if err := setupShim(&sh.in); err != nil {
		sh.send(report{Error: err.Error()})
		return exitStartFailed
	}
	if err := sh.startAll(); err != nil {
		sh.send(report{Error: err.Error()})
		sh.stopping = true
		sh.killAll()
		return exitStartFailed
	}
	sh.send(report{PIDs: sh.pids})
	return sh.run()
}

// setupShim takes the parent-death signal and the subreaper role, reads the
// instructions into in, and checks that the runtime that wrote them is still the parent.
func setupShim(in *instructions) error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0); err != nil {
		return fmt.Errorf("shim: set the parent-death signal: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("shim: become a child subreaper: %w", err)
	}
	warmJSON()
	if err := json.NewDecoder(os.Stdin).Decode(in); err != nil {
		return fmt.Errorf("shim: read the instructions: %w", err)
	}
	if os.Getppid() != in.Parent {
		return fmt.Errorf("shim: the runtime (pid %d) is gone", in.Parent)
	}
	return nil
}

// warmJSON has encoding/json learn the instructions' and the report's types (it
// caches their fields on first use) while the shim waits for its instructions, which
// a spare shim does for long (see Spare): the worker's start does not wait for it.
func warmJSON() {
	_ = json.Unmarshal([]byte(`{"programs":[{}]}`), new(instructions))
	_, _ = json.Marshal(report{PIDs: []int{1}})
}

// send writes a report line; a runtime that is gone does not read it.
func (sh *shim) send(rep report) {
	b, _ := json.Marshal(rep)
	_, _ = sh.rep.Write(append(b, '\n'))
}

// run watches the programs until the shim is done and returns its exit code.
func (sh *shim) run() int {
	var grace <-chan time.Time // the shim exits right after: its timer need not be stopped
	for !sh.stopping || !sh.childless {
		select {
		case sig := <-sh.sigs:
			sh.handle(sig)
		case <-grace:
			sh.exit.Killed = true
			sh.killAll()
			return sh.finish()
		}
		if sh.stopping && grace == nil {
			grace = time.NewTimer(sh.in.GraceKill).C
		}
	}
	return sh.finish()
}

// handle acts on a signal.
func (sh *shim) handle(sig os.Signal) {
	switch sig {
	case unix.SIGCHLD:
		sh.reap()
	case unix.SIGTERM, unix.SIGHUP:
		if !sh.stopping {
			cause := causeStop
			if os.Getppid() != sh.in.Parent {
				cause = causeParent
			}
			sh.stop(cause)
		}
	}
	if sh.stopping {
		sh.reap() // notices when no child is left
	}
}

// stop passes SIGTERM on to the programs still running, or to whatever descendant is
// left when none is.
func (sh *shim) stop(cause string) {
	sh.stopping = true
	sh.exit.Cause = cause
	thawDescendants(os.Getpid()) // a frozen program cannot act on SIGTERM
	for i, pid := range sh.pids {
		if sh.running[i] {
			_ = unix.Kill(pid, unix.SIGTERM)
		}
	}
	if sh.live == 0 {
		signalDescendants(os.Getpid(), unix.SIGTERM)
	}
}

// reap reaps every child that has exited, without waiting.
func (sh *shim) reap() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ECHILD):
			sh.childless = true
			return
		case err != nil || pid <= 0:
			return
		}
		sh.reaped(pid, ws)
	}
}

// reaped notes that the child pid exited: a program that exited unasked stops the
// worker; the last program to exit has the descendants it left behind stopped.
func (sh *shim) reaped(pid int, ws unix.WaitStatus) {
	for i, p := range sh.pids {
		if p != pid || !sh.running[i] {
			continue
		}
		sh.running[i] = false
		sh.live--
		if !sh.stopping {
			sh.stop(causeCrash)
			sh.exit.App, sh.exit.PID, sh.exit.Status = sh.in.Programs[i].Name, pid, describeStatus(ws)
		} else if sh.live == 0 {
			signalDescendants(os.Getpid(), unix.SIGTERM)
		}
		return
	}
}

// killAll kills every descendant and reaps its children until none is left (or
// killWait has passed).
func (sh *shim) killAll() {
	deadline := time.Now().Add(killWait)
	self := os.Getpid()
	for {
		thawDescendants(self) // cgroup v1 holds a frozen task's SIGKILL until it thaws
		signalDescendants(self, unix.SIGKILL)
		sh.reap()
		if sh.childless || time.Now().After(deadline) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// finish writes the exit report and returns the exit code.
func (sh *shim) finish() int {
	sh.send(report{Exit: &sh.exit})
	switch {
	case sh.exit.Cause == causeCrash:
		return exitCrashed
	case sh.exit.Killed:
		return exitKilled
	}
	return exitStopped
}

// describeStatus says how a program ended.
func describeStatus(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return fmt.Sprintf("was killed by signal %d (%v)", int(ws.Signal()), ws.Signal())
	}
	return fmt.Sprintf("exited with code %d", ws.ExitStatus())
}

// credentialText describes a credential for an error message.
func credentialText(c *syscall.Credential) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf(" as uid %d gid %d", c.Uid, c.Gid)
}
