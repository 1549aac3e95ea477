//go:build linux

package supervisor

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/identity"
	"github.com/poolctl/poolctl/runtime/spec"
)

// State is a pool's state, as IIS names them.
type State string

// The states of a pool.
const (
	Starting State = "Starting"
	Started  State = "Started"
	Stopping State = "Stopping"
	Stopped  State = "Stopped"
)

// pool is one application pool at run time.
type pool struct {
	sup        *Supervisor
	settings   atomic.Pointer[spec.Pool] // replaced by a reload that keeps the workers
	apps       []*spec.App               // the applications of the pool
	progs      []*spec.App               // those with a program: what its workers run, in worker order
	account    identity.Account
	accountErr error

	mu       sync.Mutex
	state    State
	reason   string        // why the pool is stopped
	changed  chan struct{} // closed and replaced when something a waiting request cares about changes
	workers  []*slot
	queued   int
	failures []time.Time // in the rapid-fail window
	requests int64
	cpu      cpuLimit
	cpuOnce  sync.Once // sets up the CPU limit at the first start
	counts   counts    // counts.go
}

// newPool returns a stopped pool.
func newPool(s *Supervisor, ps *spec.Pool, apps []*spec.App) *pool {
	p := &pool{sup: s, apps: apps, state: Stopped, reason: "not started", changed: make(chan struct{})}
	for _, a := range apps {
		if a.Program.Runnable() {
			p.progs = append(p.progs, a)
		}
	}
	p.settings.Store(ps)
	return p
}

// nothingToRun reports whether the pool has applications and none of them has a
// program: no worker starts for it, and its requests get frontend.ErrNothingToRun.
func (p *pool) nothingToRun() bool { return len(p.apps) > 0 && len(p.progs) == 0 }

// reportNothingToRun emits an event for each application of the pool that has no
// program.
func (p *pool) reportNothingToRun() {
	for _, a := range p.apps {
		if a.Program.Runnable() {
			continue
		}
		p.sup.emit(event.Event{ID: event.NothingToRun, Level: "warning", Pool: p.spec().Name, Site: a.Site, App: a.Path,
			Msg:    "application " + appName(a) + " has nothing to run: its requests get 503 and start no worker",
			Reason: a.Program.Missing})
	}
}

// appName names an application for messages: its site's name and its path.
func appName(a *spec.App) string {
	if a.Path == "/" {
		return a.Site + "/"
	}
	return a.Site + a.Path
}

// spec returns the pool's settings: those of the configuration that started it, or of
// a later one that changed only settings the running workers need not restart for.
func (p *pool) spec() *spec.Pool { return p.settings.Load() }

// broadcast wakes every request waiting on the pool. The caller holds p.mu.
func (p *pool) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// emit reports an event of the pool.
func (p *pool) emit(id int, level, msg string, pid int, reason string) {
	p.sup.emit(event.Event{ID: id, Level: level, Msg: msg, Pool: p.spec().Name, PID: pid, Reason: reason})
}

// start puts the pool in Started, when its identity can be taken, and starts a worker
// for an always-running pool that has something to run. It reports false when the
// pool was started (or starting) already.
func (p *pool) start(why string) bool {
	p.mu.Lock()
	already := p.state == Started || p.state == Starting
	p.mu.Unlock()
	if already {
		return false
	}
	if err := p.checkIdentity(); err != nil {
		p.mu.Lock()
		p.state, p.reason = Stopped, "identity: "+err.Error()
		p.broadcast()
		p.mu.Unlock()
		p.emit(event.IdentityFailed, "error", "pool stopped: its identity cannot be taken", 0, err.Error())
		return true
	}
	p.cpuOnce.Do(p.setupCPULimit) // before any worker starts, so that each joins its cgroup
	p.mu.Lock()
	if p.state == Started || p.state == Starting {
		p.mu.Unlock()
		return false
	}
	p.state, p.reason, p.failures = Started, "", nil
	p.broadcast()
	if p.spec().AlwaysRun && !p.nothingToRun() {
		p.startWorkerLocked()
	}
	p.mu.Unlock()
	p.emit(event.PoolStarted, "info", "pool started", 0, why)
	if w := p.account.Warning; w != "" {
		p.emit(event.PoolStarted, "warning", "pool identity", 0, w)
	}
	return true
}

// stopAsked stops the pool as an administrator asks; it reports false, and changes
// nothing, when the pool is stopped (or stopping) already.
func (p *pool) stopAsked(why string) bool {
	p.mu.Lock()
	already := p.state == Stopped || p.state == Stopping
	p.mu.Unlock()
	if already {
		return false
	}
	p.stop(why, false)
	return true
}

// checkIdentity reports why the pool's workers cannot run as its identity.
func (p *pool) checkIdentity() error {
	if p.accountErr != nil {
		return p.accountErr
	}
	if err := identity.CanTake(p.account); err != nil {
		return err
	}
	if p.spec().Identity.Type == "SpecificUser" && p.sup.opt.Password != nil {
		return p.sup.opt.Password(p.spec().Name)
	}
	return nil
}

