//go:build unix

package frontend

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// Bodies of the answers the front end gives itself.
const (
	badHostname = "Bad Request - Invalid Hostname\n\nHTTP Error 400. The request hostname is invalid.\n"
	badBody     = "400 Bad Request: the request's body broke off\n"
	slowBody    = "408 Request Timeout: the request's body did not arrive in time\n"
	slowWorker  = "504 Gateway Timeout: the application's process did not answer in time\n"
	noApp       = "404 Not Found: no application of the site serves this path\n"
	badGateway  = "502 Bad Gateway: the application's process cannot be reached\n"
	badResponse = "502 Bad Gateway: the application's process sent a malformed response\n"
	queueFull   = "503 Service Unavailable: the application pool's queue is full\n"
	poolStopped = "503 Service Unavailable: the application pool is stopped\n"
	noPool      = "503 Service Unavailable: the application's pool does not exist\n"
	unavailable = "503 Service Unavailable\n"
	nothingRun  = "503 Service Unavailable: the application has nothing to run: poolctl run serves an application " +
		"through its system.webServer/aspNetCore program, and this one has none\n"
	noConnect = "405 Method Not Allowed: CONNECT\n"
)

// Headers only the runtime's ping may send to a worker.
const (
	pingHeader      = "X-Poolctl-Ping"
	unhealthyHeader = "X-Poolctl-Unhealthy"
)

// handler serves a request once its site is known: application, lease, forwarding.
type handler struct {
	obs     atomic.Pointer[Observer] // hears of every request answered (observe.go)
	ids     atomic.Uint64            // numbers the requests in flight (inflight.go)
	writers writerPool               // client connections' write buffers, lent while they serve
	pools   Pools
	conns   *connPool
	bufs    *bufferPool
	dates   dateCache
	times   timeouts
	watch   time.Duration // how long a request runs before its client is watched (watcher)
}

// newHandler returns a handler that asks pools for workers.
func newHandler(pools Pools) *handler {
	return &handler{pools: pools, conns: newConnPool(), bufs: &bufferPool{}, times: defaultTimeouts(), watch: watchAfter}
}

// closeIdle closes the idle connections to workers, for good.
func (h *handler) closeIdle() { h.conns.close() }

// serve finds the request of c in site's applications, gets a lease on a worker of
// its pool and forwards the request to it.
func (h *handler) serve(c *clientConn, site *spec.Site) {
	if c.req.Method == http.MethodConnect {
		c.rep.close = true // what follows may be tunnel bytes, not a request
		c.text(http.StatusMethodNotAllowed, noConnect)
		return
	}
	p, uri := routeTarget(&c.req)
	app := matchApp(site.Apps, p)
	if app == nil {
		c.text(http.StatusNotFound, noApp)
		return
	}
	c.app = app
	rec := c.track(site, app)
	lease, err := h.pools.Acquire(c.ctx, app)
	if err != nil {
		refuse(c, err)
		return
	}
	rec.pid.Store(int32(lease.PID()))
	if wl, ok := lease.(WarmLease); ok {
		if conn := wl.TakeConn(); conn != nil {
			h.conns.adopt(conn, lease.Addr())
		}
	}
	var out Outcome
	defer func() { lease.Done(out) }()
	var abort bool
	out, abort = h.forward(c, uri, lease.Addr())
	if abort {
		// The response is cut short: the client must see it so (a connection closed
		// before the end), not a complete response.
		c.flush()
		c.rep.ended = true
	}
}

// refuse answers a request that got no lease.
func refuse(c *clientConn, err error) {
	var stopped *StoppedError
	switch {
	case errors.As(err, &stopped) && stopped.Reset:
		resetConn(c)
	case stopped != nil:
		c.text(http.StatusServiceUnavailable, poolStopped)
	case errors.Is(err, ErrQueueFull):
		c.text(http.StatusServiceUnavailable, queueFull)
	case errors.Is(err, ErrNoPool):
		c.text(http.StatusServiceUnavailable, noPool)
	case errors.Is(err, ErrNothingToRun):
		c.text(http.StatusServiceUnavailable, nothingRun)
	case c.ctx.Err() != nil:
		// The client went away while the request waited: nobody to answer.
	default:
		c.text(http.StatusServiceUnavailable, unavailable)
	}
}

// resetConn ends the request's connection with a TCP reset (SO_LINGER 0, then close),
// as HTTP.sys does for a stopped pool with loadBalancerCapabilities TcpLevel. Over TLS
// the TCP connection is closed so, without TLS's close_notify.
func resetConn(c *clientConn) {
	conn := netConn(c.conn)
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
		tc.SetLinger(0)
	}
	conn.Close()
	c.rep.status, c.rep.ended = http.StatusServiceUnavailable, true
}

// copyBufferSize is the size of the buffers that copy bodies.
const copyBufferSize = 32 << 10

// bufferPool lends the proxy its copy buffers, without an allocation per request.
type bufferPool struct{ p sync.Pool }

// Get returns a buffer of copyBufferSize bytes.
func (b *bufferPool) Get() []byte {
	if a, ok := b.p.Get().(*[copyBufferSize]byte); ok {
		return a[:]
	}
	return new([copyBufferSize]byte)[:]
}

// Put takes a buffer back.
func (b *bufferPool) Put(buf []byte) {
	if cap(buf) >= copyBufferSize {
		b.p.Put((*[copyBufferSize]byte)(buf[:copyBufferSize]))
	}
}

// writerPool lends client connections their write buffers, so that an idle
// keep-alive connection holds none (net/http's server does the same).
type writerPool struct{ p sync.Pool }

// get returns a write buffer of clientWriteBuf bytes that writes to w.
func (wp *writerPool) get(w io.Writer) *bufio.Writer {
	if bw, ok := wp.p.Get().(*bufio.Writer); ok {
		bw.Reset(w)
		return bw
	}
	return bufio.NewWriterSize(w, clientWriteBuf)
}

// put takes back a write buffer whose content has been written; nil is ignored.
func (wp *writerPool) put(bw *bufio.Writer) {
	if bw != nil {
		bw.Reset(nil)
		wp.p.Put(bw)
	}
}

// refusal returns the body of the answer to a request the front end refuses to read:
// "400 Bad Request: " and the reason.
func refusal(e *h1.Error) string {
	return strconv.Itoa(e.Status) + " " + http.StatusText(e.Status) + ": " + e.Reason + "\n"
}
