//go:build linux

package supervisor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/worker"
)

// wState is a worker's state.
type wState string

// The states of a worker.
const (
	wStarting  wState = "Starting"
	wReady     wState = "Ready"
	wStopping  wState = "Stopping"
	wOrphaned  wState = "Orphaned"
	wSuspended wState = "Suspended"
)

// slot is one worker of a pool, from the moment it is asked for.
type slot struct {
	proc         *worker.Worker // nil until started
	state        wState
	started      time.Time
	lastActivity time.Time          // the last request's end; before one, when the worker started or resumed
	recycling    bool               // a replacement is on its way
	failing      bool               // found failing: its recycle is on its way (failing.go)
	answers      answers            // its answers over the failingResponses window
	node         int                // the NUMA node it is placed on, or noNode
	cgroup       *cgroup.Group      // the cgroup that froze it, while suspended or after
	frozen       []int              // the processes suspend stopped
	suspending   bool               // suspend is not done with it yet (state wSuspended)
	woken        bool               // a request came meanwhile: settle gives it back
	wake         context.CancelFunc // ends suspend's page-out and warm ping early
	inFlight     int
	requests     int64
	stopped      chan struct{} // closed once the worker's processes are gone (or released)
}

// startWorkerLocked adds a starting worker and starts it in the background. The caller
// holds p.mu.
func (p *pool) startWorkerLocked() *slot {
	now := p.sup.opt.Now()
	w := &slot{state: wStarting, started: now, lastActivity: now, node: p.placeLocked(), stopped: make(chan struct{})}
	p.workers = append(p.workers, w)
	p.sup.wg.Go(func() { p.run(w) })
	return w
}

// run starts the worker w, waits for it to be ready, then watches it until it ends.
func (p *pool) run(w *slot) {
	defer close(w.stopped)
	cfg := p.workerConfig()
	cfg.Affinity = p.affinity(w.node)
	proc, err := worker.Start(cfg)
	// The next spare shim starts once this worker no longer needs the CPUs to start.
	refill := sync.OnceFunc(p.sup.spare.Refill)
	defer refill()
	if err != nil {
		p.startFailed(w, nil, "the worker did not start: "+err.Error())
		return
	}
	if _, err := proc.Cgroup(); err != nil {
		p.emit(event.CgroupUnavailable, "warning", "worker not in a cgroup of its own: its end kills its process group and orphans only", proc.PID(), err.Error())
	}
	p.joinCPUGroup(proc)
	p.mu.Lock()
	w.proc = proc
	stopping := w.state == wStopping
	p.mu.Unlock()
	if stopping {
		proc.Kill()
		return
	}
	err = p.waitReady(proc)
	refill()
	if err != nil {
		proc.Kill()
		p.mu.Lock()
		asked := w.state == wStopping
		p.mu.Unlock()
		if !asked { // a worker stopped while it started did not fail
			p.startFailed(w, proc, err.Error())
		}
		return
	}
	p.mu.Lock()
	ready := w.state == wStarting
	if ready {
		w.state = wReady
	}
	p.broadcast()
	p.mu.Unlock()
	if !ready {
		return // stopped while it started: stopSlot stops it
	}
	p.counts.starts.Add(1)
	p.emit(event.WorkerStarted, "info", "worker ready", proc.PID(), "")
	p.watch(w)
}

// waitReady waits for the worker within the pool's startupTimeLimit, and within each
// application's own when that is set and shorter.
func (p *pool) waitReady(proc *worker.Worker) error {
	limit := p.spec().StartupTimeLimit
	for _, a := range p.progs {
		if t := a.Program.StartupTimeLimit; t > 0 && t < limit {
			limit = t
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	err := proc.WaitReady(ctx)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("the worker was not ready within startupTimeLimit %s", limit)
	}
	return err
}

// startFailed handles a worker that did not start or become ready.
func (p *pool) startFailed(w *slot, proc *worker.Worker, reason string) {
	pid := 0
	if proc != nil {
		pid = proc.PID()
	}
	p.counts.startFailures.Add(1)
	p.emit(event.WorkerStartFail, "error", "worker failed to start", pid, reason)
	p.lost(w)
}

// lost handles a worker that failed: it is dropped, the failure counts toward
// rapid-fail protection, and an always-running pool that is still started gets a new
// worker. Waiting requests wake up, and start a worker if they still need one.
func (p *pool) lost(w *slot) {
	p.dropStopped(w)
	p.afterLoss()
}

// afterLoss counts a lost worker, already dropped, toward rapid-fail protection and
// starts an always-running pool's next one.
func (p *pool) afterLoss() {
	p.failure()
	p.replaceLost()
}

// replaceLost starts an always-running pool's next worker when it has none left, and
// wakes the requests that wait, which start one if they still need it.
func (p *pool) replaceLost() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == Started && p.spec().AlwaysRun && !p.hasLiveWorkerLocked() {
		p.startWorkerLocked()
	}
	p.broadcast()
}

