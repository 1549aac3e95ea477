//go:build linux

package supervisor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
)

// maintenanceInterval returns how often a worker's idle time, age, request count,
// schedule and memory are checked: a tenth of the shortest configured duration, from
// 10 ms to 1 s; 0 when nothing needs checking.
func (p *pool) maintenanceInterval() time.Duration {
	r := p.spec().Recycling
	var shortest time.Duration
	for _, d := range []time.Duration{p.spec().IdleTimeout, r.Time} {
		if d > 0 && (shortest == 0 || d < shortest) {
			shortest = d
		}
	}
	if shortest == 0 && r.Requests == 0 && len(r.Schedule) == 0 && r.MemoryKB == 0 && r.PrivateMemoryKB == 0 {
		return 0
	}
	if shortest == 0 {
		return time.Second
	}
	return min(max(shortest/10, 10*time.Millisecond), time.Second)
}

// maintain checks a worker between last and now: it suspends or stops an idle worker,
// and recycles one whose age, requests, schedule or memory says so. It reports whether
// to go on watching.
func (p *pool) maintain(w *slot, last, now time.Time) bool {
	p.mu.Lock()
	state, idle, age, requests := w.state, now.Sub(w.lastActivity), now.Sub(w.started), w.requests
	busy, recycling := w.inFlight > 0, w.recycling
	p.mu.Unlock()
	if state != wReady {
		return state == wSuspended
	}
	if recycling {
		return true
	}
	if t := p.spec().IdleTimeout; t > 0 && !busy && idle >= t {
		return p.idle(w)
	}
	if reason, flag := p.recycleReason(w, age, requests, last, now); reason != "" {
		p.recycleFor(w, reason, flag)
		return true
	}
	return true
}

// recycleReason returns why w must be recycled, and the logEventOnRecycle flag of the
// reason, or "".
func (p *pool) recycleReason(w *slot, age time.Duration, requests int64, last, now time.Time) (string, string) {
	r := p.spec().Recycling
	switch {
	case r.Time > 0 && age >= r.Time:
		return fmt.Sprintf("the worker is older than recycling.periodicRestart.time %s", r.Time), "Time"
	case r.Requests > 0 && requests >= r.Requests:
		return fmt.Sprintf("the worker served %d requests (periodicRestart.requests)", requests), "Requests"
	case scheduleCrossed(r.Schedule, last, now):
		return "a periodicRestart.schedule time was reached", "Schedule"
	}
	if r.MemoryKB > 0 || r.PrivateMemoryKB > 0 {
		virtual, private := memoryKB(w.proc.AppPIDs())
		if r.MemoryKB > 0 && virtual > r.MemoryKB {
			return fmt.Sprintf("virtual memory %d KB is above periodicRestart.memory %d KB", virtual, r.MemoryKB), "Memory"
		}
		if r.PrivateMemoryKB > 0 && private > r.PrivateMemoryKB {
			return fmt.Sprintf("private memory %d KB is above periodicRestart.privateMemory %d KB", private, r.PrivateMemoryKB), "PrivateMemory"
		}
	}
	return "", ""
}

// periodicRecycles are the periodicRestart limits by their logEventOnRecycle flag: the
// event a recycle for it logs, and the reason the counters name.
var periodicRecycles = map[string]struct {
	id     int
	reason string
}{
	"Time":          {event.RecycleTime, RecycleTime},
	"Requests":      {event.RecycleRequests, RecycleRequests},
	"Schedule":      {event.RecycleSchedule, RecycleSchedule},
	"Memory":        {event.RecycleMemory, RecycleMemory},
	"PrivateMemory": {event.RecyclePrivate, RecyclePrivateMemory},
}

// recycleFor recycles w, logging the event only when logEventOnRecycle names flag.
func (p *pool) recycleFor(w *slot, why, flag string) {
	r := periodicRecycles[flag]
	p.counts.recycled(r.reason)
	if slices.Contains(p.spec().Recycling.LogEventOnRecycle, flag) {
		p.emit(r.id, "info", "worker recycled", w.proc.PID(), why)
	}
	p.replace(w)
}

