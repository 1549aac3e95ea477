//go:build unix

package frontend

import (
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// InFlight is a request being served, as `poolctl requests` lists it (appcmd list
// requests): waiting in its pool's queue (PID 0) or forwarded to a worker.
type InFlight struct {
	ID     uint64    `json:"id"` // the front end's number of the request, unique while it runs
	Site   string    `json:"site"`
	Pool   string    `json:"pool"`
	App    string    `json:"app"` // the application's path in its site
	PID    int       `json:"pid"` // the worker's process id; 0 while the request waits for one
	Method string    `json:"method"`
	URL    string    `json:"url"` // the request target as the worker gets it, with the Host
	Client string    `json:"client"`
	Start  time.Time `json:"start"`
}

// inflight is the record of a request in flight: InFlight, written before it is
// published (but its URL, made from host and uri only when asked for), and the
// worker's pid, set once a worker is chosen.
type inflight struct {
	InFlight
	host, uri string
	pid       atomic.Int32
}

// track publishes the request of c, routed to app of site, as in flight until it ends.
func (c *clientConn) track(site *spec.Site, app *spec.App) *inflight {
	r := &c.req
	rec := &inflight{InFlight: InFlight{
		ID: c.srv.l.h.ids.Add(1), Site: site.Name, Pool: app.Pool, App: app.Path, Method: r.Method,
		Client: c.client, Start: c.start,
	}, host: r.Host, uri: r.URI}
	c.cur.Store(rec)
	return rec
}

// inFlight returns a copy of the request c serves, if any.
func (c *clientConn) inFlight() (InFlight, bool) {
	rec := c.cur.Load()
	if rec == nil {
		return InFlight{}, false
	}
	f := rec.InFlight
	f.URL = rec.host + rec.uri
	f.PID = int(rec.pid.Load())
	return f, true
}

// InFlight returns the requests being served now, on every listener, HTTP/2 streams
// included; the order is not defined.
func (s *Server) InFlight() []InFlight {
	s.mu.Lock()
	all := append([]*listener(nil), s.lns...)
	for l := range s.retiring {
		all = append(all, l)
	}
	s.mu.Unlock()
	var out []InFlight
	for _, l := range all {
		out = l.srv.appendInFlight(out)
	}
	return out
}

// appendInFlight appends the requests in flight on s's connections to out.
func (s *connServer) appendInFlight(out []InFlight) []InFlight {
	s.mu.Lock()
	conns := make([]*clientConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		if f, ok := c.inFlight(); ok {
			out = append(out, f)
		}
		c.mu.Lock()
		for v := range c.streams {
			if f, ok := v.inFlight(); ok {
				out = append(out, f)
			}
		}
		c.mu.Unlock()
	}
	return out
}
