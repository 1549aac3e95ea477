//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/certs"
	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/supervisor"
	"github.com/poolctl/poolctl/runtime/worker"
	"github.com/poolctl/poolctl/secret"
	"github.com/poolctl/poolctl/validate"
)

// runOptions are the flags of "poolctl run".
type runOptions struct {
	admin     adminOptions
	certs     certOptions
	timeScale float64
}

// runtimeGCPercent is the garbage collector's target for poolctl run; see serve.
const runtimeGCPercent = 400

// shutdownLimit bounds a clean shutdown: past it, remaining workers are killed.
const shutdownLimit = 2 * time.Minute

// newRunCmd builds "poolctl run": serve the sites of the file with the pools' workers.
func newRunCmd(g *globalOptions, s streams) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Serve the sites of the file, running the pools' worker processes",
		Long: `Run serves the http bindings of the file's sites and runs each application pool's
worker processes the way IIS's WAS does (see the runtime contract in the README):
on demand or always running, ready within startupTimeLimit, pinged, replaced or
orphaned when unhealthy, stopped by rapid-fail protection, stopped gracefully within
shutdownTimeLimit, as the pool's identity. A worker runs, for each application of
its pool, the program of the application's system.webServer/aspNetCore settings.

The file is linted first: run refuses a file with lint errors. Events (one JSON line
per state change, with WAS's event IDs where WAS has one) go to standard error.
SIGTERM or SIGINT stops every pool and worker and exits 0; no worker outlives run,
even when run itself is killed.

Without -c, $POOLCTL_CONFIG or ./applicationHost.config, run starts a demo
configuration: two sites on 127.0.0.1:8080 and :8081, three pools, and poolctl's own
demo worker; it prints what to try, as commands that work as printed. The demo's
files go to a poolctl-demo-* directory in the temporary directory, removed when run
stops (and, should run be killed, by the next demo).

--time-scale F multiplies every configured duration by F: a testing and demo aid
(0.01 makes a 20-minute idle timeout 12 seconds).`,
		Example: `  go run ./cmd/poolctl run
  poolctl run -c /etc/poolctl/applicationHost.config
  poolctl run --time-scale 0.01 --admin /tmp/poolctl.sock`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRuntime(cmd, g, opts, s)
		},
	}
	opts.admin.addFlag(cmd)
	opts.certs.addFlags(cmd)
	cmd.Flags().Float64Var(&opts.timeScale, "time-scale", 1, "multiply every configured duration by `F` (a testing aid)")
	return cmd
}

// runRuntime runs the runtime until a signal stops it.
func runRuntime(cmd *cobra.Command, g *globalOptions, opts *runOptions, s streams) error {
	if opts.timeScale <= 0 {
		return errors.New("--time-scale must be above 0")
	}
	exe, err := selfCommand()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	path, demo, err := runConfigPath(g, exe)
	if err != nil {
		return err
	}
	if demo != nil {
		defer func() {
			if err := demo.remove(); err != nil {
				fmt.Fprintf(s.err, "poolctl: %v\n", err)
			}
		}()
	}
	cfg, sp, warnings, err := loadRuntimeConfig(g, path, opts.timeScale)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(s.err, nil))
	key, err := g.key()
	if err != nil {
		return err
	}
	var current atomic.Pointer[parse.Config] // the configuration running, replaced by reloads
	current.Store(cfg)
	if err := worker.BecomeSubreaper(); err != nil { // the orphans of a killed shim come back to us
		fmt.Fprintf(s.err, "poolctl: run: %v\n", err)
	}
	cg, cgErr := cgroup.New("")
	if cgErr == nil {
		defer cg.Close()
	}
	sup := supervisor.New(sp, supervisor.Options{
		Shim: []string{exe, "__shim"}, Log: log, Output: s.err, Cgroups: cg,
		Password: func(name string) error { _, err := spec.PoolPassword(current.Load().Pool(name), key); return err },
	})
	if ok, why := cgroupState(cg, cgErr); !ok {
		sup.Emit(event.CgroupUnavailable, "warning", "cgroups unavailable: suspended workers get SIGSTOP", why)
	}
	emitWarnings(sup, warnings)
	reload := func() (*spec.Spec, error) {
		cfg, sp, warnings, err := loadRuntimeConfig(g, path, opts.timeScale)
		if err != nil {
			return nil, err
		}
		current.Store(cfg)
		emitWarnings(sup, warnings)
		return sp, nil
	}
	return serve(cmd.Context(), sup, sp, log, serveOptions{
		sock: opts.admin.socket(g), out: s.out, demo: demo,
		watch: watcher{path: path, load: reload}, certs: opts.certs.options(g.getenv),
	})
}

// serveOptions are what serve needs besides the supervisor and the sites.
type serveOptions struct {
	sock  string // the admin socket
	out   io.Writer
	demo  *demo
	watch watcher
	certs certs.Options
}

