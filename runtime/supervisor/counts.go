//go:build linux

package supervisor

import "sync/atomic"

// Reasons a worker is recycled, as the admin API and the metrics name them.
const (
	RecycleTime             = "time"
	RecycleRequests         = "requests"
	RecycleSchedule         = "schedule"
	RecycleMemory           = "memory"
	RecyclePrivateMemory    = "privateMemory"
	RecycleUnhealthy        = "unhealthy" // the worker declared itself unhealthy (IIS 2299)
	RecycleAdministrator    = "administrator"
	RecycleFailingResponses = "failingResponses" // poolctl's failing-response detection
)

// recycleReasons are the reasons in the order the counters keep them.
var recycleReasons = [...]string{RecycleTime, RecycleRequests, RecycleSchedule, RecycleMemory,
	RecyclePrivateMemory, RecycleUnhealthy, RecycleAdministrator, RecycleFailingResponses}

// counts are a pool's counters since it was created (a reload that changes the pool
// starts them again, as a restarted process does for Prometheus).
type counts struct {
	starts, startFailures, rapidFailTrips atomic.Int64
	recycles                              [len(recycleReasons)]atomic.Int64
}

// recycled counts a recycle for reason, one of recycleReasons.
func (c *counts) recycled(reason string) {
	for i, r := range recycleReasons {
		if r == reason {
			c.recycles[i].Add(1)
			return
		}
	}
}

// recycleMap returns the recycles by reason, leaving out the reasons never seen.
func (c *counts) recycleMap() map[string]int64 {
	var m map[string]int64
	for i, r := range recycleReasons {
		if n := c.recycles[i].Load(); n > 0 {
			if m == nil {
				m = make(map[string]int64)
			}
			m[r] = n
		}
	}
	return m
}
