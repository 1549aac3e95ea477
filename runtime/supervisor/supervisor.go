//go:build linux

package supervisor

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/identity"
	"github.com/poolctl/poolctl/runtime/numa"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/worker"
)

// Options tune a Supervisor.
type Options struct {
	// Shim is the argv that runs worker.ShimMain, and ShimEnv the shim's extra
	// environment.
	Shim    []string
	ShimEnv []string
	// SpareShim keeps one shim started ahead of need (worker.Spare), so that a worker's
	// start, a cold start's first request included, does not wait for the shim's own.
	SpareShim bool
	// Log receives one structured line per event; nil discards them.
	Log *slog.Logger
	// Output receives the workers' output that does not go to a stdoutLogFile.
	Output io.Writer
	// Identity tunes how pool identities become accounts.
	Identity identity.Options
	// Password checks that a pool's SpecificUser password can be read (the key works);
	// nil checks nothing. It is given the pool's name.
	Password func(pool string) error
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// Cgroups gives each worker a cgroup, killed whole when the worker ends, freezes
	// suspended workers and caps pools' CPU; nil, or one that is not available,
	// suspends with SIGSTOP and ends a worker by its process group and orphans.
	Cgroups *cgroup.Manager
	// WorkerBatch runs the workers with the SCHED_BATCH scheduling policy
	// (worker.Config.Batch).
	WorkerBatch bool
	// TopologyRoot is where the NUMA topology is read (numa.Read); "" is "/". Tests
	// point it at a fake sysfs tree.
	TopologyRoot string

	// beforeFreeze, when set, runs in suspend after the page-out and the warm ping,
	// before the freeze: tests send a request then.
	beforeFreeze func()
}

// Supervisor runs the pools of a Spec.
type Supervisor struct {
	opt       Options
	nodes     []numa.Node // the machine's NUMA nodes, for maxProcesses="0"
	log       *slog.Logger
	mu        sync.RWMutex     // guards pools and order, which Reload replaces
	pools     map[string]*pool // by lower-case name
	order     []*pool
	events    *broadcaster
	wg        sync.WaitGroup // worker goroutines
	done      chan struct{}  // closed when Shutdown begins
	closeOnce sync.Once
	checking  atomic.Bool   // a health check waits for its locks (health.go)
	spare     *worker.Spare // nil without Options.SpareShim
}

// New returns a supervisor of sp's pools; nothing runs until Start.
func New(sp *spec.Spec, opt Options) *Supervisor {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Supervisor{opt: opt, log: opt.Log, pools: map[string]*pool{}, events: newBroadcaster(), done: make(chan struct{})}
	if opt.SpareShim && len(opt.Shim) > 0 { // no shim runs until Start
		s.spare = worker.NewSpare(opt.Shim, opt.ShimEnv, opt.Output, opt.Cgroups)
	}
	if nodes, err := numa.Read(opt.TopologyRoot); err == nil {
		s.nodes = nodes
	} else {
		s.Emit(event.TopologyUnavailable, "warning", "NUMA topology unreadable: maxProcesses=\"0\" runs one worker", err.Error())
	}
	for _, p := range s.newPools(sp) {
		s.pools[strings.ToLower(p.spec().Name)] = p
		s.order = append(s.order, p)
	}
	return s
}

// newPools returns stopped pools for every pool of sp, with their accounts.
func (s *Supervisor) newPools(sp *spec.Spec) []*pool {
	accounts, errs := identity.ResolveAll(sp.Pools, s.opt.Identity)
	byPool := identity.ErrorsByPool(errs)
	out := make([]*pool, 0, len(sp.Pools))
	for _, ps := range sp.Pools {
		p := newPool(s, ps, sp.AppsOf(ps.Name))
		p.account, p.accountErr = accounts[ps.Name], byPool[ps.Name]
		out = append(out, p)
	}
	return out
}

// all returns the pools, in order.
func (s *Supervisor) all() []*pool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.order)
}

// Start starts the pools whose autoStart is true; an always-running pool starts a
// worker at once.
func (s *Supervisor) Start() {
	if s.runsPrograms() { // else the first worker's start starts the spare (slot.go)
		s.spare.Refill()
	}
	for _, p := range s.all() {
		p.reportNothingToRun()
		if p.spec().AutoStart {
			p.start("autoStart")
		} else {
			p.emit(event.PoolStopped, "info", "pool is not started: autoStart is false", 0, "")
		}
	}
}

// runsPrograms reports whether a pool has a program to run: a configuration without
// one needs no spare shim.
func (s *Supervisor) runsPrograms() bool {
	for _, p := range s.all() {
		if len(p.progs) > 0 {
			return true
		}
	}
	return false
}

