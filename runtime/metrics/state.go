//go:build unix

package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/poolctl/poolctl/runtime/admin"
)

// poolStates and workerStates are the states a pool and a worker can be in, so that
// every state has a series (0 or 1 for a pool) and none disappears.
var (
	poolStates   = []string{"Starting", "Started", "Stopping", "Stopped"}
	workerStates = []string{"Starting", "Ready", "Suspended", "Stopping", "Orphaned"}
)

// stateCollector reads the pools' and workers' state from the supervisor at each
// scrape: gauges of what is now, and the counters the supervisor keeps.
type stateCollector struct {
	src                                             Source
	workers, poolState, queue, starts, recycles     *prometheus.Desc
	trips, memory, workerCPU, inFlight, poolRequest *prometheus.Desc
}

// newStateCollector returns a collector of src's state.
func newStateCollector(src Source) *stateCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &stateCollector{
		src:         src,
		workers:     d("poolctl_workers", "Workers, by pool and state.", "pool", "state"),
		poolState:   d("poolctl_pool_state", "1 for the state the pool is in, 0 for the others.", "pool", "state"),
		queue:       d("poolctl_queue_length", "Requests waiting in the pool's queue for a worker.", "pool"),
		starts:      d("poolctl_worker_starts_total", "Worker starts, by pool and result (ok: ready; failed: not ready within startupTimeLimit or did not start).", "pool", "result"),
		recycles:    d("poolctl_recycles_total", "Workers recycled, by pool and reason.", "pool", "reason"),
		trips:       d("poolctl_rapid_fail_trips_total", "Times rapid-fail protection stopped the pool.", "pool"),
		memory:      d("poolctl_worker_memory_bytes", "A worker's memory, by kind: virtual (what recycling's memory limit counts), private (what privateMemory counts), resident.", "pool", "pid", "kind"),
		workerCPU:   d("poolctl_worker_cpu_seconds_total", "CPU time a worker's processes used.", "pool", "pid"),
		inFlight:    d("poolctl_worker_requests_in_flight", "Requests a worker is serving now.", "pool", "pid"),
		poolRequest: d("poolctl_pool_requests_total", "Requests the pool's workers were given.", "pool"),
	}
}

// Describe sends the descriptions of the collector's metrics.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.workers, c.poolState, c.queue, c.starts, c.recycles, c.trips,
		c.memory, c.workerCPU, c.inFlight, c.poolRequest} {
		ch <- d
	}
}

// Collect sends the metrics of the pools and workers as they are now.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	workers := c.src.Workers()
	for _, p := range c.src.Pools() {
		c.collectPool(ch, p, workers)
	}
	for _, w := range workers {
		c.collectWorker(ch, w)
	}
}

// collectPool sends the metrics of one pool.
func (c *stateCollector) collectPool(ch chan<- prometheus.Metric, p admin.PoolStatus, workers []admin.WorkerStatus) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	for _, s := range poolStates {
		gauge(c.poolState, b2f(p.State == s), p.Name, s)
	}
	for _, s := range workerStates {
		n := 0
		for _, w := range workers {
			if w.Pool == p.Name && w.State == s {
				n++
			}
		}
		gauge(c.workers, float64(n), p.Name, s)
	}
	gauge(c.queue, float64(p.Queued), p.Name)
	counter(c.starts, p.WorkerStarts, p.Name, "ok")
	counter(c.starts, p.WorkerStartFailures, p.Name, "failed")
	for reason, n := range p.Recycles {
		counter(c.recycles, n, p.Name, reason)
	}
	counter(c.trips, p.RapidFailTrips, p.Name)
	counter(c.poolRequest, p.Requests, p.Name)
}

// collectWorker sends the metrics of one worker.
func (c *stateCollector) collectWorker(ch chan<- prometheus.Metric, w admin.WorkerStatus) {
	if w.PID == 0 {
		return // not started yet: no process to measure
	}
	pid := strconv.Itoa(w.PID)
	for kind, v := range map[string]int64{"virtual": w.Memory.Virtual, "private": w.Memory.Private, "resident": w.Memory.Resident} {
		ch <- prometheus.MustNewConstMetric(c.memory, prometheus.GaugeValue, float64(v), w.Pool, pid, kind)
	}
	ch <- prometheus.MustNewConstMetric(c.workerCPU, prometheus.CounterValue, w.CPUSeconds, w.Pool, pid)
	ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(w.InFlight), w.Pool, pid)
}

// b2f returns 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
