//go:build linux

package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/certs"
	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/metrics"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/status"
	"github.com/poolctl/poolctl/runtime/supervisor"
	"github.com/poolctl/poolctl/runtime/worker"
	"github.com/poolctl/poolctl/schema"
	"github.com/poolctl/poolctl/secret"
)

// Options configure a Runtime.
type Options struct {
	// Path is the configuration file; Target the IIS version whose schema applies.
	Path   string
	Target schema.Version
	// TimeScale multiplies every configured duration (a testing aid); 0 means 1.
	TimeScale float64
	// Shim is the argv that runs a worker's shim (the program's "__shim"), and
	// ShimEnv the shim's extra environment.
	Shim    []string
	ShimEnv []string
	// Key decrypts pools' passwords; nil when there is no key file.
	Key *secret.Key
	// AdminSocket is the path of the admin API's socket.
	AdminSocket string
	// Certs is where https bindings' certificates are.
	Certs certs.Options
	// StatusAddr is the address of /metrics, /healthz, /readyz and the status page;
	// "" serves none of them (and nothing is counted).
	StatusAddr string
	// Reloading, when set, is called before each reload (SIGHUP's, the file
	// watcher's), and Reloaded after it with the configuration running and the
	// reload's error: systemd hears RELOADING=1 and READY=1 through them.
	Reloading func()
	Reloaded  func(running *spec.Spec, err error)
	// WorkerBatch runs the workers with the SCHED_BATCH scheduling policy
	// (worker.Config.Batch).
	WorkerBatch bool
	// Log receives the events; Output the workers' output that goes nowhere else.
	Log    *slog.Logger
	Output io.Writer
}

// Runtime is poolctl run: the supervisor of the pools, the front end that serves the
// sites, the admin API and the certificates of https bindings, for one configuration
// file, reloaded when it changes.
type Runtime struct {
	opt     Options
	current atomic.Pointer[parse.Config] // the configuration running, replaced by reloads
	spec    atomic.Pointer[spec.Spec]
	sup     *supervisor.Supervisor
	fe      *frontend.Server
	admin   *admin.Server
	status  *status.Server
	metrics *metrics.Metrics // nil without a status address
	ctl     controller
	up      atomic.Bool // the front end's listeners are open
	certs   *certSource
	cg      *cgroup.Manager
	ctx     context.Context    // the watchers' context, from Start
	stop    context.CancelFunc // ends the watchers
	watches sync.WaitGroup
	mu      sync.Mutex // one reload at a time; guards sum
	sum     []byte     // the SHA-256 of the file last loaded (watch.go)
}

// New reads, lints and builds the configuration (a file with lint errors is refused)
// and prepares the supervisor; nothing runs before Start.
func New(opt Options) (*Runtime, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Output == nil {
		opt.Output = io.Discard
	}
	sum := fileSum(opt.Path)
	ld, err := load(opt.Path, opt.Target, opt.TimeScale)
	if err != nil {
		return nil, err
	}
	r := &Runtime{opt: opt, ctx: context.Background(), stop: func() {}, sum: sum}
	r.current.Store(ld.cfg)
	r.spec.Store(ld.spec)
	if err := worker.BecomeSubreaper(); err != nil { // the orphans of a killed shim come back to us
		fmt.Fprintf(opt.Output, "poolctl: run: %v\n", err)
	}
	cg, cgErr := cgroup.New("")
	if cgErr == nil {
		r.cg = cg
	}
	var batchErr error
	if opt.WorkerBatch {
		batchErr = worker.BatchAvailable()
	}
	r.sup = supervisor.New(ld.spec, supervisor.Options{
		Shim: opt.Shim, ShimEnv: opt.ShimEnv, SpareShim: true, Log: opt.Log, Output: opt.Output, Cgroups: r.cg, Password: r.password,
		WorkerBatch: opt.WorkerBatch && batchErr == nil,
	})
	if batchErr != nil {
		r.sup.Emit(event.SchedulingUnavailable, "warning", "workers keep the runtime's scheduling policy: SCHED_BATCH cannot be set", batchErr.Error())
	}
	if ok, why := cgroupState(r.cg, cgErr); !ok {
		r.sup.Emit(event.CgroupUnavailable, "warning", "cgroups unavailable: suspended workers get SIGSTOP", why)
	}
	r.emitWarnings(ld.warnings)
	r.fe = frontend.New(ld.spec.Sites, r.sup, opt.Log)
	r.ctl = controller{Supervisor: r.sup, fe: r.fe, listening: &r.up}
	if opt.StatusAddr != "" {
		r.metrics = metrics.New(r.sup)
		r.fe.Observe(r.metrics)
	}
	r.certs = &certSource{sup: r.sup, opt: opt.Certs, fe: r.fe}
	return r, nil
}

// password checks that the named pool's password can be decrypted with the key.
func (r *Runtime) password(name string) error {
	_, err := spec.PoolPassword(r.current.Load().Pool(name), r.opt.Key)
	return err
}

