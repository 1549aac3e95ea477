//go:build linux

package supervisor

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/spec"
)

// staticConfig has the shape of a real IIS file (corpus/real/02): applications with no
// system.webServer/aspNetCore at all, which IIS serves with its static file handler.
// Static runs only such applications, always running; Mixed has one with a program
// (/app) and one without (/).
const staticConfig = `<configuration><system.applicationHost><applicationPools>
<add name="Static" startMode="AlwaysRunning"><processModel identityType="LocalSystem" />
  <failure rapidFailProtectionMaxCrashes="2" rapidFailProtectionInterval="01:00:00" /></add>
<add name="Mixed"><processModel identityType="LocalSystem" /></add>
</applicationPools><sites>
<site name="Docs" id="1">
  <application path="/" applicationPool="Static"><virtualDirectory path="/" physicalPath="{{DIR}}" /></application>
  <application path="/files" applicationPool="Static"><virtualDirectory path="/" physicalPath="{{DIR}}" /></application>
  <bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings>
</site>
<site name="Shop" id="2">
  <application path="/" applicationPool="Mixed"><virtualDirectory path="/" physicalPath="{{DIR}}" /></application>
  <application path="/app" applicationPool="Mixed"><virtualDirectory path="/" physicalPath="{{DIR}}" /></application>
  <bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings>
</site>
</sites></system.applicationHost>
<location path="Shop/app"><system.webServer><aspNetCore processPath="/bin/true" /></system.webServer></location>
</configuration>
`