// stop puts the pool in Stopped and stops its workers: gracefully, each within its
// shutdownTimeLimit, unless now. Waiting and new requests get a stopped error.
func (p *pool) stop(why string, now bool) {
	p.mu.Lock()
	if p.state == Stopped && len(p.workers) == 0 {
		p.reason = why
		p.mu.Unlock()
		return
	}
	p.state, p.reason = Stopping, why
	victims := p.takeWorkersLocked()
	p.broadcast()
	p.mu.Unlock()
	p.stopSlots(victims, now)
	p.mu.Lock()
	p.state = Stopped
	p.broadcast()
	p.mu.Unlock()
	p.emit(event.PoolStopped, "info", "pool stopped", 0, why)
}

// takeWorkersLocked marks every worker but orphans as stopping and returns them. The
// caller holds p.mu.
func (p *pool) takeWorkersLocked() []*slot {
	var out []*slot
	for _, w := range p.workers {
		if w.state != wOrphaned && w.state != wStopping {
			w.state = wStopping
			out = append(out, w)
		}
	}
	return out
}

// stopSlots stops the given workers in parallel and waits for them.
func (p *pool) stopSlots(slots []*slot, now bool) {
	var wg sync.WaitGroup
	for _, w := range slots {
		wg.Go(func() { p.stopSlot(w, now) })
	}
	wg.Wait()
}

// killAll kills every worker of the pool at once (shutdown past its deadline).
func (p *pool) killAll() {
	p.mu.Lock()
	slots := append([]*slot(nil), p.workers...)
	p.mu.Unlock()
	for _, w := range slots {
		p.mu.Lock()
		proc, g, frozen := w.proc, w.cgroup, w.frozen
		p.mu.Unlock()
		if proc != nil {
			thaw(g, frozen)
			proc.Kill()
		}
	}
}

// acquire waits for a ready worker for app, starting one when the pool has none.
func (p *pool) acquire(ctx context.Context, app *spec.App) (frontend.Lease, error) {
	if !app.Program.Runnable() {
		return nil, frontend.ErrNothingToRun
	}
	ai := p.appIndex(app)
	p.mu.Lock()
	for {
		if p.state != Started {
			p.mu.Unlock()
			return nil, &frontend.StoppedError{Pool: p.spec().Name, Reset: p.spec().TCPLevel}
		}
		if w := p.pickLocked(); w != nil {
			if w.inFlight > 0 {
				p.growLocked() // every worker is busy: a web garden adds one
			}
			w.inFlight++ // busy: no idle timeout counts until Done sets lastActivity
			w.requests++
			p.requests++
			p.mu.Unlock()
			return &lease{p: p, w: w, ai: ai, addr: w.proc.Addr(ai), pid: w.proc.PID()}, nil
		}
		if w := p.suspendedLocked(); w != nil {
			if !w.suspending {
				p.resumeLocked(w) // the next request thaws a suspended worker
				continue
			}
			if !w.woken {
				w.woken = true // settle gives it back, and this request waits for it
				w.wake()
			}
		}
		if p.queued >= p.spec().QueueLength {
			p.mu.Unlock()
			return nil, frontend.ErrQueueFull
		}
		if p.cpuBlockedLocked() {
			p.mu.Unlock()
			return nil, &frontend.StoppedError{Pool: p.spec().Name, Reset: p.spec().TCPLevel}
		}
		if !p.hasLiveWorkerLocked() {
			p.startWorkerLocked()
		}
		p.queued++
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			p.mu.Lock()
			p.queued--
			p.mu.Unlock()
			return nil, ctx.Err()
		}
		p.mu.Lock()
		p.queued--
	}
}

// appIndex returns the index of app among the pool's programs (the applications its
// workers run), by site and path: after a reload the front end's applications are
// new values of the same ones.
func (p *pool) appIndex(app *spec.App) int {
	for i, a := range p.progs {
		if a == app || strings.EqualFold(a.Site, app.Site) && strings.EqualFold(a.Path, app.Path) {
			return i
		}
	}
	return 0
}

// pickLocked returns the ready worker with the fewest requests in flight, or nil. A
// worker being recycled gets requests only while its replacement is not ready.
func (p *pool) pickLocked() *slot {
	var best *slot
	for _, w := range p.workers {
		if w.state != wReady {
			continue
		}
		if best == nil || best.recycling && !w.recycling || best.recycling == w.recycling && w.inFlight < best.inFlight {
			best = w
		}
	}
	return best
}

// hasLiveWorkerLocked reports whether a worker is starting, ready or suspended.
func (p *pool) hasLiveWorkerLocked() bool {
	return p.liveLocked() > 0
}

// liveLocked counts the workers that are starting, ready or suspended.
func (p *pool) liveLocked() (n int) {
	for _, w := range p.workers {
		if w.state == wStarting || w.state == wReady || w.state == wSuspended {
			n++
		}
	}
	return n
}

// growLocked starts one more worker of a web garden, when none is starting already and
// fewer than maxProcesses run.
func (p *pool) growLocked() {
	if p.liveLocked() >= p.maxWorkers() {
		return
	}
	for _, w := range p.workers {
		if w.state == wStarting {
			return
		}
	}
	p.startWorkerLocked()
}

