//go:build linux

package host

import (
	"fmt"
	"sync/atomic"

	"github.com/poolctl/poolctl/runtime/admin"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/supervisor"
)

// controller is the runtime as the admin API and the status address see it: the
// supervisor's pools and workers, and the front end's requests in flight.
type controller struct {
	*supervisor.Supervisor
	fe        *frontend.Server
	listening *atomic.Bool // the front end's listeners are open
}

// Requests returns the requests in flight.
func (c controller) Requests() []admin.RequestStatus {
	in := c.fe.InFlight()
	out := make([]admin.RequestStatus, len(in))
	for i, r := range in {
		out[i] = admin.RequestStatus{ID: fmt.Sprintf("%016x", r.ID), Pool: r.Pool, Site: r.Site, App: r.App, PID: r.PID, Method: r.Method,
			URL: r.URL, Client: r.Client, Start: r.Start}
	}
	return out
}

// Ready reports whether the listeners are open and the always-running pools ready.
func (c controller) Ready() (bool, string) {
	if !c.listening.Load() {
		return false, "the listeners are not open"
	}
	return c.Supervisor.Ready()
}
