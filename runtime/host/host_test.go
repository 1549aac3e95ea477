//go:build linux

package host

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/internal/testseccomp"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/testworker"
	"github.com/poolctl/poolctl/runtime/worker"
)

// roleEnv names the role the test binary plays when the runtime starts it: the
// worker's shim or the test worker.
const roleEnv = "POOLCTL_TEST_ROLE"

// raceQuick keeps a race-enabled process from sleeping a second as it exits.
const raceQuick = "GORACE=atexit_sleep_ms=0"

// denyBatchEnv, set, makes the test process refuse sched_setattr (TestBatchRefused).
const denyBatchEnv = "POOLCTL_TEST_DENY_SCHED_SETATTR"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "shim":
		worker.ShimMain()
		return
	case "testworker":
		testworker.Main()
		return
	}
	if os.Getenv(denyBatchEnv) != "" {
		if err := testseccomp.Deny(unix.SYS_SCHED_SETATTR); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// config returns a configuration whose site on 127.0.0.1:0 has one application per
// path of apps, in pool A, served by the test worker.
func config(exe, dir string, apps ...string) string {
	var b strings.Builder
	b.WriteString(`<configuration><system.applicationHost><applicationPools>
<add name="A" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /></add>
</applicationPools><sites><site name="S" id="1">
`)
	for _, path := range apps {
		fmt.Fprintf(&b, "<application path=%q applicationPool=\"A\"><virtualDirectory path=\"/\" physicalPath=%q /></application>\n", path, dir)
	}
	fmt.Fprintf(&b, `<bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings></site></sites>
</system.applicationHost>
<location path=""><system.webServer><aspNetCore processPath=%q><environmentVariables>
<environmentVariable name=%q value="testworker" />
<environmentVariable name="GORACE" value="atexit_sleep_ms=0" />
</environmentVariables></aspNetCore></system.webServer></location></configuration>
`, exe, roleEnv)
	return b.String()
}

// started is a Runtime of a test, with its file and events.
type started struct {
	rt     *Runtime
	path   string
	events <-chan event.Event
}

// startRuntime writes src and runs it until the test ends; tweak, when not nil,
// changes the options first.
func startRuntime(t *testing.T, src func(exe, dir string) string, tweak func(*Options)) *started {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(src(exe, dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	opt := Options{Path: path, TimeScale: 0.01, Shim: []string{exe}, ShimEnv: []string{roleEnv + "=shim", raceQuick},
		AdminSocket: filepath.Join(dir, "admin.sock"), Output: io.Discard}
	if tweak != nil {
		tweak(&opt)
	}
	rt, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := rt.Supervisor().Subscribe()
	if ok, _ := rt.Ready(); ok {
		t.Error("Ready before Start = true, want false: no listener is open")
	}
	if err := rt.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, c := context.WithTimeout(context.Background(), 30*time.Second)
		defer c()
		if err := rt.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		cancel()
	})
	return &started{rt: rt, path: path, events: events}
}

// await waits for an event with id, failing the test after a minute.
func (s *started) await(t *testing.T, id int) event.Event {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e := <-s.events:
			if e.ID == id {
				return e
			}
		case <-deadline:
			t.Fatalf("no event %d within 30 s", id)
		}
	}
}

