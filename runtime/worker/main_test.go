//go:build linux

package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/testworker"
)

// The test binary is also the shim, the test worker, and a stand-in for the runtime
// (a process that starts a worker and can be killed), by POOLCTL_TEST_ROLE.
const roleEnv = "POOLCTL_TEST_ROLE"

// noRaceSleep spares the test binary's other roles the second the race detector waits
// before a process exits.
const noRaceSleep = "GORACE=atexit_sleep_ms=0"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "shim":
		ShimMain()
	case "testworker":
		testworker.Main()
	case "runtime":
		os.Exit(runtimeRole())
	case "batch-refused":
		os.Exit(batchRefusedRole())
	}
	// The shims of the runtime roles that tests kill are orphans: as a subreaper, the
	// test process inherits them and reaps them (reapOrphan), where the init of a
	// container might leave them as zombies.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintln(os.Stderr, "worker tests: PR_SET_CHILD_SUBREAPER:", err)
	}
	os.Exit(m.Run())
}

// rolePIDs is what the runtime role prints once its worker is ready.
type rolePIDs struct {
	Shim       int    `json:"shim"`
	Apps       []int  `json:"apps"`
	Grandchild int    `json:"grandchild"`
	Spare      int    `json:"spare,omitempty"`
	Addr       string `json:"addr"`
	Err        string `json:"err,omitempty"`
}

// runtimeRole starts a worker whose app starts a grandchild (in a session of its own
// when POOLCTL_TEST_SETSID=1), releases it when POOLCTL_TEST_RELEASE=1, prints its
// pids, and sleeps until it is killed. With POOLCTL_TEST_SPARE=1 the worker takes a
// spare shim, and the next spare waits, its pid printed too.
func runtimeRole() int {
	exe, err := os.Executable()
	if err != nil {
		return 1
	}
	app := App{Name: "site/app", Path: exe, Env: []string{
		roleEnv + "=testworker", noRaceSleep, "TW_FORK_GRANDCHILD=1", "TW_GRANDCHILD_SETSID=" + os.Getenv("POOLCTL_TEST_SETSID"),
	}}
	cfg := Config{Pool: "role", Shim: []string{exe}, ShimEnv: []string{roleEnv + "=shim", noRaceSleep}, Apps: []App{app},
		GraceKill: time.Second, Output: os.Stderr}
	out := json.NewEncoder(os.Stdout)
	var spare *Spare
	if os.Getenv("POOLCTL_TEST_SPARE") == "1" {
		spare = NewSpare(cfg.Shim, cfg.ShimEnv, cfg.Output, nil)
		spare.Refill()
		cfg.Spare = spare
		if spareReady(spare) == 0 {
			_ = out.Encode(rolePIDs{Err: "no spare shim"})
			return 1
		}
	}
	pids, err := startForRole(cfg, os.Getenv("POOLCTL_TEST_RELEASE") == "1")
	if err == nil && spare != nil {
		spare.Refill()
		if pids.Spare = spareReady(spare); pids.Spare == 0 {
			err = errors.New("no next spare shim")
		}
	}
	if err != nil {
		_ = out.Encode(rolePIDs{Err: err.Error()})
		return 1
	}
	_ = out.Encode(pids)
	for {
		time.Sleep(time.Hour)
	}
}

// spareReady waits until s has a shim ready and returns its pid, or 0 after 30 s.
func spareReady(s *Spare) int {
	pid := 0
	testwait.Until(30*time.Second, 10*time.Millisecond, func() bool {
		pid = s.PID()
		return pid != 0
	})
	return pid
}

