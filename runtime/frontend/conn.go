//go:build unix

package frontend

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// States of a client connection, for Shutdown.
const (
	stateIdle   int32 = iota // waiting for the first byte of a request
	stateActive              // reading or serving a request
	stateClosed              // closed while idle by Shutdown
)

// Sizes of a client connection's buffers.
const (
	clientReadBuf  = 4 << 10
	clientWriteBuf = 4 << 10
)

// aLongTimeAgo is a deadline in the past: it makes blocked reads return at once.
var aLongTimeAgo = time.Unix(1, 0)

// clientConn is one client connection: it reads requests one after the other (a
// pipelined request waits in br), has each served and answered in order, and keeps the
// connection while both sides want it.
type clientConn struct {
	srv    *connServer
	conn   net.Conn
	rw     net.Conn // reads and writes conn (fastConn)
	raw    syscall.RawConn
	br     *bufio.Reader
	bw     *bufio.Writer
	local  netip.Addr                  // the address the connection came in on
	client string                      // the client's IP address, for X-Forwarded-For
	tls    bool                        // the connection is TLS (an https binding), handshake done
	sni    string                      // the server name the client asked for in the handshake, normalHost
	h2     atomic.Pointer[http.Server] // the HTTP/2 server of the connection, when it speaks h2
	ctx    context.Context
	cancel context.CancelFunc
	state  atomic.Int32
	watch  watcher
	idleBy time.Time // the read deadline idleDeadline set, while nothing changed it since; else zero
	woke   bool      // serveLatched waited for the latch, which found the socket readable

	req    h1.Request               // the request being served
	start  time.Time                // when its head was read
	app    *spec.App                // its application, once routed
	rep    reply                    // its response
	body   *reqBody                 // its body, once forwarding has begun reading it
	fields []h1.Field               // scratch for a worker's response head
	cur    atomic.Pointer[inflight] // the request in flight, once routed (inflight.go)
	out    *streamReply             // the HTTP/2 stream the response goes to; nil on an HTTP/1.1 connection (bw)

	mu      sync.Mutex
	latch   *readLatch               // waits for requests once the connection has carried latchAfter (useLatch)
	back    *backendConn             // the worker connection of the request in flight
	gone    bool                     // the client went away or the connection was closed
	streams map[*clientConn]struct{} // the connections of HTTP/2 streams in flight
}

// newClientConn returns a connection of s, not yet served.
func newClientConn(s *connServer, conn net.Conn) *clientConn {
	rw := fastConn(conn)
	c := &clientConn{
		srv:  s,
		conn: conn,
		rw:   rw,
		br:   bufio.NewReaderSize(rw, clientReadBuf),
		bw:   s.l.h.writers.get(rw),
	}
	c.ctx, c.cancel = context.WithCancel(s.base)
	c.watch.c = c
	if sc, ok := netConn(conn).(syscall.Conn); ok { // a client's close is seen on the TCP connection
		c.raw, _ = sc.SyscallConn()
	}
	if a, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		c.local = a.AddrPort().Addr().Unmap()
	}
	if a, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		c.client = a.AddrPort().Addr().Unmap().String()
	}
	return c
}

// netConn returns the TCP connection under conn: conn itself, or a TLS connection's.
func netConn(conn net.Conn) net.Conn {
	if tc, ok := conn.(*tls.Conn); ok {
		return tc.NetConn()
	}
	return conn
}

// serve serves the connection's requests until one side ends it.
func (c *clientConn) serve() {
	defer c.end()
	if !c.handshake() {
		return
	}
	if c.h2Negotiated() {
		c.serveH2()
		return
	}
	c.serveRequests()
}

// latchAfter is how many requests a connection has carried when it begins to wait
// for the next ones on a readLatch: one that carries fewer costs no descriptor.
const latchAfter = 4

// serveRequests reads and serves HTTP/1.1 requests one after the other until the
// connection cannot carry another; after latchAfter of them, a connection serves the
// rest inside its latch's wait (serveLatched).
func (c *clientConn) serveRequests() {
	for n := 1; c.next(); n++ {
		if !c.serveNext() {
			return
		}
		if n == latchAfter && c.useLatch() {
			c.latch.serve(c.serveLatched)
			c.latch.close()
			return
		}
	}
}

// serveNext reads the next request and serves it, and reports whether the connection
// can carry another.
func (c *clientConn) serveNext() bool {
	if err := h1.ReadRequest(c.br, &c.req); err != nil {
		c.refuse(err)
		return false
	}
	return c.serveRequest()
}

// useLatch gives the connection a readLatch, of its TCP connection, and reports
// whether it has one.
func (c *clientConn) useLatch() bool {
	l := openLatch(netConn(c.rw))
	if l == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		l.close()
		return false
	}
	c.latch = l
	c.idleBy = time.Time{} // the next idle wait sets the latch's deadline as well
	return true
}