// get returns the status of GET path on the runtime's first address.
func (s *started) get(t *testing.T, path string) int {
	t.Helper()
	resp, err := http.Get("http://" + s.rt.Addrs()[0].String() + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// busyPort returns a listener that holds a port of 127.0.0.1, for a binding the
// runtime cannot open; the test closes it to free the port, the cleanup in any case.
func busyPort(t *testing.T) net.Listener {
	t.Helper()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	return busy
}

// TestRuntimeServesAndReloads runs a file, changes it on disk (the runtime reloads it
// by itself), then writes one with a lint error (refused: the running configuration
// stays).
func TestRuntimeServesAndReloads(t *testing.T) {
	var exe, dir string
	s := startRuntime(t, func(e, d string) string { exe, dir = e, d; return config(e, d, "/") }, nil)
	s.await(t, event.WorkerStarted)
	if code := s.get(t, "/"); code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", code)
	}
	if len(s.rt.Spec().Sites[0].Apps) != 1 {
		t.Fatalf("apps before the change = %d, want 1", len(s.rt.Spec().Sites[0].Apps))
	}
	os.WriteFile(s.path, []byte(config(exe, dir, "/", "/api")), 0o644)
	s.await(t, event.ConfigReloaded)
	if got := len(s.rt.Spec().Sites[0].Apps); got != 2 {
		t.Errorf("apps after the change = %d, want 2", got)
	}
	bad := strings.Replace(config(exe, dir, "/"), `startMode="AlwaysRunning"`, `startMode="Sometimes"`, 1)
	os.WriteFile(s.path, []byte(bad), 0o644)
	e := s.await(t, event.ConfigRejected)
	if !strings.Contains(e.Reason, s.path+":2:") {
		t.Errorf("refusal = %q, want the file and line of the bad value", e.Reason)
	}
	if got := len(s.rt.Spec().Sites[0].Apps); got != 2 {
		t.Errorf("apps after a refused change = %d, want 2 (the running configuration)", got)
	}
	if err := s.rt.Reload(); err == nil {
		t.Error("Reload of the refused file = nil, want its lint error")
	}
}

// TestReloadRefusedWhenAListenerCannotOpen checks that a change the front end cannot
// serve (a new binding on a port another process holds) changes nothing: the new pool
// does not start, Spec stays, and the running pool keeps its worker. Once the port is
// free, Reload applies it.
func TestReloadRefusedWhenAListenerCannotOpen(t *testing.T) {
	busy := busyPort(t)
	var exe, dir string
	s := startRuntime(t, func(e, d string) string { exe, dir = e, d; return config(e, d, "/") }, nil)
	started := s.await(t, event.WorkerStarted)
	second := strings.Replace(config(exe, dir, "/"), "</applicationPools><sites>", `<add name="B" />
</applicationPools><sites><site name="T" id="2"><application path="/" applicationPool="B">
<virtualDirectory path="/" physicalPath="`+dir+`" /></application>
<bindings><binding protocol="http" bindingInformation="`+busy.Addr().String()+`:" /></bindings></site>
`, 1)
	os.WriteFile(s.path, []byte(second), 0o644)
	e := s.await(t, event.ConfigRejected)
	if !strings.Contains(e.Reason, busy.Addr().String()) {
		t.Errorf("refusal = %q, want the port in use", e.Reason)
	}
	if got := len(s.rt.Spec().Sites); got != 1 {
		t.Errorf("sites after a refused change = %d, want 1", got)
	}
	pools := s.rt.Supervisor().Pools()
	if len(pools) != 1 || pools[0].Name != "A" || pools[0].WorkerStarts != 1 {
		t.Errorf("pools after a refused change = %+v, want A alone with its first worker (pid %d)", pools, started.PID)
	}
	busy.Close()
	if err := s.rt.Reload(); err != nil {
		t.Fatalf("Reload once the port is free: %v", err)
	}
	if got := len(s.rt.Spec().Sites); got != 2 {
		t.Errorf("sites after the port is free = %d, want 2", got)
	}
	if pools := s.rt.Supervisor().Pools(); len(pools) != 2 {
		t.Errorf("pools after the port is free = %d, want 2", len(pools))
	}
}

// TestNewRefusesLintErrors checks that a file with a lint error does not run, and
// that the error names the file, line and column.
func TestNewRefusesLintErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	src := strings.Replace(config("/bin/true", dir, "/"), `startMode="AlwaysRunning"`, `startMode="Sometimes"`, 1)
	os.WriteFile(path, []byte(src), 0o644)
	_, err := New(Options{Path: path})
	if err == nil || !strings.Contains(err.Error(), path+":2:") {
		t.Fatalf("New = %v, want a lint error at %s:2", err, path)
	}
}

// TestFailingResponsesFromSchemaFolder checks that run reads the schema folder beside
// its file, as lint does: a pool's failingResponses (poolctl's schema extension) is
// accepted and turns the detection on.
func TestFailingResponsesFromSchemaFolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	src := strings.Replace(config("/bin/true", dir, "/"), `<processModel identityType="LocalSystem" />`,
		`<processModel identityType="LocalSystem" /><failingResponses enabled="true" window="00:05:00" />`, 1)
	os.WriteFile(path, []byte(src), 0o644)
	if _, err := New(Options{Path: path}); err == nil || !strings.Contains(err.Error(), "PC101") {
		t.Fatalf("New without the extension = %v, want PC101", err)
	}
	ext, err := os.ReadFile(filepath.Join("..", "..", "contrib", "schema", "poolctl_schema.xml"))
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "schema"), 0o755)
	os.WriteFile(filepath.Join(dir, "schema", "poolctl_schema.xml"), ext, 0o644)
	rt, err := New(Options{Path: path, TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	if f := rt.Spec().Pools[0].Failing; !f.Enabled || f.Window != 5*time.Minute || f.FailureRate != 50 {
		t.Errorf("failingResponses = %+v, want on with a 5-minute window and the defaults", f)
	}
}