// startForRole starts the runtime role's worker and returns its pids.
func startForRole(cfg Config, release bool) (rolePIDs, error) {
	w, err := Start(cfg)
	if err != nil {
		return rolePIDs{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.WaitReady(ctx); err != nil {
		return rolePIDs{}, err
	}
	body, err := httpGet(w.Addr(0), "/whoami")
	if err != nil {
		return rolePIDs{}, err
	}
	var me testworker.Whoami
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		return rolePIDs{}, err
	}
	pids := rolePIDs{Shim: w.PID(), Apps: w.AppPIDs(), Grandchild: me.Grandchild, Addr: w.Addr(0)}
	if release {
		w.Release()
	}
	return pids, nil
}

// httpGet gets a path from addr on a connection of its own.
func httpGet(addr, path string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return string(b), err
}

// testExe returns the test binary's path.
func testExe(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// twApp returns an app that runs the test worker with the TW_* variables env.
func twApp(t *testing.T, name string, env ...string) App {
	return App{Name: name, Path: testExe(t), Env: append([]string{roleEnv + "=testworker", noRaceSleep}, env...)}
}

// testConfig returns a worker configuration that runs the test binary as the shim.
func testConfig(t *testing.T, apps ...App) Config {
	return Config{Pool: t.Name(), Shim: []string{testExe(t)}, ShimEnv: []string{roleEnv + "=shim", noRaceSleep},
		Apps: apps, GraceKill: 10 * time.Second, Output: os.Stderr}
}

// start starts a worker that the test's cleanup kills.
func start(t *testing.T, cfg Config) *Worker {
	t.Helper()
	w, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(w.Kill)
	return w
}

// ready waits for w to be ready.
func ready(t *testing.T, w *Worker) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
}

// get gets a path from app i of w.
func get(t *testing.T, w *Worker, app int, path string) string {
	t.Helper()
	body, err := httpGet(w.Addr(app), path)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// whoami asks app i of w who it is.
func whoami(t *testing.T, w *Worker, app int) testworker.Whoami {
	t.Helper()
	var me testworker.Whoami
	if err := json.Unmarshal([]byte(get(t, w, app, "/whoami")), &me); err != nil {
		t.Fatal(err)
	}
	return me
}

// process is a process seen alive, told apart from a later one with the same pid by its
// start time.
type process struct {
	name  string
	pid   int
	start uint64
}

// track returns the processes pids, which must be alive now.
func track(t *testing.T, names string, pids ...int) []process {
	t.Helper()
	var ps []process
	for i, name := range strings.Fields(names) {
		st, err := readStat(pids[i])
		if err != nil || st.Dead() {
			t.Fatalf("%s (pid %d) is not running: %v", name, pids[i], err)
		}
		ps = append(ps, process{name: name, pid: pids[i], start: st.Start})
	}
	return ps
}

// alive reports whether p still runs (a zombie does not).
func (p process) alive() bool {
	st, err := readStat(p.pid)
	return err == nil && st.Start == p.start && !st.Dead()
}

// waitGone fails unless every process in ps has exited within d, or within 30 s on
// a machine too busy for d: what is tested is that they end, not how fast.
func waitGone(t *testing.T, d time.Duration, ps ...process) {
	t.Helper()
	var left []string
	if !poll(max(d, 30*time.Second), func() bool {
		left = nil
		for _, p := range ps {
			if p.alive() {
				left = append(left, fmt.Sprintf("%s (pid %d)", p.name, p.pid))
			}
		}
		return len(left) == 0
	}) {
		t.Fatalf("still running after %v: %s", max(d, 30*time.Second), strings.Join(left, ", "))
	}
}

// reapOrphan reaps p, a shim that was orphaned when its runtime role was killed and so
// became a child of the test process, a subreaper. A process whose main thread is a
// zombie can be reaped only once its other threads are gone: this waits for that.
func reapOrphan(t *testing.T, p process) {
	t.Helper()
	if !poll(30*time.Second, func() bool {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(p.pid, &ws, unix.WNOHANG, nil)
		return pid == p.pid || err != nil // reaped, or not a child of the test process
	}) {
		t.Errorf("the orphaned shim %d was not reaped", p.pid)
	}
}

// poll checks cond every 10 ms until it holds (true) or within passed (false). The
// tests poll /proc and wait4 for what no event reports: processes of other parents
// ending, descendants appearing, descriptors closing.
func poll(within time.Duration, cond func() bool) bool {
	return testwait.Until(within, 10*time.Millisecond, cond)
}
