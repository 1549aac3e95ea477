//go:build unix

package status

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// source is a Source with fixed answers.
type source struct {
	checkErr error
	ready    bool
	why      string
	events   chan event.Event
	requests []admin.RequestStatus
}

func (s *source) Pools() []admin.PoolStatus {
	return []admin.PoolStatus{{Name: "Shop", State: "Started"}}
}
func (s *source) Workers() []admin.WorkerStatus {
	return []admin.WorkerStatus{{Pool: "Shop", PID: 7, State: "Ready", Started: time.Unix(1000, 0)}}
}
func (s *source) Requests() []admin.RequestStatus         { return s.requests }
func (s *source) Subscribe() (<-chan event.Event, func()) { return s.events, func() {} }
func (s *source) Check(context.Context) error             { return s.checkErr }
func (s *source) Ready() (bool, string)                   { return s.ready, s.why }

// serve runs a status server of src, at the fixed time now, until the test ends.
func serve(t *testing.T, src *source, now time.Time) *Server {
	t.Helper()
	srv, err := Listen(Options{Addr: "127.0.0.1:0", Source: src, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	return srv
}

// get returns the status, header and body of GET path.
func get(t *testing.T, srv *Server, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get("http://" + srv.Addr().String() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestProbes(t *testing.T) {
	for _, tt := range []struct {
		name         string
		src          *source
		health, read int
		body         string
	}{
		{"healthy and ready", &source{ready: true}, 200, 200, "ready\n"},
		{"not ready", &source{why: `always-running pool "Shop" has no ready worker yet`}, 200, 503, "no ready worker yet"},
		{"wedged", &source{checkErr: errors.New("the supervisor did not answer"), ready: true}, 503, 200, "ready"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.events = make(chan event.Event)
			srv := serve(t, tt.src, time.Now())
			if code, _, body := get(t, srv, "/healthz"); code != tt.health {
				t.Errorf("/healthz = %d %q, want %d", code, body, tt.health)
			}
			code, _, body := get(t, srv, "/readyz")
			if code != tt.read || !strings.Contains(body, tt.body) {
				t.Errorf("/readyz = %d %q, want %d with %q", code, body, tt.read, tt.body)
			}
		})
	}
}

// TestSnapshot checks status.json: the requests in flight longest first, with their
// elapsed time (0 for one that began after the snapshot's time), the workers' uptime
// and the events, newest first.
func TestSnapshot(t *testing.T) {
	now := time.Unix(2000, 0)
	src := &source{ready: true, events: make(chan event.Event), requests: []admin.RequestStatus{
		{ID: "1", Pool: "Shop", Start: now.Add(-time.Second)},
		{ID: "2", Pool: "Shop", Start: now.Add(-time.Minute)},
		{ID: "3", Pool: "Shop", Start: now.Add(time.Millisecond)},
	}}
	srv := serve(t, src, now)
	src.events <- event.Event{ID: 9001, Msg: "pool started"}
	src.events <- event.Event{ID: 9003, Msg: "worker ready"}
	src.events <- event.Event{ID: 9015, Msg: "sync"} // received only after the two above are kept
	_, hdr, body := get(t, srv, "/status.json")
	var snap Snapshot
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", hdr.Get("Cache-Control"))
	}
	var elapsed []int64
	for _, r := range snap.Requests {
		elapsed = append(elapsed, r.ElapsedMS)
	}
	if diff := cmp.Diff([]int64{60000, 1000, 0}, elapsed); diff != "" {
		t.Errorf("elapsed (-want +got):\n%s", diff)
	}
	if len(snap.Workers) != 1 || snap.Workers[0].UptimeSeconds != 1000 {
		t.Errorf("workers = %+v, want one up 1000 s", snap.Workers)
	}
	if len(snap.Events) < 2 || snap.Events[len(snap.Events)-1].ID != 9001 {
		t.Errorf("events = %+v, want the newest first, 9001 last", snap.Events)
	}
}

// TestPageHeaders checks that the page and its script are served with the headers
// that keep other origins out.
func TestPageHeaders(t *testing.T) {
	srv := serve(t, &source{events: make(chan event.Event)}, time.Now())
	for _, path := range []string{"/", "/status.js", "/status.css"} {
		code, hdr, body := get(t, srv, path)
		if code != 200 || hdr.Get("Content-Security-Policy") != "default-src 'self'; frame-ancestors 'none'" ||
			hdr.Get("X-Content-Type-Options") != "nosniff" || body == "" {
			t.Errorf("GET %s = %d, CSP %q, nosniff %q", path, code, hdr.Get("Content-Security-Policy"), hdr.Get("X-Content-Type-Options"))
		}
	}
}

func TestRing(t *testing.T) {
	r := newRing(3)
	if got := r.list(); got == nil || len(got) != 0 {
		t.Errorf("empty ring = %v, want an empty list", got)
	}
	for id := 1; id <= 5; id++ {
		r.add(event.Event{ID: id})
	}
	var ids []int
	for _, e := range r.list() {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]int{5, 4, 3}, ids); diff != "" {
		t.Errorf("ring after 5 events (-want +got):\n%s", diff)
	}
}
