//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/poolctl/poolctl/runtime/eventlog"
	"github.com/poolctl/poolctl/runtime/host"
	"github.com/poolctl/poolctl/runtime/sdnotify"
	"github.com/poolctl/poolctl/runtime/spec"
)

// runOptions are the flags of "poolctl run".
type runOptions struct {
	admin     adminOptions
	certs     certOptions
	timeScale float64
	status    string
	logFormat eventlog.Format // the zero value is auto
	policy    workerPolicy
}

// workerPolicy is --worker-cpu-policy: the workers' Linux scheduling policy, named as
// systemd's CPUSchedulingPolicy= names it; the zero value is batch.
type workerPolicy string

// String returns the policy's name.
func (p *workerPolicy) String() string {
	if *p == "" {
		return "batch"
	}
	return string(*p)
}

// Set sets the policy: batch or other.
func (p *workerPolicy) Set(v string) error {
	if v != "batch" && v != "other" {
		return fmt.Errorf("%q: want batch or other", v)
	}
	*p = workerPolicy(v)
	return nil
}

// Type names the flag's value in the help.
func (p *workerPolicy) Type() string { return "POLICY" }

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

The file is linted first: run refuses a file with lint errors. Events (one per state
change, with WAS's event IDs where WAS has one) go to standard error: as text on a
terminal, to the journal (with priorities and the event ID as POOLCTL_EVENT_ID)
under systemd, as JSON lines otherwise; --log-format chooses. --status ADDR serves
Prometheus metrics (/metrics), probes (/healthz, /readyz) and a status page (/).
Under systemd with Type=notify, run says READY=1 once it listens and its
always-running pools are ready, and pings the watchdog while its supervisor answers.
SIGHUP reloads the file (run also reloads it when it changes). SIGTERM or SIGINT stops every pool and worker and exits 0; no worker outlives run,
even when run itself is killed.

Without -c, $POOLCTL_CONFIG or ./applicationHost.config, run starts a demo
configuration: two sites on 127.0.0.1:8080 and :8081, three pools, and poolctl's own
demo worker; it prints what to try, as commands that work as printed. The demo's
files go to a poolctl-demo-* directory in the temporary directory, removed when run
stops (and, should run be killed, by the next demo).

--time-scale F multiplies every configured duration by F: a testing and demo aid
(0.01 makes a 20-minute idle timeout 12 seconds).

Workers run with the Linux scheduling policy SCHED_BATCH: the CPU share of the
default policy at the same nice value, but a worker woken by a request does not
preempt the front end that handed it over, so that on a busy machine both switch
less (HTTP.sys, in the kernel, is never preempted by w3wp either).
--worker-cpu-policy other runs them with the default policy, SCHED_OTHER.`,
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
	cmd.Flags().Var(&opts.logFormat, "log-format", "events as `FORMAT`: auto, text, json or journal (auto: the journal under systemd, text on a terminal, JSON lines otherwise)")
	cmd.Flags().Var(&opts.policy, "worker-cpu-policy", "the workers' scheduling `POLICY`: batch (SCHED_BATCH) or other (SCHED_OTHER, the default policy)")
	cmd.Flags().StringVar(&opts.status, "status", "", "serve /metrics (Prometheus), /healthz, /readyz and a status page on `ADDR` (host:port; a loopback address unless you mean otherwise: there is no authentication)")
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
	key, err := g.key()
	if err != nil {
		return err
	}
	if warning := statusWarning(opts.status); warning != "" {
		fmt.Fprintf(s.err, "poolctl: run: %s\n", warning)
	}
	notify, err := sdnotify.New(g.getenv) // nil, doing nothing, outside systemd
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	errw := shareable(s.err)
	log := slog.New(eventlog.New(errw, opts.logFormat, eventlog.Options{Env: g.getenv}))
	reloading, reloaded := notifyReloads(log, notify)
	rt, err := host.New(host.Options{
		Path: path, Target: g.target, TimeScale: opts.timeScale, Shim: []string{exe, "__shim"}, Key: key,
		AdminSocket: opts.admin.socket(g), Certs: opts.certs.options(g.getenv), StatusAddr: opts.status,
		Log: log, Output: errw, Reloading: reloading, Reloaded: reloaded, WorkerBatch: opts.policy.String() == "batch",
	})
	if err != nil {
		return err
	}
	return serve(cmd.Context(), rt, serveOptions{sock: opts.admin.socket(g), out: s.out, demo: demo, notify: notify, log: log})
}

// serveOptions are what serve prints besides the runtime's addresses, and whom it
// tells how the runtime is.
type serveOptions struct {
	sock string // the admin socket
	out  io.Writer
	demo *demo
	// notify tells systemd when run is ready, reloading and stopping, and pings its
	// watchdog; nil outside systemd. log reports the notifications that failed.
	notify *sdnotify.Notifier
	log    *slog.Logger
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

// serve runs rt until SIGINT or SIGTERM, reloading its configuration on SIGHUP, then
// shuts it down within shutdownLimit.
func serve(parent context.Context, rt *host.Runtime, o serveOptions) error {
	ctx, stop := signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The runtime's live heap is small (connections, buffers, pool state) and every
	// request allocates a little: collecting at 5x the live heap instead of 2x costs a
	// few megabytes and takes the collector off the request path. GOGC overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(runtimeGCPercent)
	}
	events, unsubscribe := rt.Supervisor().Subscribe() // before Start: no ready event is missed
	if err := rt.Start(ctx); err != nil {
		unsubscribe()
		return err
	}
	printListening(o.out, rt.Addrs(), rt.Spec(), o.sock, o.demo)
	if a := rt.StatusAddr(); a != nil {
		fmt.Fprintf(o.out, "status page on http://%s/ (metrics on /metrics)\n", a)
	}
	go o.notify.KeepAlive(ctx, supervisorAnswers(rt), func(err error) { notified(o.log, err) })
	awaitReady(ctx, rt, events)
	unsubscribe()
	notified(o.log, o.notify.Status(servingStatus(rt.Spec())))
	notified(o.log, o.notify.Ready())
	go reloadOnHangup(ctx, rt.Reload)
	<-ctx.Done()
	stop()
	notified(o.log, o.notify.Stopping())
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownLimit)
	defer cancel()
	return rt.Shutdown(shutCtx)
}

// printListening says where run serves, and for the demo what to try.
func printListening(out io.Writer, addrs []net.Addr, sp *spec.Spec, sock string, demo *demo) {
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
