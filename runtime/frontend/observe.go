//go:build unix

package frontend

import (
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// Observer hears of every request the front end answers, once its response is
// written to the connection's buffer (the last bytes may still be on their way):
// metrics count them. Served must be quick and must not block; it is called
// on the request's goroutine.
type Observer interface {
	Served(Served)
}

// Served is a request the front end answered.
type Served struct {
	Site     string // "" when no site took it (a malformed request, an unknown host)
	Pool     string // "" when no application took it
	Status   int    // the status code sent, the front end's own (400, 404, 502, 503) included
	PID      int    // the worker that answered, 0 when none did
	Duration time.Duration
}

// Observe makes o hear of every request from now on; nil stops it.
func (s *Server) Observe(o Observer) {
	if o == nil {
		s.h.obs.Store(nil)
		return
	}
	s.h.obs.Store(&o)
}

// served tells the observer, if any, that c's request, routed to site (nil when none
// took it), was answered with status.
func (c *clientConn) served(site *spec.Site, status int) {
	o := c.srv.l.h.obs.Load()
	if o == nil || status == 0 {
		return
	}
	s := Served{Status: status, Duration: time.Since(c.start)}
	if site != nil {
		s.Site = site.Name
	}
	if c.app != nil {
		s.Pool = c.app.Pool
	}
	if rec := c.cur.Load(); rec != nil {
		s.PID = int(rec.pid.Load())
	}
	(*o).Served(s)
}
