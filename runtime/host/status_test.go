//go:build linux

package host

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/status"
)

// withStatus gives the runtime a status address on a free port.
func withStatus(o *Options) { o.StatusAddr = "127.0.0.1:0" }

// fetch returns the status and body of GET url.
func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStatusAddress runs a configuration with a status address: the probes, the
// metrics after known traffic, and the snapshot with a request in flight.
func TestStatusAddress(t *testing.T) {
	s := startRuntime(t, func(exe, dir string) string { return config(exe, dir, "/") }, withStatus)
	rt := s.rt
	s.await(t, event.WorkerStarted)
	base := "http://" + rt.StatusAddr().String()
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/": 200, "/status.js": 200} {
		if code, body := fetch(t, base+path); code != want {
			t.Errorf("GET %s = %d %s, want %d", path, code, body, want)
		}
	}
	for range 3 {
		s.get(t, "/hello")
	}
	s.get(t, "/sleep?ms=x") // the worker's own 400
	_, metrics := fetch(t, base+"/metrics")
	for _, want := range []string{
		`poolctl_requests_total{code="200",pool="A",site="S"} 3`,
		`poolctl_requests_total{code="400",pool="A",site="S"} 1`,
		`poolctl_request_duration_seconds_count{pool="A"} 4`,
		`poolctl_workers{pool="A",state="Ready"} 1`,
		`poolctl_pool_state{pool="A",state="Started"} 1`,
		`poolctl_worker_starts_total{pool="A",result="ok"} 1`,
		`poolctl_worker_memory_bytes{kind="private",pid="`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	slow := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+rt.Addrs()[0].String()+"/sleep?ms=60000", nil)
		_, err := http.DefaultClient.Do(req)
		slow <- err
	}()
	defer func() { stop(); <-slow }() // the client goes away: the request ends
	var snap status.Snapshot
	found := testwait.Until(30*time.Second, 20*time.Millisecond, func() bool {
		_, body := fetch(t, base+"/status.json")
		snap = status.Snapshot{}
		if err := json.Unmarshal([]byte(body), &snap); err != nil {
			t.Logf("%v: %s", err, body)
		}
		return len(snap.Requests) == 1
	})
	if !found {
		t.Fatalf("status.json never showed the slow request: %+v", snap)
	}
	r := snap.Requests[0]
	if r.Pool != "A" || r.Site != "S" || r.PID == 0 || r.Method != "GET" || !strings.HasSuffix(r.URL, "/sleep?ms=60000") {
		t.Errorf("request in flight = %+v, want GET /sleep?ms=60000 of pool A at a worker", r)
	}
	if len(snap.Pools) != 1 || snap.Pools[0].Answered != 4 || !snap.Ready || len(snap.Workers) != 1 || snap.Workers[0].Memory.Private == 0 {
		t.Errorf("snapshot = %+v, want pool A with 4 answers, ready, one worker with its memory", snap)
	}
	if len(snap.Events) == 0 || snap.Events[0].ID == 0 {
		t.Errorf("snapshot events = %+v, want the last events", snap.Events)
	}
}
