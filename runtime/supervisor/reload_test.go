//go:build linux

package supervisor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// reload builds the configuration src as start does and applies it.
func (h *harness) reload(src string) {
	h.t.Helper()
	exe, _ := os.Executable()
	src = strings.NewReplacer("{{DIR}}", h.dir, "{{EXE}}", exe).Replace(src)
	path := filepath.Join(h.dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		h.t.Fatal(err)
	}
	cfg, err := parse.Load(path, parse.LoadOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	sp, _, err := spec.Build(cfg, spec.Options{TimeScale: timeScale})
	if err != nil {
		h.t.Fatal(err)
	}
	h.sup.Reload(sp)
	if err := h.fe.Update(sp.Sites); err != nil {
		h.t.Fatal(err)
	}
}

func TestReload(t *testing.T) {
	always := `startMode="AlwaysRunning"`
	before := poolXML("Same", always, "", "") + poolXML("Changed", always, "", env("V", "1")) + poolXML("Gone", always, "", "")
	apps := map[string]string{"/": "Same", "/changed": "Changed", "/gone": "Gone"}
	h := start(t, config(before, apps, nil))
	waitFor(t, 10*time.Second, "three ready workers", func() bool {
		return len(h.workerPIDs("Same", "Ready"))+len(h.workerPIDs("Changed", "Ready"))+len(h.workerPIDs("Gone", "Ready")) == 3
	})
	same, changed, gone := h.workerPIDs("Same", "Ready")[0], h.workerPIDs("Changed", "Ready")[0], h.workerPIDs("Gone", "Ready")[0]

	after := poolXML("Same", always, "", "") + poolXML("Changed", always, "", env("V", "2")) + poolXML("New", always, "", "")
	h.reload(config(after, map[string]string{"/": "Same", "/changed": "Changed", "/new": "New"}, nil))
	h.waitEvent(event.ConfigReloaded, "", 5*time.Second)

	waitFor(t, 10*time.Second, "the changed pool's new worker", func() bool {
		pids := h.workerPIDs("Changed", "Ready")
		return len(pids) == 1 && pids[0] != changed
	})
	waitFor(t, 10*time.Second, "the old workers gone", func() bool { return !alive(changed) && !alive(gone) })
	if pids := h.workerPIDs("Same", "Ready"); len(pids) != 1 || pids[0] != same {
		t.Errorf("the untouched pool's workers %v, want the same pid %d", pids, same)
	}
	if code, body := h.get("/new/"); code != 200 || !strings.Contains(body, "hello") {
		t.Errorf("GET /new/ = %d %q", code, body)
	}
	if p := h.sup.pool("Gone"); p != nil {
		t.Error("the removed pool is still there")
	}
}

func TestReloadKeepsWorkersWhenRotationIsDisallowed(t *testing.T) {
	always := `startMode="AlwaysRunning"`
	keep := `<recycling disallowRotationOnConfigChange="true" />`
	h := start(t, config(poolXML("K", always, "", keep+env("V", "1", "TW_ECHO_ENV", "V")), map[string]string{"/": "K"}, nil))
	first := h.waitEvent(event.WorkerStarted, "K", 10*time.Second)
	before := h.sup.pool("K")
	h.reload(config(poolXML("K", always, "", keep+env("V", "2", "TW_ECHO_ENV", "V")), map[string]string{"/": "K"}, nil))
	h.waitEvent(event.ConfigReloaded, "K", 5*time.Second)
	// Reload decides at once: a pool it recycles is a new pool, whose old one stops.
	if h.sup.pool("K") != before || !alive(first.PID) || len(h.workerPIDs("K", "Ready")) != 1 {
		t.Fatalf("the worker was recycled despite disallowRotationOnConfigChange")
	}
	if _, body := h.get("/whoami"); !strings.Contains(body, `"V":"1"`) {
		t.Errorf("the running worker's environment changed: %s", body)
	}
	// The new settings reach the next worker.
	if err := h.sup.RecyclePool("K"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the next worker with the new settings", func() bool {
		_, body := h.get("/whoami")
		return strings.Contains(body, `"V":"2"`)
	})
}