// emitWarnings reports what the configuration has that the runtime cannot use: a
// binding it does not serve (event 9009), another setting (event 9022).
func emitWarnings(sup *supervisor.Supervisor, warnings []spec.Warning) {
	for _, w := range warnings {
		id := event.SettingUnusable
		if w.Kind == spec.BindingWarning {
			id = event.BindingSkipped
		}
		sup.Emit(id, "warning", w.Msg, w.Pos.String())
	}
}

// selfCommand returns the path that runs this program again, for the workers' shims:
// the executable, unless the program was started under another name (a link that
// selects what a multi-call binary does), which is then looked up as it was given.
func selfCommand() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	arg0 := os.Args[0]
	if filepath.Base(exe) == filepath.Base(arg0) {
		return exe, nil
	}
	if strings.Contains(arg0, "/") {
		return filepath.Abs(arg0)
	}
	return exec.LookPath(arg0)
}

// cgroupState says whether the runtime can use cgroups, and why not.
func cgroupState(m *cgroup.Manager, err error) (bool, string) {
	if err != nil {
		return false, err.Error()
	}
	return m.Available()
}

// runConfigPath returns the configuration to run: the one -c, $POOLCTL_CONFIG or
// ./applicationHost.config names, else the demo, written to a temporary directory
// that the caller removes when the run ends.
func runConfigPath(g *globalOptions, exe string) (string, *demo, error) {
	path, how := g.configPath()
	if how != "default" {
		return path, nil, nil
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil
	}
	d, path, err := startDemo(g, exe)
	return path, d, err
}

// loadRuntimeConfig lints the file, refusing it on errors, and builds its Spec.
func loadRuntimeConfig(g *globalOptions, path string, scale float64) (*parse.Config, *spec.Spec, []spec.Warning, error) {
	ds, err := validate.LintFile(path, validate.Options{Target: g.target, For: secret.ForRun})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("config file %s: %w", path, err)
	}
	var errs []error
	for _, d := range ds {
		if d.Severity == validate.Error {
			errs = append(errs, fmt.Errorf("%s:%d:%d: %s %s", d.File, d.Line, d.Column, d.Rule, d.Message))
		}
	}
	if len(errs) > 0 {
		return nil, nil, nil, fmt.Errorf("run refuses a configuration that lint finds errors in:\n%w", errors.Join(errs...))
	}
	cfg, err := parse.Load(path, parse.LoadOptions{Version: g.target})
	if err != nil {
		return nil, nil, nil, err
	}
	sp, warnings, err := spec.Build(cfg, spec.Options{TimeScale: scale})
	return cfg, sp, warnings, err
}

// serve runs the front end, the admin API and the pools until SIGINT or SIGTERM, then
// stops them all.
func serve(parent context.Context, sup *supervisor.Supervisor, sp *spec.Spec, log *slog.Logger, o serveOptions) error {
	ctx, stop := signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The runtime's live heap is small (connections, buffers, pool state) and every
	// request allocates a little: collecting at 5x the live heap instead of 2x costs a
	// few megabytes and takes the collector off the request path. GOGC overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(runtimeGCPercent)
	}
	fe := frontend.New(sp.Sites, sup, log)
	tlsCerts := &certSource{sup: sup, opt: o.certs, fe: fe}
	tlsCerts.update(ctx, sp)
	if err := fe.Start(); err != nil {
		return err
	}
	srv, err := admin.Listen(o.sock, sup, log)
	if err != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), shutdownLimit)
		defer cancel()
		fe.Shutdown(shutCtx)
		return err
	}
	go srv.Serve()
	sup.Start()
	sup.Emit(event.RuntimeStarted, "info", "poolctl run started", "")
	printListening(o.out, fe, sp, o.sock, o.demo)
	go o.watch.run(ctx, func(next *spec.Spec) error {
		sup.Reload(next)
		tlsCerts.update(ctx, next)
		return fe.Update(next.Sites)
	}, sup)
	<-ctx.Done()
	stop()
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownLimit)
	defer cancel()
	fe.Shutdown(shutCtx)
	err = sup.Shutdown(shutCtx)
	srv.Close()
	sup.Emit(event.RuntimeStopped, "info", "poolctl run stopped", "")
	return err
}

// printListening says where run serves, and for the demo what to try.
func printListening(out io.Writer, fe *frontend.Server, sp *spec.Spec, sock string, demo *demo) {
	addrs := fe.Addrs()
	var schemes []string // one a binding of a started site, in the order of Addrs
	for _, s := range sp.Sites {
		for _, b := range s.Bindings {
			if s.AutoStart {
				schemes = append(schemes, b.Scheme())
			}
		}
	}
	for i, a := range addrs {
		scheme := "http"
		if i < len(schemes) {
			scheme = schemes[i]
		}
		fmt.Fprintf(out, "listening on %s://%s/\n", scheme, a)
	}
	fmt.Fprintf(out, "admin API on %s\n", sock)
	if demo != nil {
		fmt.Fprint(out, demoHelp(demo.command, sock, addrs))
	}
}