// buildStatic returns the Spec of staticConfig.
func buildStatic(t *testing.T) *spec.Spec {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(staticConfig, "{{DIR}}", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parse.Load(path, parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sp, _, err := spec.Build(cfg, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// shutdownAtEnd shuts sup down at the end of the test.
func shutdownAtEnd(t *testing.T, sup *Supervisor) {
	t.Cleanup(func() {
		ctx, c := context.WithTimeout(context.Background(), 30*time.Second)
		defer c()
		if err := sup.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
}

// drain returns the events already sent on ch, without waiting: the supervisor emits
// Start's events before Start returns.
func drain(ch <-chan event.Event) []event.Event {
	var out []event.Event
	for {
		select {
		case e := <-ch:
			out = append(out, e)
		default:
			return out
		}
	}
}

// TestNothingToRun: an application that no aspNetCore section applies to is named at
// start (event 9023: pool, site, application, why), starts no worker, and its requests
// are refused at once (frontend.ErrNothingToRun), so that they never count toward
// rapid-fail protection ("Configuring Rapid-Fail Protection" counts worker process
// failures; there is no worker here). The pool stays Started.
func TestNothingToRun(t *testing.T) {
	sp := buildStatic(t)
	sup := New(sp, Options{Shim: []string{"/nonexistent/shim"}, Output: io.Discard})
	ch, cancel := sup.Subscribe()
	defer cancel()
	sup.Start()
	shutdownAtEnd(t, sup)

	type named struct{ Pool, Site, App, Reason string }
	var got []named
	for _, e := range drain(ch) {
		switch e.ID {
		case event.NothingToRun:
			got = append(got, named{e.Pool, e.Site, e.App, e.Reason})
		case event.WorkerStartFail, event.RapidFailStop:
			t.Errorf("event %d at start: %s (%s)", e.ID, e.Msg, e.Reason)
		}
	}
	want := []named{
		{"Static", "Docs", "/files", spec.MissingNoSection},
		{"Static", "Docs", "/", spec.MissingNoSection},
		{"Mixed", "Shop", "/", spec.MissingNoSection},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("nothing-to-run events at start (-want +got):\n%s", d)
	}
	if ws := sup.Workers(); len(ws) != 0 {
		t.Errorf("workers after start: %+v, want none (Static is AlwaysRunning but has nothing to run)", ws)
	}

	docs := sp.Site("Docs").Apps
	for i := range 5 { // more than rapidFailProtectionMaxCrashes
		ctx, c := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := sup.Acquire(ctx, docs[i%len(docs)])
		c()
		if !errors.Is(err, frontend.ErrNothingToRun) {
			t.Fatalf("request %d: Acquire = %v, want ErrNothingToRun", i+1, err)
		}
	}
	for _, e := range drain(ch) {
		t.Errorf("event after the requests: %d %s (%s)", e.ID, e.Msg, e.Reason)
	}
	if ws := sup.Workers(); len(ws) != 0 {
		t.Errorf("workers after the requests: %+v, want none", ws)
	}

	byName := map[string]admin.PoolStatus{}
	for _, p := range sup.Pools() {
		byName[p.Name] = p
	}
	if st := byName["Static"]; st.State != string(Started) || st.Failures != 0 {
		t.Errorf("Static: state %s, %d failures; want Started, 0", st.State, st.Failures)
	}
	wantNotes := map[string][]admin.AppNote{
		"Static": {{Site: "Docs", Path: "/files", Why: spec.MissingNoSection}, {Site: "Docs", Path: "/", Why: spec.MissingNoSection}},
		"Mixed":  {{Site: "Shop", Path: "/", Why: spec.MissingNoSection}},
	}
	for name, want := range wantNotes {
		if d := cmp.Diff(want, byName[name].NothingToRun); d != "" {
			t.Errorf("pool %s: NothingToRun (-want +got):\n%s", name, d)
		}
	}
}

// TestNothingToRunWorkerRunsOnlyPrograms: a worker of a pool with applications with and
// without a program runs the programs only, and a request for one goes to its own.
func TestNothingToRunWorkerRunsOnlyPrograms(t *testing.T) {
	sp := buildStatic(t)
	sup := New(sp, Options{Output: io.Discard})
	p := sup.pool("Mixed")
	cfg := p.workerConfig()
	var names []string
	for _, a := range cfg.Apps {
		names = append(names, a.Name+" "+a.Path)
	}
	if d := cmp.Diff([]string{"Shop/app /bin/true"}, names); d != "" {
		t.Errorf("the worker's programs (-want +got):\n%s", d)
	}
	app := sp.Site("Shop").Apps[0] // longest first: /app
	if app.Path != "/app" || p.appIndex(app) != 0 {
		t.Errorf("appIndex(%s) = %d, want 0", app.Path, p.appIndex(app))
	}
}

// TestNothingToRunAnswer: the front end answers a request for an application with
// nothing to run with a 503 that says so.
func TestNothingToRunAnswer(t *testing.T) {
	sp := buildStatic(t)
	sup := New(sp, Options{Shim: []string{"/nonexistent/shim"}, Output: io.Discard})
	fe := frontend.New(sp.Sites, sup, nil)
	if err := fe.Start(); err != nil {
		t.Fatal(err)
	}
	sup.Start()
	t.Cleanup(func() {
		ctx, c := context.WithTimeout(context.Background(), 30*time.Second)
		defer c()
		fe.Shutdown(ctx)
		sup.Shutdown(ctx)
	})
	resp, err := http.Get("http://" + fe.Addrs()[0].String() + "/files/index.html")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "the application has nothing to run") {
		t.Errorf("answer %d %q, want 503 saying the application has nothing to run", resp.StatusCode, body)
	}
}

// TestStartStopTwice: starting a started pool, or stopping a stopped one, changes
// nothing and says so (*admin.AlreadyError), as appcmd says a pool is already started;
// no second "pool started" or "pool stopped" event.
func TestStartStopTwice(t *testing.T) {
	sp := buildStatic(t)
	sup := New(sp, Options{Shim: []string{"/nonexistent/shim"}, Output: io.Discard})
	ch, cancel := sup.Subscribe()
	defer cancel()
	sup.Start()
	shutdownAtEnd(t, sup)
	drain(ch)
	count := func(id int) (n int) {
		for _, e := range drain(ch) {
			if e.ID == id {
				n++
			}
		}
		return n
	}
	var already *admin.AlreadyError
	if err := sup.StartPool("mixed"); !errors.As(err, &already) || already.State != "started" || already.Pool != "Mixed" {
		t.Errorf("StartPool of a started pool = %v, want pool \"Mixed\" is already started", err)
	}
	if n := count(event.PoolStarted); n != 0 {
		t.Errorf("%d pool-started events for a pool already started", n)
	}
	if err := sup.StopPool("Mixed"); err != nil {
		t.Fatalf("StopPool: %v", err)
	}
	if n := count(event.PoolStopped); n != 1 {
		t.Errorf("%d pool-stopped events, want 1", n)
	}
	if err := sup.StopPool("Mixed"); !errors.As(err, &already) || already.State != "stopped" {
		t.Errorf("StopPool of a stopped pool = %v, want pool \"Mixed\" is already stopped", err)
	}
	if n := count(event.PoolStopped); n != 0 {
		t.Errorf("%d pool-stopped events for a pool already stopped", n)
	}
	if err := sup.StartPool("Mixed"); err != nil {
		t.Errorf("StartPool of a stopped pool: %v", err)
	}
	if err := sup.StartPool("Nope"); !errors.Is(err, admin.ErrNoPool) {
		t.Errorf("StartPool of no pool = %v, want ErrNoPool", err)
	}
}
