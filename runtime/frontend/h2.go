//go:build unix

package frontend

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// HTTP/2 limits, as HTTP.sys sets them by default: 100 concurrent streams a
// connection (Http2MaxConcurrentStreams), frames of 16 KiB (the protocol's initial
// SETTINGS_MAX_FRAME_SIZE, which a larger frame breaks with FRAME_SIZE_ERROR), and a
// request head of 16 KiB, h1's limit (MaxRequestBytes).
const (
	h2MaxStreams     = 100
	h2MaxFrame       = 16 << 10
	h2MaxHeaderBytes = 16 << 10
)

// serveH2 serves a TLS connection that negotiated HTTP/2 by ALPN with net/http's
// HTTP/2 server (the Go team's framing, flow control and HPACK). Each stream is
// served as an HTTP/1.1 request of its own (serveStream): the front end's routing,
// refusals and forwarding are the same for both protocols. It returns when the
// connection ends.
func (c *clientConn) serveH2() {
	c.state.Store(stateActive) // Shutdown ends it with a GOAWAY (connServer.begin), not as idle
	srv := &http.Server{
		Handler:        http.HandlerFunc(c.serveStream),
		MaxHeaderBytes: h2MaxHeaderBytes,
		IdleTimeout:    idleTimeout,
		HTTP2:          &http.HTTP2Config{MaxConcurrentStreams: h2MaxStreams, MaxReadFrameSize: h2MaxFrame},
		ErrorLog:       c.srv.errLog,
		BaseContext:    func(net.Listener) context.Context { return c.ctx },
	}
	ln := newOneConnListener(c.conn)
	// net/http serves a *tls.Conn that negotiated h2 itself (TLSNextProto), so the
	// connection goes to Serve as it is, and its end is seen through ConnState.
	ended := make(chan struct{})
	var once sync.Once
	srv.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateClosed || st == http.StateHijacked {
			once.Do(func() { close(ended) })
			ln.Close()
		}
	}
	c.h2.Store(srv)
	if c.srv.shutting.Load() {
		return // Shutdown began before the server was stored: it cannot end it
	}
	srv.Serve(ln)
	// Serve returns when its listener closes, which Shutdown does at once: the
	// connection goes on until its streams are done.
	if ln.accepted.Load() {
		<-ended
	}
}

// shutdownH2 asks an HTTP/2 connection to end gracefully: a GOAWAY, then the streams
// in flight finish. It does nothing for other connections.
func (c *clientConn) shutdownH2() {
	if srv := c.h2.Load(); srv != nil {
		go srv.Shutdown(context.Background()) // Close ends what Shutdown leaves
	}
}

// oneConnListener hands out one connection, then waits until it is closed (when the
// connection is over): http.Server.Serve serves the connection and returns then.
type oneConnListener struct {
	conn     net.Conn
	once     sync.Once
	done     chan struct{}
	next     chan net.Conn
	accepted atomic.Bool // Accept handed the connection out
}

// newOneConnListener returns a listener of conn alone.
func newOneConnListener(conn net.Conn) *oneConnListener {
	l := &oneConnListener{conn: conn, done: make(chan struct{}), next: make(chan net.Conn, 1)}
	l.next <- conn
	return l
}

// Accept returns the connection once, then waits until the listener is closed.
func (l *oneConnListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.next:
		l.accepted.Store(true)
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close closes the listener (not the connection).
func (l *oneConnListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr returns the connection's local address.
func (l *oneConnListener) Addr() net.Addr { return l.conn.LocalAddr() }