// idle stops or suspends a worker that had no request for idleTimeout. It reports
// whether to go on watching.
func (p *pool) idle(w *slot) bool {
	pid := w.proc.PID()
	if p.spec().IdleAction != "Suspend" {
		p.emit(event.IdleShutdown, "info", "worker shut down after being idle", pid,
			fmt.Sprintf("no request for idleTimeout %s", p.spec().IdleTimeout))
		p.retire(w)
		return false
	}
	p.mu.Lock()
	if w.state != wReady || w.inFlight > 0 {
		p.mu.Unlock()
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.state, w.suspending, w.wake = wSuspended, true, cancel
	p.mu.Unlock()
	how, err := p.suspend(ctx, w)
	err = p.settle(w, err)
	switch {
	case errors.Is(err, errWoken):
		p.emit(event.WorkerSuspended, "info", "worker not suspended", pid, err.Error())
	case err != nil:
		p.emit(event.WorkerSuspended, "warning", "worker not suspended", pid, err.Error())
	default:
		p.emit(event.WorkerSuspended, "info", "worker suspended after idleTimeout", pid, how)
	}
	return true
}

// errWoken says that a request came while the worker was being suspended: it has the
// worker back, unfrozen.
var errWoken = errors.New("a request came while the worker was being suspended")

// suspend pages the memory of the worker's programs out and warms them (pageOut),
// then freezes them (freeze). A request that comes before the freeze ends ctx (wake)
// and has the worker back at once (errWoken). It says how.
func (p *pool) suspend(ctx context.Context, w *slot) (string, error) {
	paged := p.pageOut(ctx, w)
	if hook := p.sup.opt.beforeFreeze; hook != nil {
		hook()
	}
	p.mu.Lock()
	woken := w.woken
	p.mu.Unlock()
	if woken {
		return "", errWoken
	}
	how, err := p.freeze(w)
	if err != nil {
		return "", err
	}
	return how + "; " + paged, nil
}

// pageOut pages the memory of the worker's programs out, where the kernel allows, then
// pings them once on a new connection (worker.Warm): what serving a request touches is
// back in memory, and the request that resumes the worker goes on that connection.
// Both stop when ctx ends. It says how it went.
func (p *pool) pageOut(ctx context.Context, w *slot) string {
	how := "memory paged out but for what one ping touched"
	for _, app := range w.proc.AppPIDs() {
		if err := cgroup.PageOut(ctx, app); err != nil {
			how = "memory not paged out: " + err.Error()
			break
		}
	}
	ctx, cancel := context.WithTimeout(ctx, p.spec().PingResponseTime)
	defer cancel()
	if err := w.proc.Warm(ctx); err != nil {
		how += "; warm ping failed: " + err.Error()
	}
	return how
}

// freeze freezes the worker's programs and their descendants, but not its shim, which
// must stay able to kill them should the runtime die (it thaws a cgroup v1 freezer
// first: v1 holds even SIGKILL until the thaw): in a cgroup of their own where the
// runtime can make one, else with SIGSTOP to each of them. It says how.
func (p *pool) freeze(w *slot) (string, error) {
	shim := w.proc.PID()
	pids := w.proc.Descendants()
	if m := p.sup.opt.Cgroups; m != nil && m.CanFreeze() {
		g, err := m.Create(fmt.Sprintf("%s-%d", cgroupName(p.spec().Name), shim), pids...)
		if err == nil {
			err = g.Freeze()
		}
		if err != nil {
			return "", err
		}
		p.mu.Lock()
		w.cgroup, w.frozen = g, pids
		p.mu.Unlock()
		return "frozen in cgroup " + g.Name(), nil
	}
	p.mu.Lock()
	w.frozen = pids // before the signals: settle sends SIGCONT to them should one fail
	p.mu.Unlock()
	if err := signalAll(pids, syscall.SIGSTOP); err != nil {
		return "", err
	}
	return "SIGSTOP to its programs", nil
}

// settle ends a suspension, err being suspend's: on an error, or when a stop came
// meanwhile, it thaws what suspend froze; on an error it makes the worker ready again.
// It wakes the requests that wait for the worker.
func (p *pool) settle(w *slot, err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.suspending, w.woken, w.wake = false, false, nil
	if err != nil || w.state != wSuspended {
		thaw(w.cgroup, w.frozen) // a stop thaws what is frozen when it begins, maybe nothing yet
	}
	if err != nil && w.state == wSuspended {
		w.state, w.lastActivity, w.frozen = wReady, p.sup.opt.Now(), nil
	}
	p.broadcast()
	return err
}

// signalAll sends sig to each process.
func signalAll(pids []int, sig syscall.Signal) error {
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && err != syscall.ESRCH {
			return fmt.Errorf("signal %d: %w", pid, err)
		}
	}
	return nil
}

// suspendedLocked returns a suspended worker of the pool, one whose suspension is over
// first, or nil.
func (p *pool) suspendedLocked() (found *slot) {
	for _, w := range p.workers {
		if w.state == wSuspended && (found == nil || found.suspending) {
			found = w
		}
	}
	return found
}

// resumeLocked thaws a suspended worker and makes it ready again. The caller holds p.mu.
func (p *pool) resumeLocked(w *slot) {
	pid := w.proc.PID()
	if err := thaw(w.cgroup, w.frozen); err != nil {
		w.state = wStopping // it is gone: watch handles its exit
		return
	}
	w.state, w.lastActivity, w.frozen = wReady, p.sup.opt.Now(), nil
	p.broadcast()
	p.sup.wg.Go(func() { p.emit(event.WorkerResumed, "info", "worker resumed for a request", pid, "") })
}

// thaw undoes suspend: it thaws g, the cgroup that froze a worker, else sends SIGCONT
// to frozen, the processes it stopped.
func thaw(g *cgroup.Group, frozen []int) error {
	if g != nil {
		return g.Thaw()
	}
	return signalAll(frozen, syscall.SIGCONT)
}

// cgroupName turns a pool name into a cgroup name: letters, digits, '.', '_' and '-'.
func cgroupName(pool string) string {
	return "pool-" + strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r|0x20 >= 'a' && r|0x20 <= 'z') {
			return r
		}
		return '_'
	}, pool)
}

// scheduleCrossed reports whether a time of day of schedule lies in (last, now].
func scheduleCrossed(schedule []time.Duration, last, now time.Time) bool {
	if len(schedule) == 0 || !now.After(last) {
		return false
	}
	for _, at := range schedule {
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		for _, t := range []time.Time{day.Add(at), day.Add(at - 24*time.Hour)} {
			if t.After(last) && !t.After(now) {
				return true
			}
		}
	}
	return false
}

// memoryKB returns the virtual (VmSize) and private (Private_Clean + Private_Dirty)
// memory of the processes, in KB, from /proc.
func memoryKB(pids []int) (virtual, private int64) {
	for _, pid := range pids {
		virtual += procField("/proc/"+strconv.Itoa(pid)+"/status", "VmSize:")
		rollup := "/proc/" + strconv.Itoa(pid) + "/smaps_rollup"
		private += procField(rollup, "Private_Clean:") + procField(rollup, "Private_Dirty:")
	}
	return virtual, private
}

// procField returns the number of kB after name in a /proc file, or 0.
func procField(path, name string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, _ := strconv.ParseInt(fields[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
