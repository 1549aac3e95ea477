//go:build linux

package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testbuf"
)

// TestStartServesWithItsEnvironment checks what a program gets: a port in
// ASPNETCORE_PORT and PORT (which the app's own variables cannot override, as the ASP.NET
// Core Module sets them), the pool's variables then the app's (the app's win), the
// working directory, and its output appended to its stdout log file (whose directory
// is created, as the module does).
func TestStartServesWithItsEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logFile := filepath.Join(dir, "logs", "stdout.log")
	if err := os.WriteFile(filepath.Join(dir, "marker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	app := twApp(t, "site/env", "B_BOTH=app", "ASPNETCORE_PORT=1", "PORT=1")
	app.Dir, app.StdoutLog = dir, logFile
	cfg := testConfig(t, app)
	cfg.Env = []string{"TW_ECHO_ENV=A_POOL,B_BOTH", "A_POOL=pool", "B_BOTH=pool"}
	w := start(t, cfg)
	ready(t, w)

	pid := w.AppPIDs()[0]
	if got, want := get(t, w, 0, "/some/path"), fmt.Sprintf("hello from testworker pid %d app /some/path\n", pid); got != want {
		t.Errorf("GET = %q, want %q", got, want)
	}
	me := whoami(t, w, 0)
	_, port, _ := net.SplitHostPort(w.Addr(0))
	want := map[string]string{"ASPNETCORE_PORT": port, "PORT": port, "A_POOL": "pool", "B_BOTH": "app", roleEnv: "testworker"}
	for name, v := range want {
		if me.Env[name] != v {
			t.Errorf("$%s = %q, want %q", name, me.Env[name], v)
		}
	}
	if me.Dir != dir || me.PID != pid || me.PPID != w.PID() {
		t.Errorf("dir, pid, ppid = %q, %d, %d; want %q, %d, %d", me.Dir, me.PID, me.PPID, dir, pid, w.PID())
	}
	if killed := w.Stop(10 * time.Second); killed {
		t.Error("Stop killed the worker")
	}
	b, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(b), fmt.Sprintf("testworker pid %d listening on", pid)) {
		t.Errorf("stdout log = %q, %v; want the worker's first line", b, err)
	}
}

// TestTwoAppsShareTheGroup checks that each app of a worker gets a port of its own and
// that the shim leads the one process group of the worker. The programs' output goes to
// Config.Output, here not a file.
func TestTwoAppsShareTheGroup(t *testing.T) {
	t.Parallel()
	var out testbuf.Buffer
	cfg := testConfig(t, twApp(t, "site/a"), twApp(t, "site/b"))
	cfg.Output = &out
	w := start(t, cfg)
	ready(t, w)
	if w.Addr(0) == w.Addr(1) {
		t.Errorf("both apps on %s", w.Addr(0))
	}
	for i, pid := range append([]int{w.PID()}, w.AppPIDs()...) {
		st, err := readStat(pid)
		if err != nil || st.PGRP != w.PID() {
			t.Errorf("process %d (pid %d): group %d, %v; want %d", i, pid, st.PGRP, err, w.PID())
		}
	}
	for i := range 2 {
		if me := whoami(t, w, i); me.PGID != w.PID() || me.PID != w.AppPIDs()[i] {
			t.Errorf("app %d: pid %d, group %d; want %d, %d", i, me.PID, me.PGID, w.AppPIDs()[i], w.PID())
		}
	}
	w.Stop(10 * time.Second)
	for _, pid := range w.AppPIDs() {
		if line := fmt.Sprintf("testworker pid %d listening", pid); !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out.String())
		}
	}
}

