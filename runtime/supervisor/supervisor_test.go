//go:build linux

package supervisor

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/event"
)

// Facts about IIS cited in these tests: "Application Pool Health" and "Configuring
// Rapid-Fail Protection" (learn.microsoft.com, IIS 7 configuration reference:
// <processModel>, <failure>), and the WAS event IDs in runtime/event.

// root runs pools as root: most tests are not about identities.
const root = `<processModel identityType="LocalSystem" %s />`

// poolXML returns an <add> for a pool running as root, with processModel attributes pm and
// more children. Unless pm says otherwise, startupTimeLimit is long.
func poolXML(name, attrs, pm, children string) string {
	if !strings.Contains(pm, "startupTimeLimit") {
		// 10 minutes is 6 s here: a slow machine does not fail a start.
		pm += ` startupTimeLimit="00:10:00"`
	}
	return "<add name=\"" + name + "\" " + attrs + ">" + strings.Replace(root, "%s", pm, 1) + children + "</add>\n"
}

// env returns a pool's environmentVariables element.
func env(kv ...string) string {
	var b strings.Builder
	b.WriteString("<environmentVariables>")
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(`<add name="` + kv[i] + `" value="` + kv[i+1] + `" />`)
	}
	b.WriteString("</environmentVariables>")
	return b.String()
}

// workerPIDs returns the program pids of the pool's workers in the given state.
func (h *harness) workerPIDs(poolName, state string) []int {
	var out []int
	for _, w := range h.sup.Workers() {
		if w.Pool == poolName && (state == "" || w.State == state) && len(w.Apps) > 0 {
			out = append(out, w.Apps[0].PID)
		}
	}
	return out
}

// alive reports whether process pid exists (and is not a zombie).
func alive(pid int) bool {
	state := procState(pid)
	return state != "" && state != "Z"
}

// waitFor polls cond until it holds or within passes. It is for what no event
// announces (a process gone from /proc, a file written by an action, a worker's state
// in the admin status); within is generous, since a busy machine is slow.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !testwait.Until(within, 5*time.Millisecond, cond) {
		t.Fatalf("%s: not within %s", what, within)
	}
}

func TestOnDemandWorkerServes(t *testing.T) {
	h := start(t, config(poolXML("Shop", "", "", env("TW_ECHO_ENV", "POOL_VAR", "POOL_VAR", "from-pool")), map[string]string{"/": "Shop"}, nil))
	if n := len(h.sup.Workers()); n != 0 {
		t.Fatalf("%d workers before the first request, want 0 (startMode OnDemand)", n)
	}
	code, body := h.get("/whoami")
	if code != 200 || !strings.Contains(body, `"POOL_VAR":"from-pool"`) || !strings.Contains(body, `"ASPNETCORE_PORT"`) {
		t.Fatalf("GET /whoami = %d %s", code, body)
	}
	h.waitEvent(event.WorkerStarted, "Shop", 10*time.Second)
	if got := h.poolState("Shop"); got != string(Started) {
		t.Errorf("pool state %s", got)
	}
}

