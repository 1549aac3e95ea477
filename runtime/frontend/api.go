//go:build unix

// Package frontend is the runtime's HTTP.sys: it listens on the sites' http bindings,
// matches each request to a site (address, port, Host) and an application (longest
// path), asks the application's pool for a worker, and forwards the request to it.
//
// # Listeners
//
// One listener serves each distinct address and port. On Linux a listener on all
// addresses (0.0.0.0:P, [::]:P) and one on a specific address with the same port
// conflict, so when any binding on port P is for all addresses ("*"), the front end
// opens the one listener on all addresses for P and tells the specific-address
// bindings of P apart by the local address each connection came in on. Without a "*"
// binding on P, each address gets its own listener. Port 0 (tests) is grouped the same
// way and listens on a free port; Server.Addrs says which.
//
// # Matching
//
// A request goes to the site of the binding that matches best, in the order HTTP.sys
// routes (https://learn.microsoft.com/windows/win32/http/urlprefix-strings: explicit
// host names before IP-bound weak wildcards before weak wildcards):
//
//  1. the connection's local address and the Host header (port stripped, case-insensitive);
//  2. all addresses ("*") and the Host header;
//  3. the connection's local address, any host;
//  4. all addresses, any host.
//
// Two bindings that are equal on all three counts (a configuration IIS refuses to start)
// go to the first site given. No match gets what HTTP.sys answers: 400 with "Bad Request
// - Invalid Hostname". The application is then the one whose path is the longest prefix
// of the request's path at a segment boundary, compared case-insensitively, after dot
// segments and repeated slashes are removed from the path (as HTTP.sys canonicalizes
// URLs; the cleaned path is what the worker gets).
//
// # Client connections
//
// The front end serves clients with its own HTTP/1.1 server, not net/http's: package
// h1 reads each request head strictly (RFC 9112) and refuses, among others, every
// request whose framing two servers could read differently (the request-smuggling
// shapes: Content-Length with Transfer-Encoding, differing lengths, obfuscated or
// unsupported transfer codings, folded or malformed fields); the request then goes to
// the worker written anew, never as the client's bytes. A connection stays open
// between requests (up to 120 s idle, HTTP.sys's IdleConnectionTimeout default; a head
// must be complete 30 s after its first byte), pipelined requests are answered in
// order, and HTTP/1.0 clients keep their connection only when they ask. A request that
// runs longer than 20 ms has its client's connection watched: a client that closes it
// while the request waits for a place in its pool's queue or for the worker's answer
// ends the wait, and the worker connection with it (as net/http's server does for
// every request, with a goroutine each; the front end spends that only on slow ones).
// Responses the worker sends without a length go to HTTP/1.1 clients chunked, so their
// connection stays open. Shutdown closes idle connections at once and lets requests in
// flight finish (their responses say Connection: close).
//
// # Answers of the front end itself
//
//   - 400, 417, 501 or 505 and the connection closed: a request h1 refuses to read (its
//     documentation lists why), such as a malformed head, a head over 16 KiB
//     (HTTP.sys's MaxRequestBytes default), an Expect other than 100-continue, a
//     transfer coding other than chunked, an HTTP version other than 1.x.
//   - 400 "Bad Request - Invalid Hostname": no binding matches.
//   - 400: the client's request body broke off before the worker had it all.
//   - 404: the site has no application for the path (a site without a root application).
//   - 405: CONNECT (the front end is no forward proxy).
//   - 503 "the application pool's queue is full", "the application pool is stopped", "the
//     application's pool does not exist", "the application has nothing to run": what
//     Pools.Acquire said. A stopped pool whose
//     StoppedError asks for a reset gets a TCP reset instead (loadBalancerCapabilities
//     TcpLevel).
//   - 502: the worker's process could not be reached, or sent a malformed response (the
//     lease ends failed, as it does when the worker breaks off a response: the client
//     then sees its connection closed before the end of the response).
//
// # Forwarding
//
// Requests go to workers over HTTP/1.1 keep-alive connections, which the front end
// keeps per worker address (up to 1024 idle ones each, closed after 90 s idle, checked
// before reuse after 100 ms idle, so that one the worker closed is not used; a GET,
// HEAD, OPTIONS or TRACE without a body that meets a closed connection anyway is sent
// again on a new one). The forwarding is the front end's own, not
// net/http/httputil's ReverseProxy: it writes the request and reads the response on
// the request's own goroutine, writes the response head from the worker's fields
// straight into the client's buffer, and lends copy buffers from a pool. It streams
// bodies both ways (flushing responses without a Content-Length as they come), answers
// Expect: 100-continue itself when the body is about to be read (as nginx does),
// passes on 1xx responses (103 Early Hints), response trailers and protocol upgrades
// (101 Switching Protocols: WebSocket), adds a Date when the worker sent none, and drops
// hop-by-hop headers and request trailers.
//
// The worker sees the client's Host header and request target (with the cleaned path),
// X-Forwarded-For (the client's address appended to any the client sent, so the last
// entry is always the front end's), X-Forwarded-Host and X-Forwarded-Proto; a client's
// Forwarded header, X-Poolctl-Ping and X-Poolctl-Unhealthy are removed, so that a client
// cannot pose as the runtime's ping.
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
	// Done says the request is over; failed when the backend could not be reached or broke off.
	Done(failed bool)
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
// The default, n 0, is half the file descriptors the soft RLIMIT_NOFILE leaves after
// a reserve, since each connection may hold a worker connection too. Call it before
// Start.
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
