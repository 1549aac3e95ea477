//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// fakeRuntime is an admin.Controller with fixed pools and workers that records the
// actions asked of it.
type fakeRuntime struct {
	pools    []admin.PoolStatus
	workers  []admin.WorkerStatus
	requests []admin.RequestStatus
	fail     error // what an action on an existing pool returns
	mu       sync.Mutex
	calls    []string
}

func (f *fakeRuntime) Pools() []admin.PoolStatus       { return f.pools }
func (f *fakeRuntime) Workers() []admin.WorkerStatus   { return f.workers }
func (f *fakeRuntime) Requests() []admin.RequestStatus { return f.requests }
func (f *fakeRuntime) StartPool(name string) error     { return f.act("start", name) }
func (f *fakeRuntime) StopPool(name string) error      { return f.act("stop", name) }
func (f *fakeRuntime) RecyclePool(name string) error   { return f.act("recycle", name) }
func (f *fakeRuntime) Subscribe() (<-chan event.Event, func()) {
	return make(chan event.Event), func() {}
}

// act records an action and fails it as a supervisor would.
func (f *fakeRuntime) act(action, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, action+" "+name)
	if !hasPool(f.pools, name) {
		return fmt.Errorf("%w %q", admin.ErrNoPool, name)
	}
	return f.fail
}

// recorded returns the actions asked so far.
func (f *fakeRuntime) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// newFakeRuntime returns a fakeRuntime with two pools and two workers, the first of
// which started at started.
func newFakeRuntime(started time.Time) *fakeRuntime {
	return &fakeRuntime{
		pools: []admin.PoolStatus{
			{Name: "DefaultAppPool", State: "Started", Identity: `IIS AppPool\DefaultAppPool (uid 61234)`, Workers: 2, MaxWorkers: 2, Queued: 3, QueueLength: 1000, Requests: 1234},
			{Name: "Shop", State: "Stopped", Reason: "rapid-fail protection", Identity: `IIS AppPool\Shop (uid 61235)`, MaxWorkers: 1, QueueLength: 10, Failures: 5,
				Notes: []string{"cpu.limit not enforced: cgroups unavailable"}},
			{Name: "Batch", State: "Started", Identity: "nobody (uid 65534)", MaxWorkers: 1, QueueLength: 1000},
		},
		workers: []admin.WorkerStatus{
			{Pool: "DefaultAppPool", PID: 4242, State: "Ready", Started: started, Requests: 1000, InFlight: 2, UID: 61234,
				Apps: []admin.AppProc{{Path: "/", PID: 4243, Addr: "127.0.0.1:40001"}, {Path: "/api", PID: 4244, Addr: "127.0.0.1:40002"}}},
			{Pool: "DefaultAppPool", PID: 5252, State: "Starting", Started: started, UID: 61234},
		},
	}
}

// serveFake serves f on a socket in a temporary directory and returns the socket's
// path.
func serveFake(t *testing.T, f admin.Controller) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "admin.sock")
	s, err := admin.Listen(path, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return path
}

// runAdmin runs poolctl with args and returns its exit code, standard output and
// standard error.
func runAdmin(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCmd(streams{in: strings.NewReader(""), out: &out, err: &errOut}, func(string) string { return "" })
	root.SetArgs(args)
	code := exitOK
	if cmd, err := root.ExecuteC(); err != nil {
		code = report(&errOut, cmd, err)
	}
	return code, out.String(), errOut.String()
}

// requireRun runs poolctl and fails t unless it exits with code and prints nothing on
// standard error when it succeeds.
func requireRun(t *testing.T, code int, args ...string) (string, string) {
	t.Helper()
	got, out, errOut := runAdmin(t, args...)
	if got != code {
		t.Fatalf("poolctl %s: exit code %d, want %d; stderr:\n%s", strings.Join(args, " "), got, code, errOut)
	}
	if code == exitOK && errOut != "" {
		t.Errorf("poolctl %s: stderr %q", strings.Join(args, " "), errOut)
	}
	return out, errOut
}