func TestAlwaysRunningReplacesACrashedWorker(t *testing.T) {
	h := start(t, config(poolXML("Api", `startMode="AlwaysRunning"`, "", ""), map[string]string{"/": "Api"}, nil))
	h.waitEvent(event.WorkerStarted, "Api", 10*time.Second)
	pids := h.workerPIDs("Api", "Ready")
	if len(pids) != 1 {
		t.Fatalf("ready workers: %v", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h.waitEvent(event.WorkerCrashed, "Api", 10*time.Second)
	waitFor(t, 10*time.Second, "a new worker", func() bool {
		now := h.workerPIDs("Api", "Ready")
		return len(now) == 1 && now[0] != pids[0]
	})
}

func TestAutoStartFalseLeavesThePoolStopped(t *testing.T) {
	h := start(t, config(poolXML("Off", `autoStart="false"`, "", ""), map[string]string{"/": "Off"}, nil))
	if code, _ := h.get("/"); code != http.StatusServiceUnavailable {
		t.Fatalf("GET / on a stopped pool = %d, want 503", code)
	}
	if err := h.sup.StartPool("off"); err != nil {
		t.Fatal(err)
	}
	if code, body := h.get("/"); code != 200 {
		t.Fatalf("after StartPool: %d %s", code, body)
	}
}

func TestQueueLengthBoundsWaitingRequests(t *testing.T) {
	// queueLength's smallest value is 10. The worker takes a second to start, so the
	// first requests wait in the queue and the rest find it full.
	h := start(t, config(poolXML("Q", `queueLength="10"`, `startupTimeLimit="00:10:00"`, env("TW_START_DELAY", "1s")), map[string]string{"/": "Q"}, nil))
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			switch code, _ := h.get("/"); code {
			case 200:
				ok.Add(1)
			case 503:
				full.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 10 || full.Load() != 15 {
		t.Errorf("%d served and %d got 503; want 10 and 15", ok.Load(), full.Load())
	}
}

func TestStartupTimeLimit(t *testing.T) {
	// startupTimeLimit 60 s is 0.6 s here; the worker needs 30 s.
	h := start(t, config(poolXML("Slow", "", `startupTimeLimit="00:01:00"`, env("TW_START_DELAY", "30s")), map[string]string{"/": "Slow"}, nil))
	code, _ := h.get("/")
	e := h.waitEvent(event.WorkerStartFail, "Slow", 5*time.Second)
	if !strings.Contains(e.Reason, "startupTimeLimit") {
		t.Errorf("reason %q", e.Reason)
	}
	// Five failures in five minutes (the defaults) stop the pool: the request gets 503.
	h.waitEvent(event.RapidFailStop, "Slow", 15*time.Second)
	if code != http.StatusServiceUnavailable {
		t.Errorf("GET / = %d, want 503 once the pool stopped", code)
	}
}

func TestPingTimeoutReplacesTheWorker(t *testing.T) {
	// pingInterval 5 s is 50 ms; pingResponseTime 30 s is 300 ms.
	h := start(t, config(poolXML("P", `startMode="AlwaysRunning"`, `pingInterval="00:00:05" pingResponseTime="00:00:30"`,
		env("TW_PING_HANG_AFTER", "3")), map[string]string{"/": "P"}, nil))
	first := h.waitEvent(event.WorkerStarted, "P", 10*time.Second)
	e := h.waitEvent(event.PingTimeout, "P", 10*time.Second)
	if e.PID != first.PID {
		t.Errorf("ping timeout of pid %d, the worker is %d", e.PID, first.PID)
	}
	h.waitCount(event.WorkerStarted, "P", 2, 10*time.Second) // a replacement
	waitFor(t, 5*time.Second, "the hung worker gone", func() bool { return !alive(first.PID) })
}

func TestUnhealthyWorkerIsRecycled(t *testing.T) {
	h := start(t, config(poolXML("U", `startMode="AlwaysRunning"`, `pingInterval="00:00:05" pingResponseTime="00:00:30"`,
		env("TW_UNHEALTHY_AFTER", "2")), map[string]string{"/": "U"}, nil))
	e := h.waitEvent(event.WorkerUnhealthy, "U", 10*time.Second)
	if e.Reason != "testworker: told to" {
		t.Errorf("reason %q", e.Reason)
	}
	h.waitEvent(event.WorkerRecycled, "U", 5*time.Second)
	h.waitCount(event.WorkerStarted, "U", 2, 10*time.Second) // the new worker
}

func TestOrphanWorkerProcess(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "orphan.pid")
	failure := `<failure orphanWorkerProcess="true" orphanActionExe="/bin/sh" orphanActionParams="-c 'echo %1% &gt; ` + pidFile + `'" />`
	h := start(t, config(poolXML("O", `startMode="AlwaysRunning"`, `pingInterval="00:00:05" pingResponseTime="00:00:30"`,
		failure+env("TW_PING_HANG_AFTER", "2")), map[string]string{"/": "O"}, nil))
	first := h.waitEvent(event.WorkerStarted, "O", 10*time.Second)
	h.waitEvent(event.WorkerOrphaned, "O", 10*time.Second)
	h.waitEvent(event.ActionRun, "O", 10*time.Second)
	b, err := os.ReadFile(pidFile)
	if err != nil || strings.TrimSpace(string(b)) != itoa(first.PID) {
		t.Fatalf("orphanActionExe wrote %q (%v), want the worker's pid %d", b, err, first.PID)
	}
	if !alive(first.PID) {
		t.Error("the orphaned worker was killed; it must be left running")
	}
	waitFor(t, 10*time.Second, "a replacement", func() bool { return len(h.workerPIDs("O", "Ready")) == 1 })
}

func TestRapidFailProtection(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "shutdown")
	failure := `<failure rapidFailProtectionMaxCrashes="3" rapidFailProtectionInterval="00:10:00" autoShutdownExe="/bin/touch" autoShutdownParams="` + marker + `" />`
	pools := poolXML("Crashy", "", "", failure+env("TW_CRASH_AFTER", "1")) + poolXML("Steady", "", "", "")
	h := start(t, config(pools, map[string]string{"/": "Steady", "/crashy": "Crashy"}, nil))

	// The other pool serves throughout, under load. The load stops before the
	// harness shuts down, also when the test fails half-way.
	stop := make(chan struct{})
	var steadyFailed atomic.Int32
	var wg sync.WaitGroup
	stopLoad := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopLoad)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if code, _ := h.get("/"); code != 200 {
					steadyFailed.Add(1)
				}
			}
		})
	}
	for i := 0; i < 10 && h.poolState("Crashy") == string(Started); i++ {
		crashes := h.events.count(event.WorkerCrashed, "Crashy")
		h.get("/crashy/")
		h.waitCount(event.WorkerCrashed, "Crashy", crashes+1, 10*time.Second) // the worker crashed after its one request
	}
	h.waitEvent(event.RapidFailStop, "Crashy", 10*time.Second)
	if n := h.events.count(event.WorkerCrashed, "Crashy"); n != 3 {
		t.Errorf("%d crashes before the pool stopped, want rapidFailProtectionMaxCrashes 3", n)
	}
	if code, _ := h.get("/crashy/"); code != http.StatusServiceUnavailable {
		t.Errorf("GET on the stopped pool = %d, want 503 (HttpLevel)", code)
	}
	waitFor(t, 5*time.Second, "autoShutdownExe", func() bool { _, err := os.Stat(marker); return err == nil })
	stopLoad()
	if n := steadyFailed.Load(); n != 0 {
		t.Errorf("%d requests to the other pool failed", n)
	}
	// The pool stays stopped until started.
	h.waitEvent(event.PoolStopped, "Crashy", 10*time.Second)
	if got := h.poolState("Crashy"); got != string(Stopped) {
		t.Fatalf("state %s", got)
	}
	if err := h.sup.StartPool("Crashy"); err != nil {
		t.Fatal(err)
	}
	if code, _ := h.get("/crashy/"); code != 200 {
		t.Errorf("after StartPool: %d", code)
	}
}