// watch follows a ready worker until it ends: an exit nobody asked for is a crash, and
// pings find hung workers and workers that declare themselves unhealthy.
func (p *pool) watch(w *slot) {
	var tick <-chan time.Time
	if p.spec().PingingEnabled && p.spec().PingInterval > 0 {
		t := time.NewTicker(p.spec().PingInterval)
		defer t.Stop()
		tick = t.C
	}
	var check <-chan time.Time
	if every := p.maintenanceInterval(); every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		check = t.C
	}
	last := p.sup.opt.Now()
	for {
		select {
		case <-w.proc.Done():
			p.exited(w)
			return
		case <-tick:
			if !p.ping(w) {
				return
			}
		case <-check:
			now := p.sup.opt.Now()
			if !p.maintain(w, last, now) {
				return
			}
			last = now
		}
	}
}

// exited handles the end of a worker's processes.
func (p *pool) exited(w *slot) {
	p.mu.Lock()
	asked := w.state == wStopping || w.state == wOrphaned
	p.mu.Unlock()
	if asked {
		return // stopSlot removes it
	}
	// Dropped and counted before the event: a request that comes meanwhile must
	// start a new worker (or find the pool stopped), not be handed the one that is
	// gone; and who reads the event sees the pool's state after it.
	p.dropStopped(w)
	trip := p.countFailure()
	p.emit(event.WorkerCrashed, "error", "worker process terminated unexpectedly", w.proc.PID(), errText(w.proc.Err()))
	p.tripped(trip)
	p.replaceLost()
}

// ping pings the worker once and acts on the answer; it reports whether to go on
// watching.
func (p *pool) ping(w *slot) bool {
	p.mu.Lock()
	state := w.state
	p.mu.Unlock()
	if state != wReady {
		return state != wOrphaned // a suspended worker is not pinged
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.spec().PingResponseTime)
	unhealthy, err := w.proc.Ping(ctx)
	cancel()
	switch {
	case err != nil:
		p.emit(event.PingTimeout, "error", "worker did not respond to a ping in time", w.proc.PID(),
			fmt.Sprintf("no response within pingResponseTime %s", p.spec().PingResponseTime))
		return p.unhealthy(w)
	case unhealthy != "":
		p.emit(event.WorkerUnhealthy, "warning", "worker declared itself unhealthy", w.proc.PID(), unhealthy)
		p.recycleSlot(w, RecycleUnhealthy, "the worker declared itself unhealthy: "+unhealthy)
		return true
	}
	return true
}

// unhealthy kills and replaces a worker found unhealthy, or releases it when
// orphanWorkerProcess is on; either way it counts as a failure. It reports whether to
// go on watching.
func (p *pool) unhealthy(w *slot) bool {
	if p.spec().Orphan {
		p.mu.Lock()
		w.state = wOrphaned
		p.broadcast()
		p.mu.Unlock()
		w.proc.Release()
		p.emit(event.WorkerOrphaned, "warning", "unhealthy worker orphaned (orphanWorkerProcess)", w.proc.PID(), "")
		p.runAction(p.spec().OrphanActionExe, p.spec().OrphanActionParams, w.proc.PID(), "orphanActionExe")
		p.mu.Lock()
		if p.spec().AlwaysRun && p.state == Started && !p.hasLiveWorkerLocked() {
			p.startWorkerLocked()
		}
		p.mu.Unlock()
		p.failure()
		return false
	}
	p.mu.Lock()
	w.state = wStopping
	p.broadcast()
	p.mu.Unlock()
	w.proc.Kill()
	p.lost(w)
	return false
}

// stopSlot stops a worker marked stopping: it waits, within shutdownTimeLimit, for the
// requests in flight, then stops the processes (SIGTERM, then SIGKILL after the rest of
// the limit), and removes the worker.
func (p *pool) stopSlot(w *slot, now bool) {
	deadline := time.Now().Add(p.spec().ShutdownTimeLimit)
	if !now {
		p.drain(w, deadline)
	}
	p.mu.Lock()
	proc, g, frozen := w.proc, w.cgroup, w.frozen
	p.mu.Unlock()
	if proc == nil {
		<-w.stopped // still starting: run kills it once started
		p.dropStopped(w)
		return
	}
	thaw(g, frozen) // a frozen or stopped process cannot act on SIGTERM
	if now {
		proc.Kill()
	} else if killed := proc.Stop(max(time.Until(deadline), 0)); killed {
		p.emit(event.ShutdownTimeout, "warning", "worker exceeded the shutdown time limit and was killed", proc.PID(),
			fmt.Sprintf("shutdownTimeLimit %s", p.spec().ShutdownTimeLimit))
	}
	p.emit(event.WorkerStopped, "info", "worker stopped", proc.PID(), "")
	p.dropStopped(w)
}

// drain waits until w has no request in flight, or until deadline.
func (p *pool) drain(w *slot, deadline time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	p.waitUntil(func() bool { return w.inFlight == 0 }, ctx.Done())
}

// waitUntil waits until cond, checked under p.mu each time the pool broadcasts a
// change, holds or stop is closed.
func (p *pool) waitUntil(cond func() bool, stop <-chan struct{}) {
	for {
		p.mu.Lock()
		if cond() {
			p.mu.Unlock()
			return
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-stop:
			return
		}
	}
}