// serveLatched serves requests inside the latch's Read, until the connection cannot
// carry another (true). It returns false to wait for the next request when there is
// nothing to read (fill): nothing buffered, here or in crypto/tls, and the socket's
// last read drained it. The latch's Read then calls it again once the socket is
// readable, and the request is read without a read that finds nothing first. A wait
// can end for readiness the last read had seen; fill then finds nothing, and it waits
// again.
func (c *clientConn) serveLatched(uintptr) bool {
	for {
		if c.woke {
			c.latch.readable()
		} else if !c.rest() {
			return true
		}
		if c.br.Buffered() == 0 && !c.latch.fill(c.br) {
			c.woke = true
			return false
		}
		c.woke = false
		if !c.resume() || !c.serveNext() {
			return true
		}
	}
}

// next waits for the first byte of the next request (at most idleTimeout) and reports
// whether there is one to serve.
func (c *clientConn) next() bool { return c.rest() && c.resume() }

// rest makes the connection idle until the next request, and reports whether it may
// carry one.
func (c *clientConn) rest() bool {
	c.state.Store(stateIdle)
	if c.srv.shutting.Load() {
		return false
	}
	if c.br.Buffered() == 0 {
		c.srv.l.h.writers.put(c.bw) // idle: the write buffer waits in the pool, not here
		c.bw = nil
		c.idleDeadline()
	}
	return true
}

// resume waits for the first byte of the next request, when none is buffered, and
// makes the connection active; false when the connection ends.
func (c *clientConn) resume() bool {
	if c.br.Buffered() == 0 {
		if _, err := c.br.Peek(1); err != nil {
			return false
		}
	}
	if c.bw == nil {
		c.bw = c.srv.l.h.writers.get(c.rw)
	}
	if !c.state.CompareAndSwap(stateIdle, stateActive) {
		return false // Shutdown closed the connection meanwhile
	}
	if !h1.HeadBuffered(c.br) {
		c.setReadDeadline(time.Now().Add(readHeaderTimeout))
	}
	return true
}

// idleDeadline sets the read deadline of a wait for the next request, idleTimeout from
// now, or keeps the one it set for the last wait when nothing changed it since
// (deadlineKept, within idleSlack).
func (c *clientConn) idleDeadline() {
	t := time.Now().Add(idleTimeout)
	if !deadlineKept(c.idleBy, t, idleSlack) {
		c.conn.SetReadDeadline(t)
		if c.latch != nil {
			c.latch.setDeadline(t)
		}
		c.idleBy = t
	}
}

// setReadDeadline sets the read deadline of the client connection for another
// purpose than an idle wait.
func (c *clientConn) setReadDeadline(t time.Time) {
	c.conn.SetReadDeadline(t)
	c.idleBy = time.Time{}
}

// serveRequest serves c.req and reports whether the connection can carry another
// request.
func (c *clientConn) serveRequest() bool {
	c.answer()
	if c.rep.status == 0 || c.rep.ended {
		return false // reset, upgraded, or nothing could be answered
	}
	if err := c.bw.Flush(); err != nil {
		return false
	}
	if !c.bodyDone() {
		c.lingerClose() // the body's rest is unread: close without a reset
		return false
	}
	return !c.rep.close
}

// answer routes c.req to its site and answers it, on either protocol.
func (c *clientConn) answer() {
	r := &c.req
	c.rep = reply{head: r.Method == "HEAD", minor: r.Minor}
	c.body, c.app, c.start = nil, nil, time.Now()
	defer c.cur.Store(nil)
	if r.Length != 0 {
		c.setReadDeadline(time.Time{}) // the body's reads set their own (bodyClock)
	} else {
		c.watch.arm(c.start, true)
	}
	defer c.watch.stop()
	l := c.srv.l
	host := hostName(r.Host)
	site := l.routes.Load().site(host, c.local)
	switch {
	case c.misdirectedHost(host):
		c.text(421, misdirected)
	case site == nil:
		c.text(400, badHostname)
	default:
		l.h.serve(c, site)
	}
	c.served(site, c.rep.status)
}

// bodyDone reports whether the request's body, if any, has been read to its end, so
// that the next request can be read.
func (c *clientConn) bodyDone() bool {
	return c.req.Length == 0 || (c.body != nil && c.body.eof.Load())
}

// refuse answers a request that could not be read, when there is something to say.
func (c *clientConn) refuse(err error) {
	var he *h1.Error
	if !errors.As(err, &he) {
		return // the client closed, timed out or broke off: nobody to answer
	}
	c.rep = reply{close: true}
	c.body, c.app, c.start = nil, nil, time.Now()
	c.text(he.Status, refusal(he))
	c.served(nil, he.Status)
	if c.out == nil && c.bw.Flush() == nil {
		c.lingerClose()
	}
}

