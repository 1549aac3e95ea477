//go:build unix

package metrics

import (
	"maps"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// shards is how many copies of each count requests spread over (a power of two):
// with one, both CPUs' requests add to the same cache lines, which then move between
// the CPUs at each request (BenchmarkServedParallel).
const shards = 16

// requests counts the requests the front end answered, as poolctl_requests_total and
// poolctl_request_duration_seconds. A request adds to one of its series' shards,
// chosen at random; a scrape adds the shards up (Collect). It replaces a Prometheus
// CounterVec and HistogramVec, whose every observation adds to the same words from
// every CPU, and whose WithLabelValues checks and hashes the label values per call.
type requests struct {
	total, duration *prometheus.Desc
	bounds          [len(durationBuckets)]time.Duration // durationBuckets as durations

	// The series, found by site, pool and status. The maps are replaced, never
	// changed, when a series is added, so that a lookup writes nothing the other CPU
	// reads; mu orders the additions. No series is ever deleted.
	mu  sync.Mutex
	all atomic.Pointer[seriesMaps]
}

// seriesMaps are the series of requests: counts by site, pool and status, and
// durations by pool.
type seriesMaps struct {
	counts    map[seriesKey]*counts
	durations map[string]*durations
}

// seriesKey names the series of a request: its site, pool and status code.
type seriesKey struct {
	site, pool string
	code       int
}

// counts is the requests of one site, pool and status, with the durations of its pool.
type counts struct {
	n   [shards]paddedCount
	dur *durations
}

// paddedCount is a count alone in its cache line.
type paddedCount struct {
	n atomic.Uint64
	_ [56]byte
}

// durations is one pool's histogram of request durations.
type durations struct{ s [shards]durationShard }

// durationShard is a share of a histogram: how many durations fell in each bucket
// (the first bound they do not exceed; past the last, none), their count and their
// sum in nanoseconds. It fills whole cache lines of its own.
type durationShard struct {
	buckets [len(durationBuckets)]atomic.Uint64
	count   atomic.Uint64
	sum     atomic.Uint64
	_       [64 - (len(durationBuckets)+2)*8%64]byte
}

// newRequests returns empty counts.
func newRequests() *requests {
	r := &requests{
		total: prometheus.NewDesc("poolctl_requests_total",
			"Requests answered, by site, pool and status code (the front end's own answers have an empty pool).",
			[]string{"site", "pool", "code"}, nil),
		duration: prometheus.NewDesc("poolctl_request_duration_seconds",
			"Time from a request's head to the end of its answer, by pool.", []string{"pool"}, nil),
	}
	for i, b := range durationBuckets {
		r.bounds[i] = time.Duration(b * float64(time.Second))
	}
	r.all.Store(&seriesMaps{counts: map[seriesKey]*counts{}, durations: map[string]*durations{}})
	return r
}

// add counts a request of site and pool answered with code after d.
func (r *requests) add(k seriesKey, d time.Duration) {
	c := r.countsOf(k)
	i := rand.Uint32() & (shards - 1) // math/rand/v2's generator is per thread
	c.n[i].n.Add(1)
	h := &c.dur.s[i]
	// The count before the bucket: a scrape reads the buckets first (Collect), so it
	// never finds more in them than in the count.
	h.count.Add(1)
	h.sum.Add(uint64(max(d, 0)))
	for b, bound := range r.bounds {
		if d <= bound {
			h.buckets[b].Add(1)
			break
		}
	}
}

// countsOf returns the counts of k, made at its first request.
func (r *requests) countsOf(k seriesKey) *counts {
	if c := r.all.Load().counts[k]; c != nil {
		return c
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.all.Load()
	if c := old.counts[k]; c != nil {
		return c // added meanwhile
	}
	next := &seriesMaps{counts: maps.Clone(old.counts), durations: old.durations}
	dur := old.durations[k.pool]
	if dur == nil { // the pool's first request: its histogram too
		dur = &durations{}
		next.durations = maps.Clone(old.durations)
		next.durations[k.pool] = dur
	}
	c := &counts{dur: dur}
	next.counts[k] = c
	r.all.Store(next)
	return c
}

// Describe sends the descriptions of the two metrics.
func (r *requests) Describe(ch chan<- *prometheus.Desc) {
	ch <- r.total
	ch <- r.duration
}

// Collect sends every series, its shards added up.
func (r *requests) Collect(ch chan<- prometheus.Metric) {
	all := r.all.Load()
	for k, c := range all.counts {
		ch <- prometheus.MustNewConstMetric(r.total, prometheus.CounterValue, float64(c.total()), k.site, k.pool, strconv.Itoa(k.code))
	}
	for pool, d := range all.durations {
		count, sum, buckets := d.read()
		ch <- prometheus.MustNewConstHistogram(r.duration, count, sum.Seconds(), buckets, pool)
	}
}

// total returns the count of requests.
func (c *counts) total() uint64 {
	var n uint64
	for i := range c.n {
		n += c.n[i].n.Load()
	}
	return n
}

// read adds the shards up: the count, the sum, and the cumulative count of each
// bucket by its upper bound in seconds. The buckets are read before the count (see
// add).
func (d *durations) read() (count uint64, sum time.Duration, buckets map[float64]uint64) {
	var per [len(durationBuckets)]uint64
	for i := range d.s {
		for b := range per {
			per[b] += d.s[i].buckets[b].Load()
		}
	}
	for i := range d.s {
		count += d.s[i].count.Load()
		sum += time.Duration(d.s[i].sum.Load())
	}
	buckets = make(map[float64]uint64, len(per))
	var cum uint64
	for b := range per {
		cum += per[b]
		buckets[durationBuckets[b]] = cum
	}
	return count, sum, buckets
}

// totals returns the count of every site, pool and status.
func (r *requests) totals() []Total {
	all := r.all.Load()
	out := make([]Total, 0, len(all.counts))
	for k, c := range all.counts {
		out = append(out, Total{Site: k.site, Pool: k.pool, Code: k.code, Count: int64(c.total())})
	}
	return out
}