func TestPoolsText(t *testing.T) {
	sock := serveFake(t, newFakeRuntime(time.Now()))
	out, _ := requireRun(t, exitOK, "pools", "--admin", sock)
	want := `NAME            STATE    WORKERS  QUEUE   REQUESTS  IDENTITY
DefaultAppPool  Started  2/2      3/1000  1234      IIS AppPool\DefaultAppPool (uid 61234)
Shop            Stopped  0/1      0/10    0         IIS AppPool\Shop (uid 61235)
  stopped: rapid-fail protection
  recent failures: 5 (in the rapid-fail window)
  note: cpu.limit not enforced: cgroups unavailable
Batch           Started  0/1      0/1000  0         nobody (uid 65534)
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
}

func TestPoolsJSON(t *testing.T) {
	fake := newFakeRuntime(time.Now())
	sock := serveFake(t, fake)
	out, _ := requireRun(t, exitOK, "pools", "--admin", sock, "--format", "json")
	var doc struct{ Pools []admin.PoolStatus }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if diff := cmp.Diff(fake.pools, doc.Pools); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
	if !strings.Contains(out, `"recentFailures": 5`) || !strings.Contains(out, `"maxWorkers": 2`) {
		t.Errorf("not the admin API's field names:\n%s", out)
	}
}

// TestNoPoolsOrWorkers checks an empty runtime: a note on stderr in text, [] in JSON.
func TestNoPoolsOrWorkers(t *testing.T) {
	sock := serveFake(t, &fakeRuntime{})
	for _, cmd := range []string{"pools", "workers"} {
		got, out, errOut := runAdmin(t, cmd, "--admin", sock)
		if want := "no " + cmd + " in the poolctl run at " + sock + "\n"; got != exitOK || out != "" || errOut != want {
			t.Errorf("%s = %d %q %q, want 0, nothing on stdout and %q", cmd, got, out, errOut, want)
		}
		out, _ = requireRun(t, exitOK, cmd, "--admin", sock, "--format", "json")
		if want := "{\n  \"" + cmd + "\": []\n}\n"; out != want {
			t.Errorf("%s --format json = %q, want %q", cmd, out, want)
		}
	}
}

func TestWorkersText(t *testing.T) {
	sock := serveFake(t, newFakeRuntime(time.Now().Add(-(2*time.Hour + 3*time.Minute + 20*time.Second))))
	out, _ := requireRun(t, exitOK, "workers", "--admin", sock)
	want := regexp.MustCompile(`^POOL            PID   STATE     UPTIME  REQUESTS  INFLIGHT  UID    APPS
DefaultAppPool  4242  Ready     2h03m   1000      2         61234  / \(pid 4243, 127\.0\.0\.1:40001\), /api \(pid 4244, 127\.0\.0\.1:40002\)
DefaultAppPool  5252  Starting  2h03m   0         0         61234  -
$`)
	if !want.MatchString(out) {
		t.Errorf("workers printed\n%s\nwant it to match\n%s", out, want)
	}
}

func TestWorkersJSON(t *testing.T) {
	started := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fake := newFakeRuntime(started)
	sock := serveFake(t, fake)
	out, _ := requireRun(t, exitOK, "workers", "--admin", sock, "--format", "json")
	var doc struct{ Workers []admin.WorkerStatus }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	want := fake.workers
	want[1].Apps = []admin.AppProc{}
	if diff := cmp.Diff(want, doc.Workers); diff != "" {
		t.Errorf("workers (-want +got):\n%s", diff)
	}
	for _, s := range []string{`"started": "2026-03-01T12:00:00Z"`, `"apps": []`, `"inFlight": 2`} {
		if !strings.Contains(out, s) {
			t.Errorf("no %s in\n%s", s, out)
		}
	}
}

// TestWorkersOfPools checks that named pools select workers, case-insensitively, and
// that a name no pool has is an error listing the pools.
func TestWorkersOfPools(t *testing.T) {
	sock := serveFake(t, newFakeRuntime(time.Now()))
	out, _ := requireRun(t, exitOK, "workers", "--admin", sock, "defaultapppool")
	if n := strings.Count(out, "\nDefaultAppPool "); n != 2 {
		t.Errorf("workers defaultapppool printed %d workers, want 2:\n%s", n, out)
	}
	got, out, errOut := runAdmin(t, "workers", "--admin", sock, "Shop")
	if got != exitOK || out != "" || !strings.HasPrefix(errOut, "no workers") {
		t.Errorf("workers Shop = %d %q %q, want no workers", got, out, errOut)
	}
	_, errOut = requireRun(t, exitFailure, "workers", "--admin", sock, "Shop", "Nope")
	if want := `poolctl: no such pool "Nope" in the poolctl run (pools: DefaultAppPool, Shop, Batch)` + "\n"; errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

func TestPoolActions(t *testing.T) {
	fake := newFakeRuntime(time.Now())
	sock := serveFake(t, fake)
	for _, tc := range []struct{ action, name, out string }{
		{"start", "Shop", `pool "Shop" started`},
		{"stop", "DefaultAppPool", `pool "DefaultAppPool" stopped`},
		{"recycle", "Batch", `pool "Batch" recycled`},
	} {
		out, _ := requireRun(t, exitOK, "pool", tc.action, tc.name, "--admin", sock)
		if out != tc.out+"\n" {
			t.Errorf("pool %s %s printed %q, want %q", tc.action, tc.name, out, tc.out)
		}
	}
	want := []string{"start Shop", "stop DefaultAppPool", "recycle Batch"}
	if diff := cmp.Diff(want, fake.recorded()); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
}

func TestPoolActionErrors(t *testing.T) {
	fake := newFakeRuntime(time.Now())
	fake.fail = errors.New(`user "shop" does not exist`)
	sock := serveFake(t, fake)
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"pool", "start", "Nope"}, `poolctl: start pool "Nope": no such pool "Nope" (pools: DefaultAppPool, Shop, Batch)`},
		{[]string{"pool", "recycle", "Nope"}, `poolctl: recycle pool "Nope": no such pool "Nope" (pools: DefaultAppPool, Shop, Batch)`},
		{[]string{"pool", "stop", "Shop"}, `poolctl: stop pool "Shop": user "shop" does not exist`},
	} {
		out, errOut := requireRun(t, exitFailure, append(tc.args, "--admin", sock)...)
		if out != "" || errOut != tc.stderr+"\n" {
			t.Errorf("poolctl %s: stdout %q, stderr %q, want stderr %q", strings.Join(tc.args, " "), out, errOut, tc.stderr)
		}
	}
}

// TestNoRuntime checks that every command says how to start a runtime when none
// listens at the socket, and exits 2.
func TestNoRuntime(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "admin.sock")
	want := "poolctl: no poolctl run at " + sock + " (start one with poolctl run, or give --admin PATH)\n"
	for _, args := range [][]string{
		{"pools"}, {"pools", "--format", "json"}, {"workers"}, {"workers", "Shop"},
		{"pool", "start", "Shop"}, {"pool", "stop", "Shop"}, {"pool", "recycle", "Shop"},
	} {
		out, errOut := requireRun(t, exitFailure, append(args, "--admin", sock)...)
		if out != "" || errOut != want {
			t.Errorf("poolctl %s: stdout %q, stderr %q, want %q", strings.Join(args, " "), out, errOut, want)
		}
	}
}

func TestAdminUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"pool", "start"}, "accepts 1 arg(s), received 0"},
		{[]string{"pool", "stop", "A", "B"}, "accepts 1 arg(s), received 2"},
		{[]string{"pool", "explode"}, `unknown command "explode" for "poolctl pool"`},
		{[]string{"pools", "Shop"}, `unknown command "Shop" for "poolctl pools"`},
		{[]string{"pools", "--format", "yaml"}, "want text or json"},
		{[]string{"workers", "--admin"}, "flag needs an argument: --admin"},
	} {
		_, errOut := requireRun(t, exitFailure, tc.args...)
		if !strings.Contains(errOut, tc.stderr) || !strings.Contains(errOut, "--help' for usage") {
			t.Errorf("poolctl %s: stderr %q, want %q and a hint at help", strings.Join(tc.args, " "), errOut, tc.stderr)
		}
	}
}

// TestCompleteRuntimePools checks that pool names complete from the runtime.
func TestCompleteRuntimePools(t *testing.T) {
	sock := serveFake(t, newFakeRuntime(time.Now()))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"pool", "start", "--admin", sock, ""}, "DefaultAppPool\nShop\nBatch\n"},
		{[]string{"pool", "start", "--admin", sock, "Shop", ""}, ""},
		{[]string{"workers", "--admin", sock, "shop", ""}, "DefaultAppPool\nBatch\n"},
		{[]string{"workers", "--admin", filepath.Join(t.TempDir(), "none.sock"), ""}, ""},
	} {
		code, out, _ := runAdmin(t, append([]string{"__complete"}, tc.args...)...)
		if got, _, _ := strings.Cut(out, ":"); code != exitOK || got != tc.want {
			t.Errorf("__complete %s = %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
	}
}

func TestAdminSocketDefault(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}
	g := &globalOptions{getenv: func(k string) string { return env[k] }}
	if got := (&adminOptions{path: "/x/a.sock"}).socket(g); got != "/x/a.sock" {
		t.Errorf("with --admin: %s", got)
	}
	if got, want := (&adminOptions{}).socket(g), admin.DefaultSocketPath(g.getenv); got != want {
		t.Errorf("without --admin: %s, want %s", got, want)
	}
}

func TestUptime(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "0s"}, {-time.Minute, "0s"}, {45*time.Second + 900*time.Millisecond, "45s"},
		{12*time.Minute + 5*time.Second, "12m05s"}, {2*time.Hour + 3*time.Minute + 59*time.Second, "2h03m"},
		{3*24*time.Hour + 4*time.Hour + 30*time.Minute, "3d04h"},
	} {
		if got := uptime(now.Add(-tc.ago), now); got != tc.want {
			t.Errorf("uptime(%v) = %s, want %s", tc.ago, got, tc.want)
		}
	}
	if got := uptime(time.Time{}, now); got != "-" {
		t.Errorf("uptime of an unknown start = %s, want -", got)
	}
}
