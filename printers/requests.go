package printers

import "time"

// Request is a request in flight as poolctl requests prints it: its pool, site and
// application, the worker serving it (PID 0 while it waits in the pool's queue),
// method, URL (host and target), client address and how long it has run.
type Request struct {
	Pool, Site, App string
	PID             int
	Method, URL     string
	Client          string
	Elapsed         time.Duration
}
