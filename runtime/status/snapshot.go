//go:build unix

package status

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/event"
)

// Snapshot is what /status.json answers: the runtime now. Counters are totals since
// the start; the page turns them into rates between two snapshots.
type Snapshot struct {
	Time     time.Time     `json:"time"`
	Started  time.Time     `json:"started"`
	Ready    bool          `json:"ready"`
	NotReady string        `json:"notReady,omitempty"`
	Pools    []PoolView    `json:"pools"`
	Workers  []WorkerView  `json:"workers"`
	Requests []RequestView `json:"requests"`
	Events   []event.Event `json:"events"`
}

// PoolView is a pool with the front end's counts of its answers.
type PoolView struct {
	admin.PoolStatus
	Answered int64 `json:"answered"`  // responses sent for the pool's applications
	Errors   int64 `json:"errors5xx"` // of which 5xx
}

// WorkerView is a worker with its uptime.
type WorkerView struct {
	admin.WorkerStatus
	UptimeSeconds float64 `json:"uptimeSeconds"`
}

// RequestView is a request in flight with its elapsed time.
type RequestView struct {
	admin.RequestStatus
	ElapsedMS int64 `json:"elapsedMs"`
}

// snapshot returns the runtime as it is now.
func (s *Server) snapshot() Snapshot {
	now := s.opt.Now()
	snap := Snapshot{Time: now, Started: s.started, Pools: []PoolView{}, Workers: []WorkerView{},
		Requests: []RequestView{}, Events: s.events.list()}
	snap.Ready, snap.NotReady = s.opt.Source.Ready()
	var totals map[string]metricsTotals
	if s.opt.Metrics != nil {
		totals = poolTotals(s.opt.Metrics)
	}
	for _, p := range s.opt.Source.Pools() {
		t := totals[p.Name]
		snap.Pools = append(snap.Pools, PoolView{PoolStatus: p, Answered: t.answered, Errors: t.errors})
	}
	for _, w := range s.opt.Source.Workers() {
		snap.Workers = append(snap.Workers, WorkerView{WorkerStatus: w, UptimeSeconds: now.Sub(w.Started).Seconds()})
	}
	for _, r := range s.opt.Source.Requests() {
		// max: a request that began after now was read has run for no time yet.
		snap.Requests = append(snap.Requests, RequestView{RequestStatus: r, ElapsedMS: max(now.Sub(r.Start).Milliseconds(), 0)})
	}
	sort.Slice(snap.Requests, func(i, j int) bool { return snap.Requests[i].ElapsedMS > snap.Requests[j].ElapsedMS })
	return snap
}

// handleSnapshot answers /status.json.
func (s *Server) handleSnapshot(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(s.snapshot())
}