func TestRapidFailTCPLevelResets(t *testing.T) {
	failure := `<failure rapidFailProtectionMaxCrashes="1" loadBalancerCapabilities="TcpLevel" />`
	h := start(t, config(poolXML("T", "", "", failure+env("TW_EXIT_AT_ONCE", "1")), map[string]string{"/": "T"}, nil))
	h.get("/")
	h.waitEvent(event.RapidFailStop, "T", 10*time.Second)
	_, err := http.Get(h.url("/"))
	if err == nil || !errors.Is(err, syscall.ECONNRESET) && !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("GET on a stopped TcpLevel pool: %v, want a connection reset", err)
	}
}

func TestStopKillsAWorkerThatIgnoresSIGTERM(t *testing.T) {
	// shutdownTimeLimit 30 s is 0.3 s here.
	h := start(t, config(poolXML("Stubborn", `startMode="AlwaysRunning"`, `shutdownTimeLimit="00:00:30"`, env("TW_IGNORE_SIGTERM", "1")),
		map[string]string{"/": "Stubborn"}, nil))
	w := h.waitEvent(event.WorkerStarted, "Stubborn", 10*time.Second)
	pids := h.workerPIDs("Stubborn", "Ready")
	if err := h.sup.StopPool("Stubborn"); err != nil {
		t.Fatal(err)
	}
	h.waitEvent(event.ShutdownTimeout, "Stubborn", 5*time.Second)
	for _, pid := range append(pids, w.PID) {
		if alive(pid) {
			t.Errorf("process %d is still alive", pid)
		}
	}
}

