//go:build linux

package worker

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// reapWait bounds how long Kill waits for the shim to reap the descendants it killed.
const reapWait = 2 * time.Second

// wait follows the shim until it exits: it reads its report pipe to the end, marks it
// exited (while it is a zombie, so that its pid and group id cannot be reused under a
// signal sent by Stop or Kill), reaps it, and closes done.
func (w *Worker) wait(pipe *os.File, rep *bufio.Reader) {
	exit := readExit(rep)
	pipe.Close()
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, w.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	// Before the wait: an orphan holding the output pipe would delay it by waitDelay.
	w.endProcesses()
	SweepOrphans()
	w.mu.Lock()
	w.exited = true
	w.mu.Unlock()
	forgetShim(w.pid)
	err := w.cmd.Wait()
	w.transport.CloseIdleConnections()
	w.closeWarm()
	w.waitErr = err
	if err != nil {
		w.why = exitDetail(exit)
		w.err = fmt.Errorf("pool %q: worker %d: %s: %w", w.pool, w.pid, w.why, err)
	}
	w.shimKilled = exit != nil && exit.Killed
	close(w.done)
}

// exitDetail says how a shim that did not exit 0 ended, from its exit report.
func exitDetail(exit *shimExit) string {
	switch {
	case exit == nil:
		return "the shim ended without an exit report"
	case exit.Cause == causeCrash:
		return fmt.Sprintf("app %q (pid %d) %s unasked", exit.App, exit.PID, exit.Status)
	case exit.Killed:
		return fmt.Sprintf("killed after the grace period (%s)", exit.Cause)
	}
	return "the shim failed (" + exit.Cause + ")"
}

// Stop stops the worker gracefully: SIGTERM to the shim, which passes it on to the
// programs and exits when they have (SIGCONT to the group too, so that a worker
// suspended with SIGSTOP can act on it); after timeout, SIGKILL to every descendant of
// the shim and to the process group. It returns when the shim has exited; killed
// reports whether SIGKILL was needed, by Stop or by the shim after GraceKill. Stop does
// nothing after Release.
func (w *Worker) Stop(timeout time.Duration) (killed bool) {
	if !w.signalShim(unix.SIGTERM) {
		return w.waitUnlessReleased()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-w.done:
		return w.shimKilled
	case <-t.C:
	}
	w.killGroup()
	<-w.done
	return true
}

// Kill sends SIGKILL to every descendant of the shim and to the whole process group now,
// and waits for the shim. It does nothing after Release.
func (w *Worker) Kill() {
	w.killGroup()
	w.waitUnlessReleased()
}

// Release stops watching the worker and leaves its processes running, as IIS does
// with an unhealthy worker when failure.orphanWorkerProcess is true: AppPIDs returns
// nil, and Stop and Kill do nothing. The shim keeps its parent-death signal: an orphan
// does not outlive the runtime. The Worker still reaps the shim when it exits, so Done
// is closed then.
func (w *Worker) Release() {
	w.released.Store(true)
	w.transport.CloseIdleConnections()
	w.closeWarm()
}

// signalShim sends sig to the shim (and SIGCONT to its group) unless it has exited or
// was released, and reports whether it did.
func (w *Worker) signalShim(sig syscall.Signal) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.exited || w.released.Load() {
		return false
	}
	_ = unix.Kill(w.pid, sig)
	_ = unix.Kill(-w.pid, unix.SIGCONT)
	return true
}

// waitUnlessReleased waits for the shim unless the worker was released, and returns
// false.
func (w *Worker) waitUnlessReleased() bool {
	if !w.released.Load() {
		<-w.done
	}
	return false
}

// killGroup kills the worker's processes: SIGKILL to every live descendant of the
// shim, found in /proc, until none is left, so that descendants that left the group
// (setsid) die too; the shim, a subreaper, reaps them (and adopts the orphans of those
// killed first, which the next scan finds). Once they are reaped (or after reapWait:
// a shim that does not reap leaves them to init), SIGKILL to the group, the shim
// included.
func (w *Worker) killGroup() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.exited || w.released.Load() {
		return
	}
	_ = unix.Kill(-w.pid, unix.SIGCONT) // a suspended shim reaps too
	begin := time.Now()
	for {
		live, dead := tree(w.pid)
		for _, pid := range live {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		waited := time.Since(begin)
		if len(live) == 0 && (len(dead) == 0 || waited > reapWait) || waited > killWait {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = unix.Kill(-w.pid, unix.SIGKILL)
}