// TestCredential runs the program as nobody (65534): the shim sets the credential on the
// programs, not on itself.
func TestCredential(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("taking another identity needs root")
	}
	dir, err := os.MkdirTemp("", "poolctl-credential-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	exe := copyExecutable(t, dir)
	app := twApp(t, "site/nobody")
	app.Path, app.Dir = exe, dir
	cfg := testConfig(t, app)
	cfg.Credential = &syscall.Credential{Uid: 65534, Gid: 65534}
	w := start(t, cfg)
	ready(t, w)
	if me := whoami(t, w, 0); me.UID != 65534 || me.GID != 65534 {
		t.Errorf("uid, gid = %d, %d; want 65534, 65534", me.UID, me.GID)
	}
	if st, _ := os.Stat(fmt.Sprintf("/proc/%d", w.PID())); st != nil && st.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Errorf("the shim runs as uid %d, want 0", st.Sys().(*syscall.Stat_t).Uid)
	}
}

// copyExecutable copies the test binary into dir, which it opens to everyone.
func copyExecutable(t *testing.T, dir string) string {
	t.Helper()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(testExe(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	exe := filepath.Join(dir, "worker.test")
	dst, err := os.OpenFile(exe, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return exe
}

// TestCredentialRefused checks that an identity the runtime cannot take is a Start
// error that names the app and the identity. Only a non-root runtime can be refused.
func TestCredentialRefused(t *testing.T) {
	t.Parallel()
	if os.Getuid() == 0 {
		t.Skip("root can take any identity; TestStartMissingProgram covers start errors")
	}
	cfg := testConfig(t, twApp(t, "site/root"))
	cfg.Credential = &syscall.Credential{Uid: 0, Gid: 0}
	_, err := Start(cfg)
	if err == nil || !strings.Contains(err.Error(), `app "site/root"`) || !strings.Contains(err.Error(), "as uid 0 gid 0") {
		t.Errorf("Start: %v; want an error naming the app and the identity", err)
	}
}

// TestStartMissingProgram checks that a program that cannot start is a Start error that
// names it, once the shim has stopped the programs it had started.
func TestStartMissingProgram(t *testing.T) {
	t.Parallel()
	missing := App{Name: "site/missing", Path: "/nonexistent/program"}
	_, err := Start(testConfig(t, twApp(t, "site/fine"), missing))
	if err == nil || !strings.Contains(err.Error(), `app "site/missing"`) ||
		!strings.Contains(err.Error(), "/nonexistent/program") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Start: %v; want an error naming the app and the program", err)
	}
}

// TestWaitReadyDeadline checks that a worker that does not listen in time is a deadline
// error (IIS: startupTimeLimit).
func TestWaitReadyDeadline(t *testing.T) {
	t.Parallel()
	w := start(t, testConfig(t, twApp(t, "site/slow", "TW_START_DELAY=1m")))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	err := w.WaitReady(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "site/slow") {
		t.Errorf("WaitReady: %v; want a deadline error naming the app", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("WaitReady took %v past a 300ms deadline", d)
	}
}

// TestWaitReadyExited checks that a worker that exits before it is ready is reported as
// such at once, with how it exited, not as a timeout.
func TestWaitReadyExited(t *testing.T) {
	t.Parallel()
	w := start(t, testConfig(t, twApp(t, "site/quits", "TW_EXIT_AT_ONCE=7")))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := w.WaitReady(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "exited before it was ready") || !strings.Contains(err.Error(), "exited with code 7") {
		t.Errorf("WaitReady: %v; want an error saying the worker exited, with code 7", err)
	}
	if ctx.Err() != nil {
		t.Error("WaitReady waited for its deadline")
	}
}

// TestPing checks the ping of "Application Pool Health": any response is alive; a
// response with X-Poolctl-Unhealthy is a worker that declares itself unhealthy; no
// response in time (pingResponseTime) is an error, while other requests are served.
func TestPing(t *testing.T) {
	t.Parallel()
	t.Run("alive", func(t *testing.T) {
		t.Parallel()
		w := start(t, testConfig(t, twApp(t, "site/a"), twApp(t, "site/b")))
		ready(t, w)
		for range 3 {
			if unhealthy, err := ping(w, 10*time.Second); unhealthy != "" || err != nil {
				t.Errorf("Ping = %q, %v; want alive", unhealthy, err)
			}
		}
	})
	t.Run("unhealthy", func(t *testing.T) {
		t.Parallel()
		w := start(t, testConfig(t, twApp(t, "site/a"), twApp(t, "site/sick", "TW_UNHEALTHY_AFTER=2")))
		ready(t, w) // ping 1
		if unhealthy, err := ping(w, 10*time.Second); unhealthy != "testworker: told to" || err != nil {
			t.Errorf("Ping = %q, %v; want unhealthy", unhealthy, err)
		}
	})
	t.Run("hangs", func(t *testing.T) {
		t.Parallel()
		w := start(t, testConfig(t, twApp(t, "site/hangs", "TW_PING_HANG_AFTER=1")))
		ready(t, w) // ping 1
		begin := time.Now()
		_, err := ping(w, 300*time.Millisecond)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "site/hangs") {
			t.Errorf("Ping: %v; want a deadline error naming the app", err)
		}
		if d := time.Since(begin); d > 5*time.Second {
			t.Errorf("Ping took %v past a 300ms deadline", d)
		}
		get(t, w, 0, "/")
	})
}

// ping pings w with a deadline d from now.
func ping(w *Worker, d time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return w.Ping(ctx)
}

// TestStop checks a graceful stop (programs that exit on SIGTERM: no SIGKILL, no
// error, no wait) and a stop that needs SIGKILL, from Stop's timeout or from the
// shim's GraceKill (IIS: shutdownTimeLimit, event 5013).
func TestStop(t *testing.T) {
	t.Parallel()
	t.Run("graceful", func(t *testing.T) {
		t.Parallel()
		w := start(t, testConfig(t, twApp(t, "site/a"), twApp(t, "site/b")))
		ready(t, w)
		ps := track(t, "shim a b", append([]int{w.PID()}, w.AppPIDs()...)...)
		begin := time.Now()
		if w.Stop(time.Minute) {
			t.Error("Stop killed a worker that exits on SIGTERM")
		}
		if d := time.Since(begin); d > 10*time.Second {
			t.Errorf("Stop took %v", d)
		}
		if err := w.Err(); err != nil {
			t.Errorf("Err = %v after a graceful stop", err)
		}
		waitGone(t, 5*time.Second, ps...)
		if w.Stop(time.Second) {
			t.Error("a second Stop killed")
		}
		w.Kill() // does nothing once the shim has exited
	})
	for _, tc := range []struct {
		name            string
		grace, stopWait time.Duration
	}{
		{"by Stop", time.Minute, 300 * time.Millisecond},
		{"by the shim", 300 * time.Millisecond, time.Minute},
	} {
		t.Run("killed "+tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, twApp(t, "site/stubborn", "TW_IGNORE_SIGTERM=1"), twApp(t, "site/b"))
			cfg.GraceKill = tc.grace
			w := start(t, cfg)
			ready(t, w)
			ps := track(t, "shim stubborn b", append([]int{w.PID()}, w.AppPIDs()...)...)
			begin := time.Now()
			if !w.Stop(tc.stopWait) {
				t.Error("Stop = false for a program that ignores SIGTERM")
			}
			if d := time.Since(begin); d < 300*time.Millisecond || d > 20*time.Second {
				t.Errorf("Stop took %v; want the grace period (300ms), not much more", d)
			}
			waitGone(t, 5*time.Second, ps...)
		})
	}
}

