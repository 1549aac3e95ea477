//go:build unix

// Package testworker is a worker program for the tests and benchmarks of poolctl's
// runtime: an HTTP server on 127.0.0.1:$ASPNETCORE_PORT (else $PORT) that misbehaves on
// demand. poolctl runs it as the hidden command "__testworker"; a test binary can run
// Main itself when an environment variable of its own says so.
//
// Behaviours, chosen by environment variables:
//
//	TW_START_DELAY=duration    wait that long (time.ParseDuration) before listening
//	TW_EXIT_AT_ONCE=code       exit with that code before listening
//	TW_CRASH_AFTER=N           exit 3 once the response to the Nth request that is
//	                           not a ping has been sent
//	TW_PING_HANG_AFTER=N       answer the first N pings, then hang every ping until
//	                           the client gives up (other requests are still served)
//	TW_UNHEALTHY_AFTER=N       from the Nth ping on, answer pings with the header
//	                           "X-Poolctl-Unhealthy: testworker: told to"
//	TW_IGNORE_SIGTERM=1        ignore SIGTERM (it is received and dropped); otherwise
//	                           SIGTERM makes the server finish the requests in flight
//	                           and exit 0
//	TW_FORK_GRANDCHILD=1       at start, start a grandchild: this program again, with
//	                           TW_GRANDCHILD=1, in the same process group
//	TW_GRANDCHILD_SETSID=1     the grandchild calls setsid (leaves the group)
//	TW_GRANDCHILD=1            be the grandchild: sleep until killed
//	TW_ECHO_ENV=NAME1,NAME2    more variables for /whoami to show
//
// Pings (counted from 1) are the first one a worker's WaitReady sends, then those of
// Ping: any request with the header X-Poolctl-Ping, whatever its path, answered 200
// "pong".
//
// Endpoints, for other requests:
//
//	/whoami       200, JSON (Whoami): pid, ppid, pgid, uid, gid, port, working
//	              directory, grandchild pid, and the variables ASPNETCORE_PORT, PORT,
//	              TW_*, POOLCTL_* and those TW_ECHO_ENV names
//	/burn?ms=N    200 "burnt" after N milliseconds spent on the CPU
//	/sleep?ms=N   200 after N milliseconds
//	/crash        exit 3 at once, without a response
//	anything else 200 "hello from testworker pid PID app PATH\n", PATH being the
//	              request's path
//
// It prints one line to stdout when it listens and nothing per request. Exit codes: 0
// after SIGTERM, 2 for a bad environment or a port it cannot listen on, 3 for a crash
// asked for, or TW_EXIT_AT_ONCE's code.
package testworker

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

// Exit codes.
const (
	exitUsage = 2
	exitCrash = 3
)

// shutdownLimit bounds how long the server waits for requests in flight after SIGTERM.
const shutdownLimit = 30 * time.Second

// Main runs the test worker and exits.
func Main() {
	os.Exit(run(os.Getenv))
}

// run runs the test worker with the environment getenv reads and returns its exit code.
func run(getenv func(string) string) int {
	if getenv("TW_GRANDCHILD") == "1" {
		for {
			time.Sleep(time.Hour)
		}
	}
	cfg, err := parseConfig(getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testworker: %v\n", err)
		return exitUsage
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	if waitTerm(term, cfg.ignoreTerm, cfg.startDelay) {
		return 0
	}
	if cfg.exitAtOnce >= 0 {
		return cfg.exitAtOnce
	}
	return serve(cfg, term)
}

// serve starts the grandchild if asked, serves until SIGTERM, and returns the exit code.
func serve(cfg config, term <-chan os.Signal) int {
	grandchild, err := startGrandchild(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testworker: start the grandchild: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", cfg.port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "testworker: %v\n", err)
		return exitUsage
	}
	h := newHandler(cfg, os.Environ, func(code int) { os.Exit(code) })
	h.port = ln.Addr().(*net.TCPAddr).Port
	h.grandchild = grandchild
	srv := h.server()
	go srv.Serve(ln)
	fmt.Printf("testworker pid %d listening on %s\n", os.Getpid(), ln.Addr())
	waitTerm(term, cfg.ignoreTerm, -1)
	close(h.quit)
	ctx, cancel := context.WithTimeout(context.Background(), shutdownLimit)
	defer cancel()
	_ = srv.Shutdown(ctx)
	return 0
}

// waitTerm waits d (forever when d < 0) and reports whether a SIGTERM that is not
// ignored came first.
func waitTerm(term <-chan os.Signal, ignore bool, d time.Duration) bool {
	if d == 0 {
		return false
	}
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	for {
		select {
		case <-term:
			if !ignore {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// startGrandchild starts the grandchild when cfg asks for one and returns its pid (0
// when none). A goroutine reaps it if it exits while this process runs.
func startGrandchild(cfg config) (int, error) {
	if !cfg.forkGrandchild {
		return 0, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), "TW_GRANDCHILD=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: cfg.grandchildSetsid}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { _ = cmd.Wait() }()
	return cmd.Process.Pid, nil
}
