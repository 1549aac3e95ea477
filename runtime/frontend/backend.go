//go:build unix

package frontend

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
)

// Connections to workers. Workers are local: a dial that takes seconds will not succeed.
const (
	dialTimeout      = 10 * time.Second
	maxIdlePerWorker = 1024
	backendIdle      = 90 * time.Second       // an idle connection is closed after this
	staleCheckAfter  = 100 * time.Millisecond // an idle connection older than this is checked before use
	backendBufSize   = 16 << 10
)

// backendConn is one HTTP/1.1 keep-alive connection to a worker.
type backendConn struct {
	addr  string
	conn  net.Conn
	raw   syscall.RawConn
	br    *bufio.Reader
	bw    *bufio.Writer
	since time.Time // when it went idle
	rdl   time.Time // the read deadline setReadDeadline set; zero: none
	abort func()    // bc.interrupt, made once: context.AfterFunc takes it per request
	peekE error
	peek  func(fd uintptr) bool // bc.peekFD, made once
	held  writeHolder           // conn's writes, when the next one can wait for a read; else nil
}

// writeHolder is a connection whose next Write can be held until its next Read
// writes it, inside the wait for the answer (rawTCP).
type writeHolder interface{ holdWrite() }

// flushHeld sends what bw holds: written by the read of the answer when the
// connection can (writeHolder) and nothing already read waits in br. No other
// goroutine may write the connection until that read.
func (bc *backendConn) flushHeld() error {
	if bc.held != nil && bc.br.Buffered() == 0 && bc.bw.Buffered() > 0 {
		bc.held.holdWrite()
	}
	return bc.bw.Flush()
}

// interrupt makes the connection's blocked reads and writes fail at once.
func (bc *backendConn) interrupt() { bc.conn.SetDeadline(time.Unix(1, 0)) }

// setReadDeadline sets the connection's read deadline and remembers it.
func (bc *backendConn) setReadDeadline(t time.Time) {
	bc.conn.SetReadDeadline(t)
	bc.rdl = t
}

// readBy makes t the read deadline, or keeps the one set (deadlineKept).
func (bc *backendConn) readBy(t time.Time, slack time.Duration) {
	if !deadlineKept(bc.rdl, t, slack) {
		bc.setReadDeadline(t)
	}
}

// peekFD peeks at the socket without blocking.
func (bc *backendConn) peekFD(fd uintptr) bool {
	var b [1]byte
	_, _, bc.peekE = syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	return true
}

// alive reports whether an idle connection can still carry a request: the worker has
// not closed it, nor sent anything unasked.
func (bc *backendConn) alive(now time.Time) bool {
	if bc.br.Buffered() > 0 {
		return false
	}
	if now.Sub(bc.since) < staleCheckAfter || bc.raw == nil {
		return true
	}
	if !bc.rdl.IsZero() && !bc.rdl.After(now) {
		bc.setReadDeadline(time.Time{}) // a response's head deadline, kept (readBy), is past
	}
	if err := bc.raw.Read(bc.peek); err != nil {
		return false
	}
	return errors.Is(bc.peekE, syscall.EAGAIN) // else closed (n == 0) or data nobody asked for
}

// connPool keeps idle connections to workers, by address, newest first.
type connPool struct {
	dialer net.Dialer
	mu     sync.Mutex
	idle   map[string][]*backendConn
	timer  *time.Timer // prunes idle connections while there are any
	closed bool
}

// newConnPool returns an empty pool.
func newConnPool() *connPool {
	return &connPool{
		dialer: net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second},
		idle:   make(map[string][]*backendConn),
	}
}

// get returns an idle connection to addr, or a new one; reused says which. now is
// the time.
func (p *connPool) get(ctx context.Context, addr string, now time.Time) (bc *backendConn, reused bool, err error) {
	for {
		p.mu.Lock()
		list := p.idle[addr]
		if len(list) == 0 {
			p.mu.Unlock()
			break
		}
		bc = list[len(list)-1]
		list[len(list)-1] = nil
		p.idle[addr] = list[:len(list)-1]
		p.mu.Unlock()
		if bc.alive(now) {
			return bc, true, nil
		}
		bc.conn.Close()
	}
	bc, err = p.dial(ctx, addr)
	return bc, false, err
}

// dial opens a connection to addr.
func (p *connPool) dial(ctx context.Context, addr string) (*backendConn, error) {
	conn, err := p.dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return newBackendConn(conn, addr), nil
}

// adopt takes conn, an open and idle connection to addr that the pool did not dial
// (WarmLease), as one of its idle connections. How long it has been idle is not known
// (a worker may wait long for its first request), so it counts as idle since ever:
// alive checks that the worker has not closed it before it is used.
func (p *connPool) adopt(conn net.Conn, addr string) {
	p.put(newBackendConn(conn, addr), time.Time{})
}

// newBackendConn returns conn, a connection to addr, ready to carry requests.
func newBackendConn(conn net.Conn, addr string) *backendConn {
	rw := fastConn(conn)
	bc := &backendConn{
		addr: addr,
		conn: conn,
		br:   bufio.NewReaderSize(rw, backendBufSize),
		bw:   bufio.NewWriterSize(rw, backendBufSize),
	}
	if sc, ok := conn.(syscall.Conn); ok {
		bc.raw, _ = sc.SyscallConn()
	}
	bc.abort, bc.peek = bc.interrupt, bc.peekFD
	bc.held, _ = rw.(writeHolder)
	return bc
}

// put takes back a connection whose exchange, begun at since, ended cleanly. The
// exchange's beginning stands for its end: the connection looks idle for longer than
// it is, which checks it sooner (alive) and closes it sooner (prune), never later.
func (p *connPool) put(bc *backendConn, since time.Time) {
	if bc.br.Buffered() > 0 {
		bc.conn.Close()
		return
	}
	bc.since = since
	p.mu.Lock()
	list := p.idle[bc.addr]
	if p.closed || len(list) >= maxIdlePerWorker {
		p.mu.Unlock()
		bc.conn.Close()
		return
	}
	p.idle[bc.addr] = append(list, bc)
	if p.timer == nil {
		p.timer = time.AfterFunc(backendIdle/3, p.prune)
	}
	p.mu.Unlock()
}

// prune closes the connections idle for longer than backendIdle (those of a worker
// that went away among them), and comes back while any are left.
func (p *connPool) prune() {
	old := time.Now().Add(-backendIdle)
	p.mu.Lock()
	defer p.mu.Unlock()
	for addr, list := range p.idle {
		keep := list[:0]
		for _, bc := range list {
			if bc.since.Before(old) {
				bc.conn.Close()
			} else {
				keep = append(keep, bc)
			}
		}
		clear(list[len(keep):])
		if len(keep) == 0 {
			delete(p.idle, addr)
		} else {
			p.idle[addr] = keep
		}
	}
	p.timer = nil
	if len(p.idle) > 0 && !p.closed {
		p.timer = time.AfterFunc(backendIdle/3, p.prune)
	}
}

// close closes every idle connection; connections put back later are closed too.
func (p *connPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, list := range p.idle {
		for _, bc := range list {
			bc.conn.Close()
		}
	}
	clear(p.idle)
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}