// lingerClose stops writing and reads what the client still sends for a moment, so
// that closing does not reset the connection before the client has read the answer.
// It ends the answer for the client at once: over TLS with close_notify, then with the
// TCP connection's half-close.
func (c *clientConn) lingerClose() {
	if tc, ok := c.conn.(*tls.Conn); ok {
		tc.CloseWrite() // the handshake is done: a request was read
	}
	if hc, ok := netConn(c.conn).(interface{ CloseWrite() error }); ok {
		hc.CloseWrite()
	}
	c.conn.SetReadDeadline(time.Now().Add(c.srv.l.h.times.linger))
	io.CopyN(io.Discard, c.conn, 256<<10)
}

// setBack makes bc the worker connection of the request in flight, interrupted at
// once when the client has gone away.
func (c *clientConn) setBack(bc *backendConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.back = bc
	if c.gone {
		bc.interrupt()
	}
}

// clearBackDeadline lifts the read deadline of bc, the worker connection of the
// request in flight, unless the client's going away interrupted it meanwhile.
func (c *clientConn) clearBackDeadline(bc *backendConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.gone {
		bc.setReadDeadline(time.Time{})
	}
}

// clearBack ends the request's use of its worker connection and reports whether the
// client's going away interrupted it.
func (c *clientConn) clearBack() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.back = nil
	return c.gone
}

// abort ends the connection at once: the request in flight stops waiting for a
// worker, its worker connection is interrupted, and the client connection closes (its
// latch is shut down, for the serving goroutine to close).
func (c *clientConn) abort() {
	// In this order: an exchange that wakes up from the interrupt finds the client
	// gone (its context ended, its connection closed), not a worker failure to answer.
	c.cancel()
	c.conn.Close()
	c.mu.Lock()
	c.gone = true
	if c.latch != nil {
		c.latch.shutdown()
	}
	if c.back != nil {
		c.back.interrupt()
	}
	c.mu.Unlock()
}

// end closes the connection once it is served.
func (c *clientConn) end() {
	c.srv.remove(c)
	c.abort()
	c.srv.limit.release()
}

// watchAfter is how long a request runs before the front end watches its client's
// connection for a close (handler.watch): requests answered sooner cost no watching.
const watchAfter = 20 * time.Millisecond

// watcher notices a client that closes its connection while its request waits for a
// worker or a response, and aborts the connection (net/http's background read, only
// for slow requests). Its timer is not reset per request: once set, it fires w.after
// later, and then watches, sets itself for what is left of the current request's
// wait, or rests.
type watcher struct {
	c        *clientConn
	after    time.Duration // how long the request runs before it is watched
	mu       sync.Mutex
	timer    *time.Timer
	done     chan struct{} // a watch has ended; stop waits for it
	since    time.Time     // when the request's wait began
	active   bool          // the request is to be watched from since+after
	pending  bool          // the timer is set
	watching bool          // a watch (run) began for the request
	stopped  bool          // the request is over
}

// arm starts watching handler.watch after now; start begins a new request (else a body
// just ended, and watching begins unless the request is over).
func (w *watcher) arm(now time.Time, start bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if start {
		w.stopped = false
	}
	if w.stopped || w.active || w.c.raw == nil || w.c.br.Buffered() > 0 {
		return
	}
	w.active, w.since, w.after = true, now, w.c.srv.l.h.watch
	switch {
	case w.pending: // it fires before since+after, and run sets it again
	case w.timer == nil:
		w.done = make(chan struct{}, 1)
		w.timer = time.AfterFunc(w.after, w.run)
		w.pending = true
	default:
		w.timer.Reset(w.after)
		w.pending = true
	}
}

// stop ends the watching of the request, waiting for a watch in progress to end.
func (w *watcher) stop() {
	w.mu.Lock()
	w.stopped, w.active = true, false
	watching := w.watching
	w.watching = false
	w.mu.Unlock()
	if !watching {
		return
	}
	w.c.setReadDeadline(aLongTimeAgo) // the watch (run) has changed it too
	<-w.done
}

// run, when the request has run for w.after, waits until the client's connection
// is readable and aborts it when the client closed it; data (a pipelined request)
// ends the watch.
func (w *watcher) run() {
	w.mu.Lock()
	if !w.active || w.watching {
		w.pending = false
		w.mu.Unlock()
		return
	}
	if left := time.Until(w.since.Add(w.after)); left > 0 {
		w.timer.Reset(left)
		w.mu.Unlock()
		return
	}
	w.pending, w.watching = false, true
	w.c.conn.SetReadDeadline(time.Time{})
	w.mu.Unlock()
	defer func() { w.done <- struct{}{} }()
	if w.c.peerClosed() {
		w.c.abort()
	}
}

// peerClosed waits until the connection is readable and reports whether the client
// closed it (or reset it); false when data arrived or the wait was stopped.
func (c *clientConn) peerClosed() bool {
	closed := false
	err := c.raw.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if err == syscall.EAGAIN || err == syscall.EINTR {
			return false
		}
		closed = n == 0 || err != nil
		return true
	})
	return err == nil && closed
}