// dropStopped removes a stopped worker, and its cgroup.
func (p *pool) dropStopped(w *slot) {
	if w.cgroup != nil {
		w.cgroup.Remove()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.workers {
		if x == w {
			p.workers = append(p.workers[:i], p.workers[i+1:]...)
			break
		}
	}
	p.broadcast()
}

// recycle replaces every ready worker of the pool.
func (p *pool) recycle(why string) error {
	p.mu.Lock()
	if p.state != Started {
		p.mu.Unlock()
		return fmt.Errorf("pool %q is %s: start it first", p.spec().Name, p.state)
	}
	var ready []*slot
	for _, w := range p.workers {
		if w.state == wReady {
			ready = append(ready, w)
		}
	}
	p.mu.Unlock()
	for _, w := range ready {
		p.recycleSlot(w, RecycleAdministrator, why)
	}
	return nil
}

// recycleSlot counts and logs the recycle of the worker w for reason (one of
// recycleReasons), with why as the event's reason, and replaces it.
func (p *pool) recycleSlot(w *slot, reason, why string) {
	p.counts.recycled(reason)
	p.emit(event.WorkerRecycled, "info", "worker recycled", w.proc.PID(), why)
	p.replace(w)
}

// replace replaces the worker w: overlapped, a new worker is started and made ready
// before w is drained and stopped, unless disallowOverlappingRotation.
func (p *pool) replace(w *slot) {
	p.mu.Lock()
	again := w.recycling
	w.recycling = true
	p.mu.Unlock()
	if again {
		return
	}
	if p.spec().Recycling.DisallowOverlappingRotation {
		p.retire(w)
		p.mu.Lock()
		if p.state == Started && p.spec().AlwaysRun && !p.hasLiveWorkerLocked() {
			p.startWorkerLocked() // an on-demand pool starts one with the next request
		}
		p.mu.Unlock()
		return
	}
	p.mu.Lock()
	if p.state != Started {
		p.mu.Unlock()
		return // the pool is stopping and stops w: a replacement would outlive it
	}
	next := p.startWorkerLocked()
	p.mu.Unlock()
	p.sup.wg.Go(func() {
		p.waitStarted(next)
		p.retire(w)
	})
}

// waitStarted waits until the worker w is ready or gone.
func (p *pool) waitStarted(w *slot) {
	p.waitUntil(func() bool { return w.state != wStarting }, w.stopped)
}

// retire marks w as stopping and stops it gracefully.
func (p *pool) retire(w *slot) {
	p.mu.Lock()
	if w.state != wReady && w.state != wStarting {
		p.mu.Unlock()
		return
	}
	w.state = wStopping
	p.broadcast()
	p.mu.Unlock()
	p.stopSlot(w, false)
}

// workerConfig returns the configuration of a new worker of the pool.
func (p *pool) workerConfig() worker.Config {
	cfg := worker.Config{
		Pool: p.spec().Name, Shim: p.sup.opt.Shim, ShimEnv: p.sup.opt.ShimEnv, Env: p.spec().Env,
		Output: p.sup.opt.Output, GraceKill: p.spec().ShutdownTimeLimit,
		Cgroups: p.sup.opt.Cgroups, CgroupName: cgroupName(p.spec().Name), Spare: p.sup.spare,
		Batch: p.sup.opt.WorkerBatch,
	}
	if p.accountErr == nil {
		cfg.Credential = p.account.Credential()
	}
	for _, a := range p.progs {
		pr := a.Program
		app := worker.App{Name: a.Site + a.Path, Path: pr.Path, Args: pr.Args, Dir: pr.Dir, Env: pr.Env}
		if pr.StdoutLogEnabled {
			app.StdoutLog = pr.StdoutLogFile
		}
		cfg.Apps = append(cfg.Apps, app)
	}
	return cfg
}

// workerStatus returns the status of the pool's workers for the admin API.
func (p *pool) workerStatus() []admin.WorkerStatus {
	out, pids := p.workerStatusLocked()
	for i := range out { // /proc is read without the pool's lock
		out[i].Memory, out[i].CPUSeconds = usage(pids[i])
	}
	return out
}

// workerStatusLocked returns the status of each worker, but its usage, and the
// processes of each. It takes p.mu.
func (p *pool) workerStatusLocked() ([]admin.WorkerStatus, [][]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []admin.WorkerStatus
	var procs [][]int
	for _, w := range p.workers {
		st := admin.WorkerStatus{Pool: p.spec().Name, State: string(w.state), Started: w.started,
			Requests: w.requests, InFlight: w.inFlight, UID: p.account.UID}
		var pids []int
		if w.proc != nil {
			st.PID = w.proc.PID()
			pids = w.proc.AppPIDs()
			for i, a := range p.progs {
				ap := admin.AppProc{Path: a.Site + a.Path, Addr: w.proc.Addr(i)}
				if i < len(pids) {
					ap.PID = pids[i]
				}
				st.Apps = append(st.Apps, ap)
			}
		}
		out = append(out, st)
		procs = append(procs, pids)
	}
	return out, procs
}