// TestGrandchildren checks that no process of a worker survives Stop or Kill: not a
// grandchild in the worker's process group, not one that left it with setsid (the shim
// kills it as a child subreaper).
func TestGrandchildren(t *testing.T) {
	t.Parallel()
	for _, setsid := range []bool{false, true} {
		for _, how := range []string{"Stop", "Kill"} {
			t.Run(fmt.Sprintf("setsid=%v/%s", setsid, how), func(t *testing.T) {
				t.Parallel()
				sid := map[bool]string{true: "1"}[setsid]
				cfg := testConfig(t, twApp(t, "site/forks", "TW_FORK_GRANDCHILD=1", "TW_GRANDCHILD_SETSID="+sid))
				w := start(t, cfg)
				ready(t, w)
				gc := whoami(t, w, 0).Grandchild
				ps := track(t, "shim app grandchild", w.PID(), w.AppPIDs()[0], gc)
				checkGroup(t, gc, w.PID(), setsid)
				if how == "Stop" {
					w.Stop(time.Minute)
				} else {
					w.Kill()
				}
				waitGone(t, 5*time.Second, ps...)
			})
		}
	}
}

// checkGroup checks that the grandchild gc is in the worker's group, or in a group of
// its own when it called setsid.
func checkGroup(t *testing.T, gc, group int, setsid bool) {
	t.Helper()
	st, err := readStat(gc)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[bool]int{false: group, true: gc}[setsid]; st.PGRP != want {
		t.Fatalf("grandchild's group = %d, want %d", st.PGRP, want)
	}
}

