//go:build unix

package metrics

import (
	"cmp"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/frontend"
)

// state is a Source with fixed pools and workers.
type state struct {
	pools   []admin.PoolStatus
	workers []admin.WorkerStatus
}

func (s state) Pools() []admin.PoolStatus     { return s.pools }
func (s state) Workers() []admin.WorkerStatus { return s.workers }

// scrape returns what /metrics answers.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestMetricsAfterKnownTraffic counts known requests and checks the counters, the
// histogram's buckets and the state read from the source.
func TestMetricsAfterKnownTraffic(t *testing.T) {
	src := state{
		pools: []admin.PoolStatus{{Name: "Shop", State: "Started", Queued: 3, Requests: 5, WorkerStarts: 2, WorkerStartFailures: 1,
			Recycles: map[string]int64{"time": 1, "failingResponses": 2}, RapidFailTrips: 1}},
		workers: []admin.WorkerStatus{
			{Pool: "Shop", PID: 41, State: "Ready", InFlight: 2, CPUSeconds: 1.5, Memory: admin.Memory{Virtual: 300, Private: 100, Resident: 200}},
			{Pool: "Shop", PID: 42, State: "Suspended"},
			{Pool: "Shop", State: "Starting"},
		},
	}
	m := New(src)
	for _, s := range []frontend.Served{
		{Site: "S", Pool: "Shop", Status: 200, Duration: 2 * time.Millisecond},
		{Site: "S", Pool: "Shop", Status: 200, Duration: 20 * time.Millisecond},
		{Site: "S", Pool: "Shop", Status: 500, Duration: 3 * time.Second},
		{Site: "S", Status: 404, Duration: time.Millisecond / 2},
		{Status: 400},
	} {
		m.Served(s)
	}
	out := scrape(t, m)
	for _, want := range []string{
		`poolctl_requests_total{code="200",pool="Shop",site="S"} 2`,
		`poolctl_requests_total{code="500",pool="Shop",site="S"} 1`,
		`poolctl_requests_total{code="404",pool="",site="S"} 1`,
		`poolctl_requests_total{code="400",pool="",site=""} 1`,
		`poolctl_request_duration_seconds_bucket{pool="Shop",le="0.001"} 0`,
		`poolctl_request_duration_seconds_bucket{pool="Shop",le="0.0025"} 1`,
		`poolctl_request_duration_seconds_bucket{pool="Shop",le="0.025"} 2`,
		`poolctl_request_duration_seconds_bucket{pool="Shop",le="2.5"} 2`,
		`poolctl_request_duration_seconds_bucket{pool="Shop",le="5"} 3`,
		`poolctl_request_duration_seconds_count{pool="Shop"} 3`,
		`poolctl_workers{pool="Shop",state="Ready"} 1`,
		`poolctl_workers{pool="Shop",state="Suspended"} 1`,
		`poolctl_workers{pool="Shop",state="Starting"} 1`,
		`poolctl_workers{pool="Shop",state="Orphaned"} 0`,
		`poolctl_pool_state{pool="Shop",state="Started"} 1`,
		`poolctl_pool_state{pool="Shop",state="Stopped"} 0`,
		`poolctl_queue_length{pool="Shop"} 3`,
		`poolctl_worker_starts_total{pool="Shop",result="ok"} 2`,
		`poolctl_worker_starts_total{pool="Shop",result="failed"} 1`,
		`poolctl_recycles_total{pool="Shop",reason="time"} 1`,
		`poolctl_recycles_total{pool="Shop",reason="failingResponses"} 2`,
		`poolctl_rapid_fail_trips_total{pool="Shop"} 1`,
		`poolctl_worker_memory_bytes{kind="private",pid="41",pool="Shop"} 100`,
		`poolctl_worker_memory_bytes{kind="resident",pid="41",pool="Shop"} 200`,
		`poolctl_worker_memory_bytes{kind="virtual",pid="41",pool="Shop"} 300`,
		`poolctl_worker_cpu_seconds_total{pid="41",pool="Shop"} 1.5`,
		`poolctl_worker_requests_in_flight{pid="41",pool="Shop"} 2`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(out, want+"\n") && !strings.Contains(out, want) {
			t.Errorf("/metrics has no line %q", want)
		}
	}
	if strings.Contains(out, `pid="0"`) {
		t.Errorf("/metrics measures a worker that has no process yet:\n%s", out)
	}
}

// TestServedFromManyGoroutines counts requests of several series at once, each series
// first seen by several goroutines together, and checks every count and label.
func TestServedFromManyGoroutines(t *testing.T) {
	m := New(state{})
	kinds := []frontend.Served{
		{Site: "Shop", Pool: "ShopPool", Status: 200},
		{Site: "Shop", Pool: "ShopPool", Status: 404},
		{Site: "Blog", Pool: "BlogPool", Status: 200},
		{Site: "Blog", Pool: "", Status: 503}, // the front end's own answer
		{Site: "", Pool: "", Status: 400},     // no site
		{Site: "Shop", Pool: "ShopPool", Status: 999},
	}
	const goroutines, each = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each * len(kinds) {
				m.Served(kinds[(i+g)%len(kinds)])
			}
		})
	}
	wg.Wait()
	var want []Total
	for _, k := range kinds {
		want = append(want, Total{Site: k.Site, Pool: k.Pool, Code: k.Status, Count: goroutines * each})
	}
	order := func(a, b Total) int {
		return cmp.Or(strings.Compare(a.Site, b.Site), strings.Compare(a.Pool, b.Pool), a.Code-b.Code)
	}
	got := m.Totals()
	slices.SortFunc(got, order)
	slices.SortFunc(want, order)
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("Totals (-want +got):\n%s", diff)
	}
}

// BenchmarkServed measures what counting costs a request.
func BenchmarkServed(b *testing.B) {
	m := New(state{})
	s := frontend.Served{Site: "Default Web Site", Pool: "DefaultAppPool", Status: 200, Duration: time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		m.Served(s)
	}
}

// BenchmarkServedParallel measures counting from every CPU at once, as the front
// end's connections count.
func BenchmarkServedParallel(b *testing.B) {
	m := New(state{})
	s := frontend.Served{Site: "Default Web Site", Pool: "DefaultAppPool", Status: 200, Duration: time.Millisecond}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Served(s)
		}
	})
}