// maxWorkers returns how many workers the pool may run: maxProcesses, where 0 means
// one per NUMA node.
func (p *pool) maxWorkers() int {
	if p.spec().MaxProcesses == 0 {
		return max(len(p.sup.nodes), 1)
	}
	return p.spec().MaxProcesses
}

// lease is a request's hold on a worker.
type lease struct {
	p    *pool
	w    *slot
	ai   int // the application's index in the worker
	addr string
	pid  int
	done atomic.Bool
}

// Addr returns the address of the application's process in the worker.
func (l *lease) Addr() string { return l.addr }

// PID returns the worker's process id.
func (l *lease) PID() int { return l.pid }

// TakeConn returns the open connection of the worker's last warm ping to the
// application (its first ping, or the one suspend sends), once, for the next request;
// else nil.
func (l *lease) TakeConn() net.Conn { return l.w.proc.TakeConn(l.ai) }

// Done ends the request; calls after the first do nothing.
func (l *lease) Done(out frontend.Outcome) {
	if !l.done.CompareAndSwap(false, true) {
		return
	}
	now := l.p.sup.opt.Now() // before the lock, which every request of the pool takes
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.p.answeredLocked(l.w, out.Status)
	l.w.inFlight--
	if now.After(l.w.lastActivity) { // another request's Done may have come in between
		l.w.lastActivity = now
	}
	if l.w.inFlight == 0 && l.w.state == wStopping {
		l.p.broadcast() // a draining worker may stop now
	}
}

// recordFailureLocked counts a failure toward rapid-fail protection and reports whether
// it stops the pool. The caller holds p.mu.
func (p *pool) recordFailureLocked() bool {
	now := p.sup.opt.Now()
	p.failures = append(p.failures, now)
	keep := p.failures[:0]
	for _, t := range p.failures {
		if now.Sub(t) < p.spec().RapidFailInterval {
			keep = append(keep, t)
		}
	}
	p.failures = keep
	return p.spec().RapidFail && p.state == Started && len(p.failures) >= p.spec().RapidFailMaxCrash
}

// failure counts a failure and stops the pool when rapid-fail protection says so.
func (p *pool) failure() {
	p.tripped(p.countFailure())
}

// countFailure counts a failure and, when rapid-fail protection says so, puts the
// pool in Stopping at once (no request takes it from then on); it returns how many
// failures the window holds, or 0 when the pool does not trip. tripped does the rest.
func (p *pool) countFailure() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.recordFailureLocked() {
		return 0
	}
	p.state, p.reason = Stopping, "rapid-fail protection"
	p.broadcast()
	return len(p.failures)
}

// tripped logs and stops a pool that countFailure found to trip after n failures
// (nothing for 0), and runs its autoShutdownExe.
func (p *pool) tripped(n int) {
	if n == 0 {
		return
	}
	p.counts.rapidFailTrips.Add(1)
	p.emit(event.RapidFailStop, "error", "pool stopped by rapid-fail protection", 0,
		plural(n, "failure")+" within "+p.spec().RapidFailInterval.String())
	p.stop("rapid-fail protection", true)
	p.runAction(p.spec().AutoShutdownExe, p.spec().AutoShutdownParams, 0, "autoShutdownExe")
}

// status returns the pool's status for the admin API.
func (p *pool) status() admin.PoolStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	live := 0
	for _, w := range p.workers {
		if w.state != wOrphaned {
			live++
		}
	}
	st := admin.PoolStatus{
		Name: p.spec().Name, State: string(p.state), Identity: p.identityText(),
		Workers: live, MaxWorkers: p.spec().MaxProcesses, Queued: p.queued, QueueLength: p.spec().QueueLength,
		Requests: p.requests, Failures: len(p.failures),
		WorkerStarts: p.counts.starts.Load(), WorkerStartFailures: p.counts.startFailures.Load(),
		Recycles: p.counts.recycleMap(), RapidFailTrips: p.counts.rapidFailTrips.Load(),
	}
	if p.state == Stopped || p.state == Stopping {
		st.Reason = p.reason
	}
	st.NothingToRun = p.nothingToRunStatus()
	if p.cpu.note != "" {
		st.Notes = append(st.Notes, p.cpu.note)
	}
	if p.cpuBlockedLocked() {
		st.Notes = append(st.Notes, "cpu.limit exceeded (KillW3wp): no worker until "+p.cpu.until.Format(time.RFC3339))
	}
	return st
}

// nothingToRunStatus returns the pool's applications that have nothing to run, for
// the admin API.
func (p *pool) nothingToRunStatus() []admin.AppNote {
	var out []admin.AppNote
	for _, a := range p.apps {
		if !a.Program.Runnable() {
			out = append(out, admin.AppNote{Site: a.Site, Path: a.Path, Why: a.Program.Missing})
		}
	}
	return out
}

// identityText names the pool's account for the admin API.
func (p *pool) identityText() string {
	if p.accountErr != nil {
		return p.spec().Identity.Type + " (unavailable)"
	}
	return p.account.Name + " (uid " + itoa(int(p.account.UID)) + ")"
}
