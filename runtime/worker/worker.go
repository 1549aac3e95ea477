//go:build linux

package worker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/runtime/cgroup"
	"github.com/poolctl/poolctl/runtime/sdnotify"
)

// waitDelay bounds how long waiting for the shim waits for its output pipe to close
// after it exited (only when Config.Output is not a file).
const waitDelay = 5 * time.Second

// Worker is a running worker: its shim and the programs the shim started.
type Worker struct {
	pool      string
	cmd       *exec.Cmd
	pid       int
	names     []string // the apps' names
	addrs     []string // "127.0.0.1:PORT" of each app
	ports     []int    // each app's PORT
	pingPaths []string
	appPIDs   []int
	transport *http.Transport
	client    *http.Client
	done      chan struct{}

	released atomic.Bool
	mu       sync.Mutex
	exited   bool       // the shim has exited: its pid may no longer be signalled
	warm     []net.Conn // each app's warm-ping connection, until TakeConn takes it (warm.go)
	warmLeft atomic.Int32

	group    *cgroup.Group // the worker's own cgroup; nil = none
	groupErr error         // why it has none, when Config.Cgroups was Available

	// Set before done is closed.
	waitErr    error  // the shim's *exec.ExitError, nil when it exited 0
	why        string // how it ended, when it did not exit 0
	err        error  // both, for Err
	shimKilled bool   // the shim reported that SIGKILL was needed after GraceKill
}

// Start starts the worker: the shim as the leader of a new process group, which starts
// one process per app with ASPNETCORE_PORT and PORT set to a free loopback port chosen
// for it. It returns once the shim has started every program, or an error that says
// which program could not be started and why. Start may be called from any goroutine
// (see the package documentation on the parent-death signal).
func Start(cfg Config) (*Worker, error) {
	if len(cfg.Shim) == 0 || len(cfg.Apps) == 0 {
		return nil, fmt.Errorf("pool %q: a worker needs a shim command and at least one app", cfg.Pool)
	}
	ports, err := freePorts(len(cfg.Apps))
	if err != nil {
		return nil, fmt.Errorf("pool %q: choose ports: %w", cfg.Pool, err)
	}
	payload, err := json.Marshal(newInstructions(cfg, ports))
	if err != nil {
		return nil, fmt.Errorf("pool %q: encode the shim's instructions: %w", cfg.Pool, err)
	}
	w := newWorker(cfg, ports)
	pipe, err := w.startShim(cfg, payload)
	if err != nil {
		return nil, fmt.Errorf("pool %q: start the shim %s: %w", cfg.Pool, cfg.Shim[0], err)
	}
	rep := bufio.NewReader(pipe)
	first, readErr := readReport(rep)
	go w.wait(pipe, rep)
	if readErr == nil && first.Error == "" && len(first.PIDs) == len(cfg.Apps) {
		w.appPIDs = first.PIDs
		return w, nil
	}
	<-w.done
	return nil, w.startError(cfg, first, readErr)
}

// startError says why the shim did not start the programs, once it has exited: the
// error it reported, else how it ended.
func (w *Worker) startError(cfg Config, first report, readErr error) error {
	switch {
	case first.Error != "":
		return fmt.Errorf("pool %q: %s", cfg.Pool, first.Error)
	case w.waitErr != nil:
		return fmt.Errorf("pool %q: the shim %s did not start the programs: %s: %w", cfg.Pool, cfg.Shim[0], w.why, w.waitErr)
	case readErr != nil:
		return fmt.Errorf("pool %q: the shim %s exited 0 without starting the programs: %w", cfg.Pool, cfg.Shim[0], readErr)
	}
	return fmt.Errorf("pool %q: the shim %s reported %d pids for %d apps", cfg.Pool, cfg.Shim[0], len(first.PIDs), len(cfg.Apps))
}

// newWorker returns a Worker for cfg, not started, with a keep-alive HTTP client of its
// own for pings.
func newWorker(cfg Config, ports []int) *Worker {
	w := &Worker{pool: cfg.Pool, ports: ports, done: make(chan struct{}), warm: make([]net.Conn, len(cfg.Apps))}
	for i, app := range cfg.Apps {
		w.names = append(w.names, app.Name)
		w.addrs = append(w.addrs, net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[i])))
		path := app.PingPath
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		w.pingPaths = append(w.pingPaths, path)
	}
	w.transport = &http.Transport{
		Proxy:               nil, // never through $HTTP_PROXY
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	}
	w.client = &http.Client{
		Transport:     w.transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return w
}

// startShim starts the shim, or takes Config.Spare's, gives it its instructions, and
// returns the read end of its report pipe.
func (w *Worker) startShim(cfg Config, payload []byte) (*os.File, error) {
	sh := cfg.Spare.take(cfg)
	if sh == nil {
		var err error
		if sh, err = startIdleShim(cfg); err != nil {
			return nil, err
		}
	}
	w.cmd, w.pid = sh.cmd, sh.cmd.Process.Pid
	w.joinCgroup(cfg, sh.group) // the shim waits for its instructions: it has started nothing yet
	// A shim that exits before it reads this reports why on the report pipe or by its
	// status: the write's error adds nothing.
	_, _ = sh.stdin.Write(payload)
	sh.stdin.Close()
	return sh.report, nil
}

// shimCmd returns the command that runs the shim: the leader of a new process group,
// sent SIGTERM when the runtime dies.
func shimCmd(cfg Config, stdin, report *os.File) *exec.Cmd {
	cmd := exec.Command(cfg.Shim[0], cfg.Shim[1:]...)
	cmd.Env = append(sdnotify.Scrub(os.Environ()), cfg.ShimEnv...) // the workers are not the service systemd watches
	cmd.Stdin = stdin
	if cfg.Output != nil {
		cmd.Stdout, cmd.Stderr = cfg.Output, cfg.Output
	}
	cmd.ExtraFiles = []*os.File{report} // fd 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	cmd.WaitDelay = waitDelay
	return cmd
}

// forkFromOwnGoroutine starts cmd from a new goroutine. The parent-death signal is sent
// when the forking thread exits; a new goroutine never runs on a locked thread, and
// unlocked threads live as long as the process, whatever the caller's thread does.
func forkFromOwnGoroutine(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() { errc <- cmd.Start() }()
	return <-errc
}

// freePorts returns n distinct free loopback ports: it listens on 127.0.0.1:0 n times,
// then closes the listeners. Another process may take a port before the program
// listens on it; the program then fails, which the runtime sees as a failed start.
func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// PID returns the shim's pid, which is also the worker's process group id. It is the
// same after Release.
func (w *Worker) PID() int { return w.pid }

// AppPIDs returns the programs' pids, in Config.Apps order; nil after Release.
func (w *Worker) AppPIDs() []int {
	if w.released.Load() {
		return nil
	}
	return append([]int(nil), w.appPIDs...)
}

// Addr returns "127.0.0.1:PORT", the address app i listens on.
func (w *Worker) Addr(app int) string { return w.addrs[app] }

// Done returns a channel that is closed when the shim has exited and been reaped.
func (w *Worker) Done() <-chan struct{} { return w.done }

// Err returns how the shim ended, once Done is closed (nil before): nil when it was
// asked to stop and everything exited in time, else an error that says what happened
// (which program exited unasked and how, or that SIGKILL was needed) and wraps the
// shim's *exec.ExitError. The caller knows whether it asked the worker to stop.
func (w *Worker) Err() error {
	select {
	case <-w.done:
		return w.err
	default:
		return nil
	}
}
