//go:build linux && !race

package frontend

import (
	"bufio"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// connFDs is how many descriptors a client connection may hold: its own, a worker
// connection's, and its readLatch's.
const connFDs = 3

// readLatch keeps, from the moment a wait of a client's keep-alive connection begins,
// the readiness the poller sees for it: a second descriptor of the socket, which Go's
// poller watches on its own.
//
// A Read of a net.Conn forgets the readiness its poller saw before the Read began
// (internal/poll's prepareRead), so a read that waits for the next request must try
// first, and on a keep-alive connection that try finds nothing (EAGAIN): one system
// call a request. A Read of the latch lasts while requests are served one after the
// other, in its callback (serve), which returns false to wait only when nothing is
// left to read (fill) and the last read of the socket took all there was
// (rawTCP.drained): data that came after that read has made the latch readable, and
// nothing before it is left unread.
//
// Only the serving goroutine closes the latch, once serve has returned: Close waits for
// the Read to end. Another goroutine wakes it with shutdown, which also ends the socket
// for the client as closing its last descriptor would.
type readLatch struct {
	f  *os.File
	rc syscall.RawConn
	r  *rawTCP
}

// openLatch returns a latch of conn, the TCP connection under the client's (crypto/tls
// reads through it), or nil when conn is not a rawTCP or no descriptor can be had
// (the process is out of them).
func openLatch(conn net.Conn) *readLatch {
	r, ok := conn.(*rawTCP)
	if !ok || !r.enableInq() {
		return nil
	}
	fd, err := -1, error(nil)
	cerr := r.rc.Control(func(s uintptr) { fd, err = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) })
	if cerr != nil || err != nil {
		return nil
	}
	// The socket is non-blocking (its open file is shared), so the file is pollable;
	// a deadline says so.
	f := os.NewFile(uintptr(fd), "latch")
	if f.SetReadDeadline(time.Time{}) != nil {
		f.Close()
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	return &readLatch{f: f, rc: rc, r: r}
}

// serve calls fn until it returns true, waiting until the socket is readable each time
// it returns false; an error when the wait's deadline passed or the latch was shut down
// or closed.
func (l *readLatch) serve(fn func(fd uintptr) bool) error { return l.rc.Read(fn) }

// errNothing is what a read returns that fill makes, when it finds nothing. It is a
// temporary net.Error, which crypto/tls does not keep as the connection's error:
// a record it has begun to read stays for the next Read.
var errNothing error = nothingYet{}

// nothingYet is errNothing's type.
type nothingYet struct{}

func (nothingYet) Error() string   { return "frontend: nothing to read yet" }
func (nothingYet) Timeout() bool   { return false }
func (nothingYet) Temporary() bool { return true }

// readable says that the latch's wait ended: the socket has something, so fill reads
// it, whatever the last read found.
func (l *readLatch) readable() { l.r.drained = false }

// fill reads into br what there is without waiting, and reports whether there was
// anything, or an error that br's next read meets again. br reads the socket through
// what lies between (crypto/tls, which may hold records it has read), and the socket
// is read only when its last read did not drain it: after a wait of the latch
// (readable), or when that read left something. A wait can end for readiness older
// than the last read, which found everything then: fill finds nothing.
//
// crypto/tls returns errNothing with a record's data when it reads ahead for an alert
// that is not all there yet (its Read predicts a close_notify), and bufio keeps the
// error for its next read: that is the next fill's, since nothing can follow the
// alert, and it waits for the alert's rest (TestLatchedTLSPartialAlert).
func (l *readLatch) fill(br *bufio.Reader) bool {
	l.r.nowait = true
	_, err := br.Peek(1)
	l.r.nowait = false
	return err != errNothing
}

// setDeadline sets the deadline of serve's waits.
func (l *readLatch) setDeadline(t time.Time) { l.f.SetReadDeadline(t) }

// shutdown ends the socket both ways, which wakes serve's wait, from any goroutine.
func (l *readLatch) shutdown() {
	l.rc.Control(func(fd uintptr) { syscall.Shutdown(int(fd), syscall.SHUT_RDWR) })
}

// close closes the latch's descriptor, once serve has returned.
func (l *readLatch) close() { l.f.Close() }
