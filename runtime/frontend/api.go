//go:build unix

package frontend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/poolctl/poolctl/runtime/spec"
)

// Pools gives the front end its workers; the supervisor implements it.
type Pools interface {
	// Acquire returns a lease on a ready process that serves app (of app.Pool), waiting while the
	// pool's queue (queueLength) has room; it may start a worker on demand. It returns ErrQueueFull
	// when the queue is full, a *StoppedError when the pool is stopped, ErrNoPool when app.Pool names
	// no pool, ErrNothingToRun when app has no program, or ctx.Err().
	Acquire(ctx context.Context, app *spec.App) (Lease, error)
}

// Lease is one request's hold on a worker process.
type Lease interface {
	// Addr returns "127.0.0.1:PORT", the address of the app's process.
	Addr() string
	// PID returns the worker's process id, for the requests in flight.
	PID() int
	// Done says the request is over, and how it went.
	Done(Outcome)
}

// WarmLease is a Lease that may hold an open, idle connection to the app's process:
// the supervisor's holds the connection of a new worker's first ping, so that the
// first request sent to the worker needs no connect.
type WarmLease interface {
	Lease
	// TakeConn returns the connection, once; nil when there is none. The caller owns it.
	TakeConn() net.Conn
}

// Outcome is how a request forwarded to a worker ended.
type Outcome struct {
	// Status is the status code of the worker's final response, 0 when the worker
	// sent none (the front end's own 502 or 504 are not the worker's).
	Status int
	// Failed is true when the worker could not be reached or broke off.
	Failed bool
}

// ErrQueueFull is Acquire's answer when the pool's queue is full: the request gets a 503.
var ErrQueueFull = errors.New("the pool's queue is full")

// ErrNothingToRun is Acquire's answer when the application has no program to run (no
// usable system.webServer/aspNetCore processPath): the request gets a 503 that says
// so, and no worker starts.
var ErrNothingToRun = errors.New("the application has nothing to run")

// ErrNoPool is Acquire's answer when the application's pool does not exist: the request gets a 503.
var ErrNoPool = errors.New("the application's pool does not exist")

// StoppedError is Acquire's answer when the pool is stopped (rapid-fail protection or an
// administrator). Reset asks for a TCP reset instead of a 503 (loadBalancerCapabilities
// TcpLevel).
type StoppedError struct {
	Pool  string
	Reset bool
}

// Error says which pool is stopped.
func (e *StoppedError) Error() string {
	return fmt.Sprintf("application pool %q is stopped", e.Pool)
}

var (
	errStarted = errors.New("frontend: already started")
	errClosed  = errors.New("frontend: shut down")
)

// Server is the front end.
type Server struct {
	h      *handler
	log    *slog.Logger
	errLog *log.Logger // the http.Servers' own errors (accept errors), at warning level
	base   context.Context
	cancel context.CancelFunc // ends hijacked (upgraded) connections at shutdown

	mu       sync.Mutex
	sites    []*spec.Site
	started  bool
	closed   bool
	lns      []*listener // the open listeners
	retiring map[*listener]struct{}
	addrs    []net.Addr
	limit    *connLimit // client connections, across listeners

	certs  atomic.Pointer[CertificateFunc] // the certificates of https listeners (UseCertificates)
	tlsCfg *tls.Config                     // shared by every https listener
}

// New returns a front end for sites, which asks pools for workers and logs to log.
func New(sites []*spec.Site, pools Pools, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		h:        newHandler(pools),
		log:      log,
		errLog:   slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		base:     base,
		cancel:   cancel,
		sites:    sites,
		retiring: make(map[*listener]struct{}),
		limit:    newConnLimit(0, log),
	}
	s.tlsCfg = s.newTLSConfig()
	return s
}

// LimitConnections sets how many client connections the front end holds at once,
// across its listeners; a new one past it is answered 503 and closed (event 9024).
// The default, n 0, is a third of the file descriptors the soft RLIMIT_NOFILE leaves
// after a reserve on Linux (a connection may hold a worker connection and a readLatch
// too), half elsewhere. Call it before Start.
func (s *Server) LimitConnections(n int) {
	s.limit = newConnLimit(n, s.log)
}

// Start opens a listener for every http binding of every site with AutoStart (one
// listener per distinct address:port; bindings sharing one are told apart by Host). A
// binding that cannot be opened is an error naming the site, binding and its position,
// and nothing stays open. Port 0 in a binding (tests) listens on a free port: see Addrs.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errClosed
	case s.started:
		return errStarted
	}
	if err := s.apply(s.sites); err != nil {
		return err
	}
	s.started = true
	return nil
}

// Addrs returns the listeners' actual addresses, in the order of the sites' bindings as
// given (one per binding of a site with AutoStart). A binding on a specific address
// served by the listener for all addresses of its port gets its own address with the
// listener's port.
func (s *Server) Addrs() []net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.addrs)
}

// Update replaces the sites (a configuration reload): listeners that are no longer
// needed close (gracefully: their requests in flight finish), new ones open, existing
// ones stay (no dropped connection) and route by the new sites from the next request
// on. When a new listener cannot be opened, Update returns the error and the front end
// keeps serving the old sites. Before Start, Update only replaces the sites.
func (s *Server) Update(sites []*spec.Site) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errClosed
	case !s.started:
		s.sites = sites
		return nil
	}
	return s.apply(sites)
}

// Shutdown stops accepting, lets requests in flight finish until ctx ends, then closes
// every connection (upgraded ones, such as WebSockets, included) and returns ctx's
// error if it ended first.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	all := s.lns
	for l := range s.retiring {
		all = append(all, l)
	}
	s.lns, s.addrs = nil, nil
	s.mu.Unlock()

	err := shutdownAll(ctx, all)
	s.cancel()
	s.h.closeIdle()
	if err != nil {
		return fmt.Errorf("frontend: shutdown: %w", err)
	}
	return nil
}
