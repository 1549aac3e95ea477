//go:build unix

package metrics

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/frontend"
)

// Source gives the pools' and workers' state at each scrape; the supervisor is one.
type Source interface {
	Pools() []admin.PoolStatus
	Workers() []admin.WorkerStatus
}

// durationBuckets are the bounds of poolctl_request_duration_seconds, from a quick
// answer to IIS's 2-minute request timeout.
var durationBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}

// Metrics is the registry of poolctl run's metrics; it is the front end's Observer.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	// The series a request counts in, found by site, pool and status in a map of
	// their own: WithLabelValues checks and hashes the label values of each call, the
	// largest part of counting. The map is replaced, never changed, when a series is
	// added (a reader writes nothing the other CPUs read); mu orders the additions. No
	// series is ever deleted, so none goes stale here.
	mu     sync.Mutex
	series atomic.Pointer[map[seriesKey]*series]
}

// seriesKey names the series of a request: its site, pool and status code.
type seriesKey struct {
	site, pool string
	code       int
}

// series are a request's counter in poolctl_requests_total and histogram in
// poolctl_request_duration_seconds.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// New returns the metrics of a runtime whose state src gives.
func New(src Source) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "poolctl_requests_total",
			Help: "Requests answered, by site, pool and status code (the front end's own answers have an empty pool).",
		}, []string{"site", "pool", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "poolctl_request_duration_seconds",
			Help:    "Time from a request's head to the end of its answer, by pool.",
			Buckets: durationBuckets,
		}, []string{"pool"}),
	}
	m.series.Store(&map[seriesKey]*series{})
	m.reg.MustRegister(m.requests, m.duration, newStateCollector(src),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Served counts a request the front end answered.
func (m *Metrics) Served(s frontend.Served) {
	se := m.seriesOf(seriesKey{s.Site, s.Pool, s.Status})
	se.requests.Inc()
	se.duration.Observe(s.Duration.Seconds())
}

// seriesOf returns the series of k, made at its first request.
func (m *Metrics) seriesOf(k seriesKey) *series {
	if se := (*m.series.Load())[k]; se != nil {
		return se
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.series.Load()
	if se := old[k]; se != nil {
		return se // added meanwhile
	}
	se := &series{
		requests: m.requests.WithLabelValues(k.site, k.pool, strconv.Itoa(k.code)),
		duration: m.duration.WithLabelValues(k.pool),
	}
	next := maps.Clone(old)
	next[k] = se
	m.series.Store(&next)
	return se
}

// Handler returns the /metrics handler, in Prometheus's text format (or OpenMetrics
// when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{EnableOpenMetrics: true})
}

// Registry returns the registry, for tests and for more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Total is the count of one series of poolctl_requests_total.
type Total struct {
	Site, Pool string
	Code       int
	Count      int64
}

// Totals returns the counts of poolctl_requests_total, one per site, pool and code.
func (m *Metrics) Totals() []Total {
	ch := make(chan prometheus.Metric, 64)
	go func() { m.requests.Collect(ch); close(ch) }()
	var out []Total
	for metric := range ch {
		var d dto.Metric
		if metric.Write(&d) != nil {
			continue
		}
		t := Total{Count: int64(d.GetCounter().GetValue())}
		for _, l := range d.GetLabel() {
			switch l.GetName() {
			case "site":
				t.Site = l.GetValue()
			case "pool":
				t.Pool = l.GetValue()
			case "code":
				t.Code, _ = strconv.Atoi(l.GetValue())
			}
		}
		out = append(out, t)
	}
	return out
}