// Shutdown stops every pool, each worker gracefully within its shutdownTimeLimit, and
// waits for them all; no worker process remains afterwards.
func (s *Supervisor) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.done) })
	defer s.removeCgroups()
	var wg sync.WaitGroup
	for _, p := range s.all() {
		wg.Go(func() { p.stop("the runtime is stopping", false) })
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		s.wg.Wait()
		if s.spare != nil {
			s.spare.Close()
		}
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, p := range s.all() {
			p.killAll()
		}
		<-done
		return ctx.Err()
	}
}

// removeCgroups removes the pools' CPU cgroups, once their workers are gone.
func (s *Supervisor) removeCgroups() {
	for _, p := range s.all() {
		p.mu.Lock()
		g := p.cpu.group
		p.mu.Unlock()
		if g != nil {
			g.Remove()
		}
	}
}

// pool returns the pool name, compared case-insensitively.
func (s *Supervisor) pool(name string) *pool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var buf [64]byte
	if key, ok := lowerASCII(buf[:0], name); ok {
		return s.pools[string(key)] // the conversion in a map index does not allocate
	}
	return s.pools[strings.ToLower(name)]
}

// lowerASCII appends name in lower case to b and reports true when name is ASCII
// (strings.ToLower's result, then); otherwise it reports false.
func lowerASCII(b []byte, name string) ([]byte, bool) {
	for i := range len(name) {
		c := name[i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b, true
}

// Acquire gives the front end a worker process for a request to app.
func (s *Supervisor) Acquire(ctx context.Context, app *spec.App) (frontend.Lease, error) {
	p := s.pool(app.Pool)
	if p == nil {
		return nil, frontend.ErrNoPool
	}
	return p.acquire(ctx, app)
}

// Pools returns the status of every pool, for the admin API.
func (s *Supervisor) Pools() []admin.PoolStatus {
	var out []admin.PoolStatus
	for _, p := range s.all() {
		out = append(out, p.status())
	}
	return out
}

// Workers returns the status of every worker, for the admin API.
func (s *Supervisor) Workers() []admin.WorkerStatus {
	var out []admin.WorkerStatus
	for _, p := range s.all() {
		out = append(out, p.workerStatus()...)
	}
	return out
}

// StartPool starts a stopped pool, as `poolctl pool start` asks; a pool already
// started (or starting) stays as it is, and the answer is an *admin.AlreadyError.
func (s *Supervisor) StartPool(name string) error {
	p := s.pool(name)
	if p == nil {
		return fmt.Errorf("%w: %q", admin.ErrNoPool, name)
	}
	if !p.start("administrator") {
		return &admin.AlreadyError{Pool: p.spec().Name, State: "started"}
	}
	return nil
}

// StopPool stops a pool, as `poolctl pool stop` asks; a pool already stopped (or
// stopping) stays as it is, and the answer is an *admin.AlreadyError.
func (s *Supervisor) StopPool(name string) error {
	p := s.pool(name)
	if p == nil {
		return fmt.Errorf("%w: %q", admin.ErrNoPool, name)
	}
	if !p.stopAsked("administrator") {
		return &admin.AlreadyError{Pool: p.spec().Name, State: "stopped"}
	}
	return nil
}

// RecyclePool recycles a pool's workers, as `poolctl pool recycle` asks.
func (s *Supervisor) RecyclePool(name string) error {
	p := s.pool(name)
	if p == nil {
		return fmt.Errorf("%w: %q", admin.ErrNoPool, name)
	}
	return p.recycle("administrator")
}

// Subscribe returns the events from now on, for the admin API.
func (s *Supervisor) Subscribe() (<-chan event.Event, func()) { return s.events.subscribe() }

// emit logs an event and sends it to the subscribers.
func (s *Supervisor) emit(e event.Event) {
	e.Time = s.opt.Now()
	level := slog.LevelInfo
	switch e.Level {
	case "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.Int("event", e.ID)}
	if e.Pool != "" {
		attrs = append(attrs, slog.String("pool", e.Pool))
	}
	if e.Site != "" {
		attrs = append(attrs, slog.String("site", e.Site), slog.String("app", e.App))
	}
	if e.PID != 0 {
		attrs = append(attrs, slog.Int("pid", e.PID))
	}
	if e.Reason != "" {
		attrs = append(attrs, slog.String("reason", e.Reason))
	}
	s.log.LogAttrs(context.Background(), level, e.Msg, attrs...)
	s.events.send(e)
}

// Emit reports an event that is not a pool's: a binding skipped, a reload.
func (s *Supervisor) Emit(id int, level, msg, reason string) {
	s.emit(event.Event{ID: id, Level: level, Msg: msg, Reason: reason})
}
