//go:build unix

package admin

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
)

// fakeController is a Controller with fixed pools and workers that records the
// actions asked of it and hands out one event channel.
type fakeController struct {
	pools    []PoolStatus
	workers  []WorkerStatus
	requests []RequestStatus
	fail     error            // what an action on an existing pool returns
	events   chan event.Event // what Subscribe returns
	ended    chan struct{}    // closed when the subscription's cancel is called
	once     sync.Once        // closes ended
	mu       sync.Mutex       // guards calls
	calls    []string         // "start Shop", in order
}

// newFake returns a fakeController with two pools and one worker.
func newFake() *fakeController {
	return &fakeController{
		pools: []PoolStatus{
			{Name: "DefaultAppPool", State: "Started", Identity: `IIS AppPool\DefaultAppPool (uid 61234)`, Workers: 1, MaxWorkers: 1, QueueLength: 1000, Requests: 42},
			{Name: "Shop Pool/2", State: "Stopped", Reason: "rapid-fail protection", Identity: `IIS AppPool\Shop Pool/2 (uid 61235)`, MaxWorkers: 2, QueueLength: 10, Failures: 5, Notes: []string{"cpu.limit not enforced: cgroups unavailable"}},
		},
		workers: []WorkerStatus{{
			Pool: "DefaultAppPool", PID: 4242, State: "Ready", Started: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
			Requests: 42, InFlight: 1, UID: 61234,
			Apps: []AppProc{{Path: "/", PID: 4243, Addr: "127.0.0.1:40001"}},
		}},
		requests: []RequestStatus{{Pool: "DefaultAppPool", Site: "Default Web Site", App: "/", PID: 4242, Method: "POST",
			URL: "shop.example.com/cart?id=7", Client: "192.0.2.7", Start: time.Date(2026, 3, 1, 12, 0, 1, 0, time.UTC)}},
		events: make(chan event.Event),
		ended:  make(chan struct{}),
	}
}

func (f *fakeController) Pools() []PoolStatus     { return f.pools }
func (f *fakeController) Workers() []WorkerStatus { return f.workers }

func (f *fakeController) Requests() []RequestStatus { return f.requests }
func (f *fakeController) StartPool(name string) error {
	return f.act("start", name)
}
func (f *fakeController) StopPool(name string) error    { return f.act("stop", name) }
func (f *fakeController) RecyclePool(name string) error { return f.act("recycle", name) }

// act records an action, and fails it as a supervisor would.
func (f *fakeController) act(action, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, action+" "+name)
	for _, p := range f.pools {
		if strings.EqualFold(p.Name, name) {
			return f.fail
		}
	}
	return fmt.Errorf("%w %q", ErrNoPool, name)
}

// recorded returns the actions asked so far.
func (f *fakeController) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeController) Subscribe() (<-chan event.Event, func()) {
	return f.events, func() { f.once.Do(func() { close(f.ended) }) }
}

// waitEnded fails t unless the subscription is ended within a few seconds.
func (f *fakeController) waitEnded(t *testing.T) {
	t.Helper()
	select {
	case <-f.ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription was not ended")
	}
}

// serve starts a Server for c on a socket in a new temporary directory and returns it
// with a Client of it. The server is closed, and Serve's result checked, when the
// test ends.
func serve(t *testing.T, c Controller) (*Server, *Client) {
	t.Helper()
	return serveAt(t, filepath.Join(t.TempDir(), "admin.sock"), c)
}

// serveAt is serve with the socket at path.
func serveAt(t *testing.T, path string, c Controller) (*Server, *Client) {
	t.Helper()
	s, err := Listen(path, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s, NewClient(path)
}

// errorIs fails t unless err wraps target.
func errorIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("error %v does not wrap %v", err, target)
	}
}
