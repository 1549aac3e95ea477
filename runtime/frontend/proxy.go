package frontend

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/poolctl/poolctl/runtime/spec"
)

// Bodies of the answers the front end gives itself.
const (
	badHostname = "Bad Request - Invalid Hostname\n\nHTTP Error 400. The request hostname is invalid.\n"
	badBody     = "400 Bad Request: the request's body broke off\n"
	noApp       = "404 Not Found: no application of the site serves this path\n"
	badGateway  = "502 Bad Gateway: the application's process cannot be reached\n"
	badResponse = "502 Bad Gateway: the application's process sent a malformed response\n"
	queueFull   = "503 Service Unavailable: the application pool's queue is full\n"
	poolStopped = "503 Service Unavailable: the application pool is stopped\n"
	noPool      = "503 Service Unavailable: the application's pool does not exist\n"
	unavailable = "503 Service Unavailable\n"
	noConnect   = "405 Method Not Allowed: CONNECT\n"
)

// Headers only the runtime's ping may send to a worker.
const (
	pingHeader      = "X-Poolctl-Ping"
	unhealthyHeader = "X-Poolctl-Unhealthy"
)

// handler serves a request once its site is known: application, lease, forwarding.
type handler struct {
	pools Pools
	conns *connPool
	bufs  *bufferPool
}

// newHandler returns a handler that asks pools for workers.
func newHandler(pools Pools) *handler {
	return &handler{pools: pools, conns: newConnPool(), bufs: &bufferPool{}}
}

// closeIdle closes the idle connections to workers, for good.
func (h *handler) closeIdle() { h.conns.close() }

// serve finds the request's application in site, gets a lease on a worker of its pool
// and forwards the request to it.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, site *spec.Site) {
	if r.Method == http.MethodConnect {
		writeText(w, http.StatusMethodNotAllowed, noConnect)
		return
	}
	app := matchApp(site.Apps, routePath(r))
	if app == nil {
		writeText(w, http.StatusNotFound, noApp)
		return
	}
	lease, err := h.pools.Acquire(r.Context(), app)
	if err != nil {
		refuse(w, r, err)
		return
	}
	failed := false
	defer func() { lease.Done(failed) }()
	var abort bool
	failed, abort = h.forward(w, r, lease.Addr())
	if abort {
		// The response is cut short: the client must see it so (a connection closed
		// before the end), not a complete response.
		panic(http.ErrAbortHandler)
	}
}

// refuse answers a request that got no lease.
func refuse(w http.ResponseWriter, r *http.Request, err error) {
	var stopped *StoppedError
	switch {
	case errors.As(err, &stopped) && stopped.Reset:
		resetConn(w)
	case stopped != nil:
		writeText(w, http.StatusServiceUnavailable, poolStopped)
	case errors.Is(err, ErrQueueFull):
		writeText(w, http.StatusServiceUnavailable, queueFull)
	case errors.Is(err, ErrNoPool):
		writeText(w, http.StatusServiceUnavailable, noPool)
	case r.Context().Err() != nil:
		// The client went away while the request waited: nobody to answer.
	default:
		writeText(w, http.StatusServiceUnavailable, unavailable)
	}
}

// resetConn ends the request's connection with a TCP reset (SO_LINGER 0, then close),
// as HTTP.sys does for a stopped pool with loadBalancerCapabilities TcpLevel.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		writeText(w, http.StatusServiceUnavailable, poolStopped)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// writeText writes a short plain-text answer.
func writeText(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, msg)
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
