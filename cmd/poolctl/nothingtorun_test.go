//go:build linux

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// staticSites has the shape of ../shared/corpus/real/02-coso-configuration-supernova.config:
// sites whose applications have no system.webServer/aspNetCore program (IIS serves them
// with its static file handler; Classic .NET AppPool is AlwaysRunning), a net.pipe
// binding (as WCF sites have), and one application (/tool, of Tools) that has a program whose arguments
// name a variable that is not set.
const staticSites = `<?xml version="1.0" encoding="UTF-8"?>
<configuration><system.applicationHost>
<applicationPools>
  <add name="DefaultAppPool" managedRuntimeVersion="v4.0" />
  <add name="Classic .NET AppPool" managedRuntimeVersion="v2.0" managedPipelineMode="Classic" startMode="AlwaysRunning" />
  <add name="Tools" />
  <applicationPoolDefaults><processModel identityType="LocalSystem" /></applicationPoolDefaults>
</applicationPools>
<sites>
  <site name="Default Web Site" id="1">
    <application path="/" applicationPool="DefaultAppPool"><virtualDirectory path="/" physicalPath="WWW" /></application>
    <bindings>
      <binding protocol="http" bindingInformation="127.0.0.1:0:" />
      <binding protocol="net.pipe" bindingInformation="*" />
    </bindings>
  </site>
  <site name="Legacy" id="2">
    <application path="/" applicationPool="Classic .NET AppPool"><virtualDirectory path="/" physicalPath="WWW" /></application>
    <application path="/tool" applicationPool="Tools"><virtualDirectory path="/" physicalPath="WWW" /></application>
    <bindings><binding protocol="http" bindingInformation="127.0.0.1:0:" /></bindings>
  </site>
</sites>
</system.applicationHost>
<location path="Legacy/tool"><system.webServer>
  <aspNetCore processPath="/bin/true" arguments="%POOLCTL_TEST_NOT_SET%" />
</system.webServer></location>
</configuration>
`

// TestRunNothingToRun runs poolctl run on a file whose applications have nothing to
// run (issue 13, item 7): it names each at start (event 9023, with its pool, site and
// application), poolctl pools shows them per pool, requests get a 503 that says so and
// start no worker, and rapid-fail protection never stops the pool. The net.pipe
// binding is event 9009; the unset variable, which is not about a binding, is event 9022.
func TestRunNothingToRun(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "applicationHost.config")
	www := filepath.Join(dir, "www")
	if err := os.Mkdir(www, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(staticSites, "WWW", www)), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "admin.sock")
	r := startRunProc(t, "poolctl", dir, append(os.Environ(), "POOLCTL_TEST_NOT_SET="), "run", "-c", cfg, "--admin", sock)
	lines := r.until("admin API on", time.Minute)
	var site string
	for _, l := range lines {
		if a, ok := strings.CutPrefix(l, "listening on "); ok && site == "" {
			site = strings.TrimSuffix(a, "/")
		}
	}

	// More requests than rapidFailProtectionMaxCrashes (5): each a 503 at once.
	for i := range 7 {
		resp, err := http.Get(site + "/index.html")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "nothing to run") {
			t.Fatalf("request %d: %d %q, want a 503 that says the application has nothing to run", i+1, resp.StatusCode, body)
		}
	}

	out, _ := requireRun(t, exitOK, "pools", "--admin", sock)
	for _, want := range []string{
		"\n  nothing to run: / (site Default Web Site): no system.webServer/aspNetCore section applies to it; its requests get 503\n",
		"\n  nothing to run: / (site Legacy): no system.webServer/aspNetCore section applies to it; its requests get 503\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("poolctl pools: no line %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/tool") || strings.Contains(out, "recent failures") || strings.Contains(out, "Stopped") {
		t.Errorf("poolctl pools:\n%s\nwant /tool (it has a program) left out, no failures, no stopped pool", out)
	}
	out, _ = requireRun(t, exitOK, "pools", "--admin", sock, "--format", "json")
	var doc struct{ Pools []admin.PoolStatus }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string][]admin.AppNote{}
	for _, p := range doc.Pools {
		got[p.Name] = p.NothingToRun
		if p.State != "Started" || p.Failures != 0 || p.Workers != 0 {
			t.Errorf("pool %s: %s, %d failures, %d workers; want Started, none, none", p.Name, p.State, p.Failures, p.Workers)
		}
	}
	why := "no system.webServer/aspNetCore section applies to it"
	want := map[string][]admin.AppNote{
		"DefaultAppPool":       {{Site: "Default Web Site", Path: "/", Why: why}},
		"Classic .NET AppPool": {{Site: "Legacy", Path: "/", Why: why}},
		"Tools":                nil,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("poolctl pools --format json: nothingToRun (-want +got):\n%s", d)
	}

	// Starting a started pool, or stopping a stopped one, says so and exits 0 (item 10).
	for _, tt := range []struct{ action, want string }{
		{"start", `pool "Tools" was already started`},
		{"stop", `pool "Tools" stopped`},
		{"stop", `pool "Tools" was already stopped`},
		{"start", `pool "Tools" started`},
	} {
		if out, _ := requireRun(t, exitOK, "pool", tt.action, "Tools", "--admin", sock); out != tt.want+"\n" {
			t.Errorf("poolctl pool %s Tools: %q, want %q", tt.action, out, tt.want)
		}
	}
	r.stop(time.Minute)

	events := map[int][]logLine{}
	for _, line := range strings.Split(strings.TrimSpace(r.errText()), "\n") {
		var e logLine
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("stderr line %q: %v", line, err)
		}
		events[e.Event] = append(events[e.Event], e)
	}
	var named []string
	for _, e := range events[event.NothingToRun] {
		named = append(named, e.Pool+" | "+e.Site+" | "+e.App)
	}
	if d := cmp.Diff([]string{"DefaultAppPool | Default Web Site | /", "Classic .NET AppPool | Legacy | /"}, named); d != "" {
		t.Errorf("event %d (-want +got):\n%s\nstderr:\n%s", event.NothingToRun, d, r.errText())
	}
	for _, id := range []int{event.WorkerStartFail, event.RapidFailStop, event.WorkerCrashed} {
		if len(events[id]) > 0 {
			t.Errorf("event %d: %+v", id, events[id])
		}
	}
	if es := events[event.BindingSkipped]; len(es) != 1 || !strings.Contains(es[0].Msg, "net.pipe binding") {
		t.Errorf("event %d: %+v, want one, for the net.pipe binding", event.BindingSkipped, es)
	}
	if es := events[event.SettingUnusable]; len(es) != 1 || !strings.Contains(es[0].Msg, "%POOLCTL_TEST_NOT_SET% is not set") {
		t.Errorf("event %d: %+v, want one, for the variable that is not set", event.SettingUnusable, es)
	}
}

// logLine is one event as poolctl run logs it on standard error.
type logLine struct {
	Event  int    `json:"event"`
	Msg    string `json:"msg"`
	Pool   string `json:"pool"`
	Site   string `json:"site"`
	App    string `json:"app"`
	Reason string `json:"reason"`
}