// TestParentDeath checks that a worker does not outlive its runtime when the runtime is
// killed (SIGKILL, no cleanup): the shim's parent-death signal stops the worker,
// grandchildren included, within GraceKill (1 s in the runtime role).
func TestParentDeath(t *testing.T) {
	t.Parallel()
	rt, pids := startRuntimeRole(t, "POOLCTL_TEST_SETSID=1")
	ps := track(t, "shim app grandchild", pids.Shim, pids.Apps[0], pids.Grandchild)
	killRuntimeRole(t, rt)
	waitGone(t, 15*time.Second, ps...)
	reapOrphan(t, ps[0])
}

// TestRelease checks that a released worker keeps running, and that the Worker no
// longer reports its programs nor stops them.
func TestRelease(t *testing.T) {
	t.Parallel()
	w := start(t, testConfig(t, twApp(t, "site/orphan")))
	ready(t, w)
	ps := track(t, "shim app", w.PID(), w.AppPIDs()[0])
	w.Release()
	if pids := w.AppPIDs(); pids != nil {
		t.Errorf("AppPIDs = %v after Release, want nil", pids)
	}
	if w.Stop(50 * time.Millisecond) {
		t.Error("Stop killed a released worker")
	}
	w.Kill()
	get(t, w, 0, "/")
	for _, p := range ps {
		if !p.alive() {
			t.Errorf("%s (pid %d) is gone after Release", p.name, p.pid)
		}
	}
	// As an orphanActionExe would: kill PID.
	if err := syscall.Kill(w.PID(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-w.Done() // the Worker still reaps its shim
	waitGone(t, 5*time.Second, ps...)
}

// TestReleasedWorkerDiesWithRuntime checks that an orphaned worker keeps running while
// its runtime runs, and does not outlive it.
func TestReleasedWorkerDiesWithRuntime(t *testing.T) {
	t.Parallel()
	rt, pids := startRuntimeRole(t, "POOLCTL_TEST_RELEASE=1")
	ps := track(t, "shim app grandchild", pids.Shim, pids.Apps[0], pids.Grandchild)
	if _, err := httpGet(pids.Addr, "/"); err != nil {
		t.Errorf("the released worker does not serve: %v", err)
	}
	killRuntimeRole(t, rt)
	waitGone(t, 15*time.Second, ps...)
	reapOrphan(t, ps[0])
}

// startRuntimeRole starts the test binary as a runtime with env and returns the pids
// of its worker; the test's cleanup kills it.
func startRuntimeRole(t *testing.T, env ...string) (*exec.Cmd, rolePIDs) {
	t.Helper()
	cmd := exec.Command(testExe(t))
	cmd.Env = append(os.Environ(), append([]string{roleEnv + "=runtime", noRaceSleep}, env...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killRuntimeRole(t, cmd) })
	var pids rolePIDs
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err != nil || json.Unmarshal(line, &pids) != nil || pids.Err != "" || len(pids.Apps) != 1 {
		t.Fatalf("runtime role: %q, %v", line, err)
	}
	return cmd, pids
}

// killRuntimeRole kills the runtime role with SIGKILL and reaps it.
func killRuntimeRole(t *testing.T, cmd *exec.Cmd) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
}

// TestCrash checks that a program that exits unasked ends the worker (IIS: event 5009):
// Done is closed, Err says which program and how, and the other app is stopped too.
func TestCrash(t *testing.T) {
	t.Parallel()
	w := start(t, testConfig(t, twApp(t, "site/crashes", "TW_CRASH_AFTER=1"), twApp(t, "site/b")))
	ready(t, w)
	ps := track(t, "shim crashes b", append([]int{w.PID()}, w.AppPIDs()...)...)
	get(t, w, 0, "/")
	select {
	case <-w.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("the worker did not end after its program crashed")
	}
	err := w.Err()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitCrashed ||
		!strings.Contains(err.Error(), fmt.Sprintf(`app "site/crashes" (pid %d) exited with code 3 unasked`, ps[1].pid)) {
		t.Errorf("Err = %v; want the crash of site/crashes", err)
	}
	waitGone(t, 5*time.Second, ps...)
}

// TestNoLeak checks that starting and stopping (or killing) workers leaks neither file
// descriptors nor goroutines, nor zombies: the test process, a subreaper, would inherit
// the children a shim killed with SIGKILL had not reaped. It does not run in parallel:
// it counts the process's.
func TestNoLeak(t *testing.T) {
	cfg := testConfig(t, twApp(t, "site/leak", "TW_FORK_GRANDCHILD=1"))
	cycle := func(i int) {
		w, err := Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ready(t, w)
		if _, err := ping(w, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			w.Stop(time.Minute)
		} else {
			w.Kill()
		}
	}
	cycle(0) // the first opens what the process keeps (the poller, /dev/null, ...)
	fds, goroutines := countFDs(t), runtime.NumGoroutine()
	for i := range 30 {
		cycle(i)
	}
	if _, zombies := tree(os.Getpid()); len(zombies) > 0 {
		t.Errorf("zombies left: %v", zombies)
	}
	if !poll(30*time.Second, func() bool { return countFDs(t) <= fds && runtime.NumGoroutine() <= goroutines }) {
		t.Fatalf("after 30 workers: %d fds (was %d), %d goroutines (was %d)",
			countFDs(t), fds, runtime.NumGoroutine(), goroutines)
	}
}

// countFDs counts the process's open file descriptors.
func countFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestShimNeedsItsPipe checks that the shim, run by hand, says what it is for.
func TestShimNeedsItsPipe(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(testExe(t))
	cmd.Env = append(os.Environ(), roleEnv+"=shim")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitStartFailed || !strings.Contains(string(out), "fd 3") {
		t.Errorf("shim without its pipe: %v, %q", err, out)
	}
}

// TestStartNeedsAShimAndApps checks Start's arguments.
func TestStartNeedsAShimAndApps(t *testing.T) {
	t.Parallel()
	if _, err := Start(Config{Pool: "p", Apps: []App{{Name: "a", Path: "/bin/true"}}}); err == nil {
		t.Error("Start without a shim succeeded")
	}
	if _, err := Start(Config{Pool: "p", Shim: []string{testExe(t)}}); err == nil {
		t.Error("Start without apps succeeded")
	}
	cfg := testConfig(t, twApp(t, "a"))
	cfg.Shim = []string{"/nonexistent/shim"}
	if _, err := Start(cfg); err == nil || !strings.Contains(err.Error(), "/nonexistent/shim") {
		t.Errorf("Start with a missing shim: %v", err)
	}
}

// TestStartWithAWrongShim checks that a shim command that is not the shim is a Start
// error that says what went wrong.
func TestStartWithAWrongShim(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		shim []string
		want string
	}{
		{[]string{"/bin/sh", "-c", "exit 0"}, "exited 0 without starting the programs"},
		{[]string{"/bin/sh", "-c", "exit 9"}, "the shim ended without an exit report: exit status 9"},
	} {
		cfg := testConfig(t, twApp(t, "a"))
		cfg.Shim = tc.shim
		if _, err := Start(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start with the shim %q: %v; want %q", tc.shim, err, tc.want)
		}
	}
}