func TestApplicationPoolIdentity(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("taking another identity needs root")
	}
	// The pool's own user must be able to run the program: a copy the world may run.
	dir, err := os.MkdirTemp("", "poolctl-identity-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	exe := filepath.Join(dir, "worker")
	if err := copyFile(os.Args[0], exe); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(config(`<add name="Mine"><environmentVariables><add name="TW_ECHO_ENV" value="X" /></environmentVariables></add>`,
		map[string]string{"/": "Mine"}, nil), "{{EXE}}", exe, 1)
	src = strings.ReplaceAll(src, "{{DIR}}", dir) // its working directory, too
	h := start(t, src)
	code, body := h.get("/whoami")
	acc := h.sup.pool("Mine").account
	if code != 200 || !strings.Contains(body, `"uid":`+itoa(int(acc.UID))+`,`) {
		t.Fatalf("GET /whoami = %d %s; want uid %d (%s)", code, body, acc.UID, acc.Name)
	}
	if acc.UID < 61184 || acc.UID > 65519 {
		t.Errorf("ApplicationPoolIdentity uid %d is outside the reserved range", acc.UID)
	}
}

func TestUnobtainableIdentityStopsThePool(t *testing.T) {
	h := start(t, config(`<add name="Ghost"><processModel identityType="SpecificUser" userName="no-such-user-poolctl" /></add>`,
		map[string]string{"/": "Ghost"}, nil))
	e := h.waitEvent(event.IdentityFailed, "Ghost", 5*time.Second)
	if !strings.Contains(e.Reason, "no-such-user-poolctl") {
		t.Errorf("reason %q", e.Reason)
	}
	if code, _ := h.get("/"); code != http.StatusServiceUnavailable || h.poolState("Ghost") != string(Stopped) {
		t.Errorf("GET = %d, state %s; want 503 and Stopped", code, h.poolState("Ghost"))
	}
}

func TestWorkerNobodyWroteForIt(t *testing.T) {
	// python3 -m http.server through a shell wrapper: a program that knows nothing of
	// poolctl but ASPNETCORE_PORT.
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("from python\n"), 0o644)
	wrapper := filepath.Join(dir, "serve.sh")
	os.WriteFile(wrapper, []byte("#!/bin/sh\nexec python3 -m http.server \"$ASPNETCORE_PORT\" --bind 127.0.0.1 --directory \""+dir+"\"\n"), 0o755)
	src := `<configuration><system.applicationHost><applicationPools>` +
		poolXML("Py", "", "", "") + `</applicationPools><sites><site name="S" id="1">
<application path="/" applicationPool="Py"><virtualDirectory path="/" physicalPath="` + dir + `" /></application>
<bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings></site></sites></system.applicationHost>
<location path=""><system.webServer><aspNetCore processPath="` + wrapper + `" /></system.webServer></location></configuration>`
	h := start(t, src)
	if code, body := h.get("/index.html"); code != 200 || body != "from python\n" {
		t.Fatalf("GET = %d %q", code, body)
	}
}

// copyFile copies the file from to the new file to, mode 0755.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// statFields returns the fields of /proc/PID/stat after the command name (which may
// hold spaces): the state is the first; nil when the process is gone.
func statFields(pid int) []string {
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// procState returns the state letter of process pid, or "" when it is gone.
func procState(pid int) string {
	if f := statFields(pid); len(f) > 0 {
		return f[0]
	}
	return ""
}
