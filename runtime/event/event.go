// Package event defines the runtime's events: one per state change of a pool or a
// worker, logged as one JSON line and streamed by the admin API.
package event

import "time"

// IDs of events. Where IIS logs an event for the same thing, the ID is IIS's; poolctl's
// own IDs start at 9000. Sources: "Event ID 5002 — IIS Application Pool Availability"
// (WAS_EVENT_RAPID_FAIL_PROTECTION) and the "IIS Application Pool Availability" event
// list (5009, 2299) on learn.microsoft.com; "Troubleshooting Event ID 5010" (a process
// failed to respond to a ping); KB 2634635 (5013, exceeded time limits during shut
// down); "IIS Application Pool Recycling" (5074 to 5077: recycles for the time, request,
// schedule and virtual memory limits) and "Event ID 5186" (WAS_EVENT_SHUTDOWN_WP_INACTIVE).
// 5078, the private memory limit, follows 5077 in that list; its text was not seen.
const (
	RapidFailStop   = 5002 // a pool was stopped by rapid-fail protection
	WorkerCrashed   = 5009 // a worker exited when nobody asked it to
	PingTimeout     = 5010 // a worker did not answer a ping in time
	ShutdownTimeout = 5013 // a worker did not stop within shutdownTimeLimit and was killed
	RecycleTime     = 5074 // a worker was recycled after recycling.periodicRestart.time
	RecycleRequests = 5075 // ... after periodicRestart.requests
	RecycleSchedule = 5076 // ... at a periodicRestart.schedule time
	RecycleMemory   = 5077 // ... above periodicRestart.memory (virtual)
	RecyclePrivate  = 5078 // ... above periodicRestart.privateMemory
	IdleShutdown    = 5186 // a worker was stopped after idleTimeout
	// WorkerUnhealthy: a worker declared itself unhealthy and asks for a recycle (IIS's
	// 2299, from the worker process, W3SVC-WP).
	WorkerUnhealthy = 2299

	PoolStarted       = 9001
	PoolStopped       = 9002
	WorkerStarted     = 9003 // a worker is ready
	WorkerStartFail   = 9004 // a worker did not start or become ready in startupTimeLimit
	WorkerStopped     = 9005 // a worker stopped because it was asked to
	WorkerOrphaned    = 9007 // an unhealthy worker was released (orphanWorkerProcess)
	IdentityFailed    = 9008 // the pool's identity cannot be taken: the pool stops
	BindingSkipped    = 9009 // a binding the runtime does not serve (not http or https, malformed)
	ActionRun         = 9010 // orphanActionExe or autoShutdownExe ran
	WorkerRecycled    = 9011 // a worker was recycled for another reason than time
	ConfigReloaded    = 9012
	ConfigRejected    = 9013
	ListenFailed      = 9014
	RuntimeStarted    = 9015
	RuntimeStopped    = 9016
	WorkerSuspended   = 9017
	WorkerResumed     = 9018
	CgroupUnavailable = 9019
	// CPULimitExceeded: a pool used more than cpu.limit over cpu.resetInterval.
	CPULimitExceeded = 9021
	// TopologyUnavailable: the NUMA topology could not be read; NUMA gardens run one worker.
	TopologyUnavailable = 9020
	// SettingUnusable: a setting the runtime cannot use as written (an application's
	// pool, its aspNetCore settings, its web.config); what it does instead is in the
	// message.
	SettingUnusable = 9022
	// NothingToRun: an application has no program to run (no usable
	// system.webServer/aspNetCore processPath): its requests get 503, and no worker
	// starts for it.
	NothingToRun = 9023
	// ConnectionLimit: the front end holds as many client connections as it allows
	// (below the process's file descriptor limit); new ones get 503 and are closed
	// until some end. Logged once per episode.
	ConnectionLimit = 9024
	// CertificateMissing: an https binding has no usable certificate in the
	// certificate folder (missing, unreadable, readable by others, expired, or not
	// for its name): the event names the binding and the files looked for, and
	// handshakes for it fail while the other bindings are served. Also: the folder
	// itself cannot be read (it is tried again).
	CertificateMissing = 9025
	// CertificateLoaded: a certificate file changed and was read again, or the
	// folder can be read now; new handshakes get it, connections made before keep
	// theirs.
	CertificateLoaded = 9026
	// FailingResponses: a worker answered 5xx to a share of its requests over the
	// pool's failingResponses window at or above failureRate (and, in a web garden,
	// poolRatio times its siblings' share): it is recycled, and the recycle counts
	// toward rapid-fail protection. The event names the rate, the window and the
	// siblings' rate.
	FailingResponses = 9027
	// SchedulingUnavailable: the workers cannot be given the SCHED_BATCH scheduling
	// policy (a kernel without sched_setattr, a seccomp filter): they run with the
	// runtime's own.
	SchedulingUnavailable = 9028
)

// Event is one state change.
type Event struct {
	Time   time.Time `json:"time"`
	ID     int       `json:"id"`
	Level  string    `json:"level"` // "info", "warning" or "error"
	Msg    string    `json:"msg"`
	Pool   string    `json:"pool,omitempty"`
	Site   string    `json:"site,omitempty"` // the site of an application's event
	App    string    `json:"app,omitempty"`  // the application's path in its site
	PID    int       `json:"pid,omitempty"`
	Reason string    `json:"reason,omitempty"`
}
