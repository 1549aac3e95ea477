//go:build unix

package admin

import (
	"errors"
	"fmt"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
)

// Controller is what the admin API serves; the runtime's supervisor implements it.
type Controller interface {
	// Pools returns the status of every pool.
	Pools() []PoolStatus
	// Workers returns the status of every worker.
	Workers() []WorkerStatus
	// StartPool starts a pool. A pool already started stays as it is: the answer is
	// then nil or an *AlreadyError, which the API reports as a success that changed
	// nothing. A pool that does not exist is an error that wraps ErrNoPool.
	StartPool(name string) error
	// StopPool stops a pool, as StartPool starts one.
	StopPool(name string) error
	// RecyclePool recycles a pool's workers, as StartPool starts one.
	RecyclePool(name string) error
	// Subscribe returns the events from now on, and a function that ends the
	// subscription.
	Subscribe() (<-chan event.Event, func())
	// Requests returns the requests in flight.
	Requests() []RequestStatus
}

// ErrNoPool is the error, wrapped, for a pool that does not exist.
var ErrNoPool = errors.New("no such pool")

// AlreadyError is a Controller's answer to an action that finds the pool already in
// the state it asks for: not a failure, and nothing changed.
type AlreadyError struct {
	Pool  string
	State string // "started", "stopped"
}

// Error says which pool was already in which state.
func (e *AlreadyError) Error() string {
	return fmt.Sprintf("pool %q is already %s", e.Pool, e.State)
}

// ErrNoRuntime is the error, wrapped, of a Client that finds nothing listening on its
// socket.
var ErrNoRuntime = errors.New("no poolctl run")

// PoolStatus is one pool as `poolctl pools` shows it.
type PoolStatus struct {
	Name        string `json:"name"`
	State       string `json:"state"`            // Starting, Started, Stopping, Stopped
	Reason      string `json:"reason,omitempty"` // why it is stopped: "rapid-fail protection", "administrator", "identity ..."
	Identity    string `json:"identity"`         // account name and uid: "IIS AppPool\\Shop (uid 61234)"
	Workers     int    `json:"workers"`
	MaxWorkers  int    `json:"maxWorkers"`
	Queued      int    `json:"queued"`
	QueueLength int    `json:"queueLength"`
	Requests    int64  `json:"requests"`
	Failures    int    `json:"recentFailures"` // in the rapid-fail window
	// Counters since the pool, as configured now, was created.
	WorkerStarts        int64            `json:"workerStarts"`
	WorkerStartFailures int64            `json:"workerStartFailures"`
	Recycles            map[string]int64 `json:"recycles,omitempty"` // by reason: time, requests, schedule, memory, privateMemory, unhealthy, administrator, failingResponses
	RapidFailTrips      int64            `json:"rapidFailTrips"`
	Notes               []string         `json:"notes,omitempty"` // e.g. "cpu.limit not enforced: cgroups unavailable"
	// NothingToRun lists the pool's applications that have no program to run: their
	// requests get 503, and they start no worker.
	NothingToRun []AppNote `json:"nothingToRun,omitempty"`
}

// AppNote is an application of a pool with something to say about it: its site, its
// path and why.
type AppNote struct {
	Site string `json:"site"`
	Path string `json:"path"`
	Why  string `json:"why"`
}

// ActionResult is the answer to a pool action: the pool, the action, and the state
// the pool was already in when the action changed nothing ("" when it acted).
type ActionResult struct {
	Pool    string `json:"pool"`
	Action  string `json:"action"`
	Already string `json:"already,omitempty"`
}

// WorkerStatus is one worker as `poolctl workers` shows it.
type WorkerStatus struct {
	Pool     string    `json:"pool"`
	PID      int       `json:"pid"`
	State    string    `json:"state"` // Starting, Ready, Suspended, Stopping, Orphaned
	Started  time.Time `json:"started"`
	Requests int64     `json:"requests"`
	InFlight int       `json:"inFlight"`
	UID      uint32    `json:"uid"`
	Apps     []AppProc `json:"apps"`
	// Memory is what the worker's application processes hold.
	Memory Memory `json:"memory"`
	// CPUSeconds is the CPU time (user and system) its application processes used.
	CPUSeconds float64 `json:"cpuSeconds"`
}

// Memory is the memory of a worker's processes, in bytes.
type Memory struct {
	Virtual  int64 `json:"virtual"`  // VmSize: what recycling's memory limit counts
	Resident int64 `json:"resident"` // VmRSS
	Private  int64 `json:"private"`  // Private_Clean + Private_Dirty: what privateMemory counts
}

// RequestStatus is a request in flight as `poolctl requests` shows it (appcmd list
// requests): waiting in its pool's queue (PID 0) or served by a worker.
type RequestStatus struct {
	ID     string    `json:"id"` // 16 hexadecimal digits, as HTTP.sys numbers requests
	Pool   string    `json:"pool"`
	Site   string    `json:"site"`
	App    string    `json:"app"` // the application's path in its site
	PID    int       `json:"pid"` // the worker's process id; 0 while the request waits for one
	Method string    `json:"method"`
	URL    string    `json:"url"` // host and target
	Client string    `json:"client"`
	Start  time.Time `json:"start"`
}

// AppProc is one application's program in a worker: the application's path, the
// program's process id and the loopback address it listens on.
type AppProc struct {
	Path string `json:"path"`
	PID  int    `json:"pid"`
	Addr string `json:"addr"`
}

// Wire forms of the responses, shared by Server and Client.
type (
	poolsResponse struct {
		Pools []PoolStatus `json:"pools"`
	}
	workersResponse struct {
		Workers []WorkerStatus `json:"workers"`
	}
	requestsResponse struct {
		Requests []RequestStatus `json:"requests"`
	}
	errorResponse struct {
		Error string `json:"error"`
	}
)
