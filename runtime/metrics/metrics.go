//go:build unix

package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

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
var durationBuckets = [...]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}

// Metrics is the registry of poolctl run's metrics; it is the front end's Observer.
type Metrics struct {
	reg *prometheus.Registry
	req *requests
}

// New returns the metrics of a runtime whose state src gives.
func New(src Source) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), req: newRequests()}
	m.reg.MustRegister(m.req, newStateCollector(src),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Served counts a request the front end answered.
func (m *Metrics) Served(s frontend.Served) {
	m.req.add(seriesKey{s.Site, s.Pool, s.Status}, s.Duration)
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
func (m *Metrics) Totals() []Total { return m.req.totals() }
