//go:build linux

package supervisor

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/testworker"
	"github.com/poolctl/poolctl/runtime/worker"
)

// roleEnv names the role the test binary plays when the runtime starts it: the
// worker's shim or the test worker.
const roleEnv = "POOLCTL_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "shim":
		worker.ShimMain()
		return
	case "testworker":
		testworker.Main()
		return
	}
	// As `poolctl run` does: the orphans of a killed shim come back to the test process.
	if err := worker.BecomeSubreaper(); err != nil {
		fmt.Fprintln(os.Stderr, "supervisor tests:", err)
	}
	os.Exit(m.Run())
}

// raceQuick keeps a race-enabled process from sleeping a second as it exits: the
// shims and test workers are this test binary, and they exit often.
const raceQuick = "GORACE=atexit_sleep_ms=0"

// timeScale makes the configured durations of the tests short: a minute is 0.6 s.
const timeScale = 0.01

// harness is a running supervisor and front end for one test.
type harness struct {
	t      *testing.T
	dir    string
	sup    *Supervisor
	fe     *frontend.Server
	sp     *spec.Spec
	events *eventLog
}

// config returns a configuration with one site on a free port of 127.0.0.1 whose
// applications map paths to pools, all served by the test worker with env.
func config(pools string, apps map[string]string, env map[string]string) string {
	var b strings.Builder
	b.WriteString("<configuration><system.applicationHost><applicationPools>\n" + pools + "</applicationPools>\n<sites><site name=\"S\" id=\"1\">\n")
	for path, pool := range apps {
		fmt.Fprintf(&b, "<application path=%q applicationPool=%q><virtualDirectory path=\"/\" physicalPath=\"{{DIR}}\" /></application>\n", path, pool)
	}
	b.WriteString("<bindings><binding protocol=\"http\" bindingInformation=\"127.0.0.1:0:\" /></bindings></site></sites>\n")
	b.WriteString("</system.applicationHost>\n<location path=\"\"><system.webServer><aspNetCore processPath=\"{{EXE}}\"><environmentVariables>\n")
	fmt.Fprintf(&b, "<environmentVariable name=%q value=\"testworker\" />\n", roleEnv)
	fmt.Fprintf(&b, "<environmentVariable name=\"GORACE\" value=%q />\n", strings.TrimPrefix(raceQuick, "GORACE="))
	for k, v := range env {
		fmt.Fprintf(&b, "<environmentVariable name=%q value=%q />\n", k, v)
	}
	b.WriteString("</environmentVariables></aspNetCore></system.webServer></location></configuration>\n")
	return b.String()
}

// start runs the configuration src.
func start(t *testing.T, src string) *harness {
	t.Helper()
	return startWith(t, src, nil)
}

// startWith runs the configuration src with options that tweak changes.
func startWith(t *testing.T, src string, tweak func(*Options)) *harness {
	t.Helper()
	return startSpec(t, src, tweak, nil)
}

// startSpec runs the configuration src with options that tweak changes and a spec
// that tweakSpec changes (settings no configuration of the test sets).
func startSpec(t *testing.T, src string, tweak func(*Options), tweakSpec func(*spec.Spec)) *harness {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src = strings.NewReplacer("{{DIR}}", dir, "{{EXE}}", exe).Replace(src)
	path := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parse.Load(path, parse.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sp, _, err := spec.Build(cfg, spec.Options{TimeScale: timeScale})
	if err != nil {
		t.Fatal(err)
	}
	if tweakSpec != nil {
		tweakSpec(sp)
	}
	h := &harness{t: t, dir: dir, sp: sp, events: &eventLog{}}
	opt := Options{Shim: []string{exe}, ShimEnv: []string{roleEnv + "=shim", raceQuick}, Output: io.Discard,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	if tweak != nil {
		tweak(&opt)
	}
	h.sup = New(sp, opt)
	ch, cancel := h.sup.Subscribe()
	go h.events.collect(ch)
	h.fe = frontend.New(sp.Sites, h.sup, slog.New(slog.DiscardHandler))
	if err := h.fe.Start(); err != nil {
		t.Fatal(err)
	}
	h.sup.Start()
	t.Cleanup(func() {
		ctx, c := context.WithTimeout(context.Background(), 30*time.Second)
		defer c()
		h.fe.Shutdown(ctx)
		if err := h.sup.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		cancel()
	})
	return h
}

// url returns the URL of path on the site.
func (h *harness) url(path string) string {
	return "http://" + h.fe.Addrs()[0].String() + path
}

// get requests path and returns the status and body; a transport error is status 0
// with the error's text.
func (h *harness) get(path string) (int, string) {
	resp, err := http.Get(h.url(path))
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitEvent waits until an event with the ID (and pool, when not "") has happened: it
// wakes on each event the supervisor sends.
func (h *harness) waitEvent(id int, pool string, within time.Duration) event.Event {
	h.t.Helper()
	timeout := time.After(within)
	for {
		e, ok, next := h.events.findOrWait(id, pool)
		if ok {
			return e
		}
		select {
		case <-next:
		case <-timeout:
			h.t.Fatalf("no event %d for pool %q within %s; events:\n%s", id, pool, within, h.events)
			return event.Event{}
		}
	}
}

// waitCount waits until n events with the ID (and pool, when not "") have happened.
func (h *harness) waitCount(id int, pool string, n int, within time.Duration) {
	h.t.Helper()
	timeout := time.After(within)
	for {
		next := h.events.next()
		if h.events.count(id, pool) >= n {
			return
		}
		select {
		case <-next:
		case <-timeout:
			h.t.Fatalf("fewer than %d events %d for pool %q within %s; events:\n%s", n, id, pool, within, h.events)
		}
	}
}

// poolState returns the state of the named pool.
func (h *harness) poolState(name string) string {
	for _, p := range h.sup.Pools() {
		if p.Name == name {
			return p.State
		}
	}
	return ""
}

// eventLog collects events.
type eventLog struct {
	mu      sync.Mutex
	all     []event.Event
	changed chan struct{} // closed and replaced at each event
}

func (l *eventLog) collect(ch <-chan event.Event) {
	for e := range ch {
		l.mu.Lock()
		l.all = append(l.all, e)
		if l.changed != nil {
			close(l.changed)
			l.changed = nil
		}
		l.mu.Unlock()
	}
}

// next returns a channel closed at the next event.
func (l *eventLog) next() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nextLocked()
}

func (l *eventLog) nextLocked() <-chan struct{} {
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

// findOrWait returns the first event with the ID (and pool), or a channel closed at
// the next event.
func (l *eventLog) findOrWait(id int, pool string) (event.Event, bool, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.all {
		if e.ID == id && (pool == "" || e.Pool == pool) {
			return e, true, nil
		}
	}
	return event.Event{}, false, l.nextLocked()
}

func (l *eventLog) count(id int, pool string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.all {
		if e.ID == id && (pool == "" || e.Pool == pool) {
			n++
		}
	}
	return n
}

func (l *eventLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.all {
		fmt.Fprintf(&b, "  %d %s pool=%s pid=%d %s\n", e.ID, e.Msg, e.Pool, e.PID, e.Reason)
	}
	return b.String()
}