// Start opens the listeners and the admin socket, starts the pools and begins watching
// the configuration file and the certificates; the watchers end at Shutdown.
func (r *Runtime) Start(ctx context.Context) error {
	ctx, r.stop = context.WithCancel(ctx)
	r.ctx = ctx
	r.certs.prepare(ctx, r.spec.Load(), &r.watches)
	if err := r.fe.Start(); err != nil {
		r.stop()
		return err
	}
	r.certs.use(r.spec.Load())
	r.up.Store(true)
	if err := r.listen(); err != nil {
		r.stop()
		r.fe.Shutdown(ctx)
		return err
	}
	r.sup.Start()
	r.sup.Emit(event.RuntimeStarted, "info", "poolctl run started", "")
	r.watches.Go(func() { watchFile(ctx, r.opt.Path, r.loadedSum, r.Reload) })
	return nil
}

// listen opens the admin socket and the status address, when there is one.
func (r *Runtime) listen() error {
	srv, err := admin.Listen(r.opt.AdminSocket, r.ctl, r.opt.Log)
	if err != nil {
		return err
	}
	r.admin = srv
	go srv.Serve()
	if r.opt.StatusAddr == "" {
		return nil
	}
	st, err := status.Listen(status.Options{Addr: r.opt.StatusAddr, Source: r.ctl, Metrics: r.metrics, Log: r.opt.Log,
		CheckLimit: supervisor.CheckLimit})
	if err != nil {
		srv.Close()
		return err
	}
	r.status = st
	go st.Serve()
	return nil
}

// StatusAddr returns the status address's actual address, nil without one.
func (r *Runtime) StatusAddr() net.Addr {
	if r.status == nil {
		return nil
	}
	return r.status.Addr()
}

// Ready reports whether the listeners are open and the always-running pools ready,
// and names what is not.
func (r *Runtime) Ready() (bool, string) { return r.ctl.Ready() }

// Reload reads the configuration file again and, when lint accepts it, applies it to
// the pools, the sites and the certificates; a refused file is reported as an event
// and returned, and the running configuration stays.
func (r *Runtime) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opt.Reloading != nil {
		r.opt.Reloading()
	}
	err := r.reload()
	if err != nil {
		r.sup.Emit(event.ConfigRejected, "error", "configuration change refused; the running configuration stays", err.Error())
	}
	if r.opt.Reloaded != nil {
		r.opt.Reloaded(r.spec.Load(), err)
	}
	return err
}

// reload is Reload without the refusal's event. The front end changes first, as it
// can fail (a port in use) and then changes nothing: a refused file leaves the pools,
// the listeners and Spec as they were. The supervisor's ConfigReloaded comes last, when
// Spec already returns the new configuration. In between, a request routed to a
// pool the supervisor has yet to add gets ErrNoPool's 503, as one routed to a removed
// pool would in the other order.
func (r *Runtime) reload() error {
	r.sum = fileSum(r.opt.Path)
	ld, err := load(r.opt.Path, r.opt.Target, r.opt.TimeScale)
	if err != nil {
		return err
	}
	r.certs.prepare(r.ctx, ld.spec, &r.watches) // before a new https listener takes a handshake
	if err := r.fe.Update(ld.spec.Sites); err != nil {
		return err
	}
	r.certs.use(ld.spec)
	r.current.Store(ld.cfg)
	r.spec.Store(ld.spec)
	r.emitWarnings(ld.warnings)
	r.sup.Reload(ld.spec)
	return nil
}

// Shutdown stops serving (requests in flight finish while ctx allows), stops every
// pool within ctx (workers left are killed) and closes the admin socket.
func (r *Runtime) Shutdown(ctx context.Context) error {
	r.stop()
	r.watches.Wait()
	r.up.Store(false)
	r.fe.Shutdown(ctx)
	err := r.sup.Shutdown(ctx)
	if r.admin != nil {
		r.admin.Close()
	}
	if r.status != nil {
		r.status.Close()
	}
	r.sup.Emit(event.RuntimeStopped, "info", "poolctl run stopped", "")
	if r.cg != nil {
		r.cg.Close()
	}
	return err
}

// Addrs returns the addresses the front end listens on, in the order of Listening.
func (r *Runtime) Addrs() []net.Addr { return r.fe.Addrs() }

// Spec returns the configuration running.
func (r *Runtime) Spec() *spec.Spec { return r.spec.Load() }

// Supervisor returns the supervisor of the pools.
func (r *Runtime) Supervisor() *supervisor.Supervisor { return r.sup }

// emitWarnings reports what the configuration has that the runtime cannot use: a
// binding it does not serve (event 9009), another setting (event 9022).
func (r *Runtime) emitWarnings(warnings []spec.Warning) {
	for _, w := range warnings {
		id := event.SettingUnusable
		if w.Kind == spec.BindingWarning {
			id = event.BindingSkipped
		}
		r.sup.Emit(id, "warning", w.Msg, w.Pos.String())
	}
}

// cgroupState says whether the runtime can use cgroups, and why not.
func cgroupState(m *cgroup.Manager, err error) (bool, string) {
	if err != nil {
		return false, err.Error()
	}
	if m == nil {
		return false, "no cgroup manager"
	}
	return m.Available()
}
