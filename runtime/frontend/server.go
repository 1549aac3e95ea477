//go:build unix

package frontend

import (
	"context"
	"errors"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// errServerClosed is what serve returns once its server shuts down.
var errServerClosed = errors.New("frontend: server closed")

// connServer serves the client connections of one listener with the front end's own
// HTTP/1.1 server (conn.go), and shuts them down gracefully: it is to the listener
// what an http.Server was, without a goroutine, a context and a map per request.
type connServer struct {
	l      *listener
	base   context.Context
	errLog *log.Logger
	limit  *connLimit

	shutting atomic.Bool // responses say Connection: close, and connections end after them
	mu       sync.Mutex
	conns    map[*clientConn]struct{}
	lns      []net.Listener
}

// newConnServer returns a server of l's connections; base is the parent of every
// connection's context (its end closes upgraded connections).
// limit counts the connections of every listener of the front end.
func newConnServer(l *listener, base context.Context, errLog *log.Logger, limit *connLimit) *connServer {
	return &connServer{l: l, base: base, errLog: errLog, limit: limit, conns: make(map[*clientConn]struct{})}
}

// serve accepts connections on ln until it closes, and serves each on its own
// goroutine. It returns errServerClosed after Shutdown or Close.
func (s *connServer) serve(ln net.Listener) error {
	if !s.track(ln) {
		return errServerClosed
	}
	var backoff time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.shutting.Load() {
				return errServerClosed
			}
			if temporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.errLog.Printf("accept: %v; retrying in %v", err, backoff)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if !s.limit.acquire(ln.Addr()) {
			s.limit.refuse(conn)
			continue
		}
		c := newClientConn(s, conn)
		if !s.add(c) {
			s.limit.release()
			conn.Close()
			continue
		}
		go c.serve()
	}
}

// track records a listener for Shutdown; it reports false when shutdown has begun.
func (s *connServer) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting.Load() {
		return false
	}
	s.lns = append(s.lns, ln)
	return true
}

// add records a connection; it reports false when shutdown has begun.
func (s *connServer) add(c *clientConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

// remove forgets a connection that ended or left for another protocol (an upgrade).
func (s *connServer) remove(c *clientConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Shutdown stops accepting, closes idle connections, and waits until the requests in
// flight have been answered (their connections close after the response) or ctx ends;
// then it closes the connections left and returns ctx's error.
func (s *connServer) Shutdown(ctx context.Context) error {
	s.begin()
	wait := time.Millisecond
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		if s.closeIdle() {
			return nil
		}
		select {
		case <-ctx.Done():
			s.Close()
			return ctx.Err()
		case <-timer.C:
			wait = min(2*wait, 100*time.Millisecond)
			timer.Reset(wait)
		}
	}
}

// Close stops accepting and closes every connection at once.
func (s *connServer) Close() {
	s.begin()
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.abort()
	}
}

// begin marks the shutdown and closes the listeners.
func (s *connServer) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shutting.Store(true)
	for _, ln := range s.lns {
		ln.Close()
	}
	s.lns = nil
	for c := range s.conns {
		c.shutdownH2()
	}
}

// closeIdle closes the connections waiting for a request and reports whether none is
// left.
func (s *connServer) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if c.state.CompareAndSwap(stateIdle, stateClosed) {
			c.abort()
		}
	}
	return len(s.conns) == 0
}

// temporary reports whether an accept error passes (out of file descriptors or
// memory for a moment), so that accepting goes on after a pause, as net/http does.
func temporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
