//go:build unix

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
