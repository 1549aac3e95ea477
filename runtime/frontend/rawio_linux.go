//go:build linux && !race

package frontend

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawTCP is a TCP connection whose reads and writes make their system calls with
// syscall.RawSyscall, which the Go scheduler does not account as system calls, through
// the connection's poller: a read or write that would block parks the goroutine as
// net.Conn's do, and deadlines and Close hold.
//
// The socket is non-blocking, so a read or write never waits in the kernel, but the
// scheduler's accounting of a blocking call costs more than the call: the P it leaves
// in a system call is handed to another thread when sysmon finds it there on two of
// its ticks 20 µs apart, as it often does when a write wakes the peer on a busy
// machine, and sysmon then keeps ticking every 20 µs. bench/runab.sh with the workers
// on SCHED_BATCH: 1.04x to 1.19x the requests a second over HTTP/1.1 and 0.79x to 0.90x
// the front end's CPU a request.
//
// One Read and one Write may run at a time, as bufio's readers and writers and
// crypto/tls call them: each has its own state.
//
// holdWrite defers a Write to the next Read, which writes it inside the poller's wait
// for the answer (sendFD): a request sent to a worker is then followed by no read
// that finds nothing yet (EAGAIN), one system call a request fewer.
//
// The race detector sees the order that socket I/O gives goroutines (a write before
// the read that gets its bytes) through annotations in syscall.Read and Write, which
// RawSyscall does not have: a build with -race reads and writes through net.Conn
// (rawio_other.go), and make test runs this package once more without it.
type rawTCP struct {
	*net.TCPConn
	rc     syscall.RawConn
	rp, wp []byte // the buffer of the read, of the write, in progress
	rn, wn int
	re, we syscall.Errno
	rf, wf func(fd uintptr) bool // readFD and writeFD, made once
	sf     func(fd uintptr) bool // sendFD, made once
	hold   bool                  // the next Write is held for the next Read (holdWrite)
	held   []byte                // what the next Read writes first
	sent   int                   // how much of held sendFD wrote
	se     syscall.Errno         // the error of sendFD's write
	in     *inqRead              // reads that say what they left (enableInq); else nil
	// drained says the last read through in took all there was (readLatch).
	drained bool
	// nowait makes a read through in return errNothing rather than wait: at once,
	// without a system call, when the last read drained the socket, else when it
	// finds nothing (readLatch.fill).
	nowait bool
}

// inqRead is the message of a read made with recvmsg on a socket with TCP_INQ set,
// whose control message says how many bytes the read left in the socket; a FIN left
// counts as one (tcp(7)).
type inqRead struct {
	msg syscall.Msghdr
	iov syscall.Iovec
	oob [32]byte // room for TCP_INQ's control message, syscall.CmsgSpace(4): 24 bytes on 64-bit Linux
}

// enableInq sets TCP_INQ on the socket, after which its reads say whether they
// drained it (drained); false when the kernel (before Linux 4.18) cannot.
func (r *rawTCP) enableInq() bool {
	var serr error
	err := r.rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_TCP, unix.TCP_INQ, 1) })
	if err != nil || serr != nil {
		return false
	}
	in := &inqRead{}
	in.msg.Iov, in.msg.Iovlen = &in.iov, 1
	in.msg.Control = &in.oob[0]
	r.in, r.drained = in, false
	return true
}

// fastConn returns conn with rawTCP's reads and writes when it is a TCP connection,
// else conn itself.
func fastConn(conn net.Conn) net.Conn {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return conn
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return conn
	}
	r := &rawTCP{TCPConn: tc, rc: rc}
	r.rf, r.wf, r.sf = r.readFD, r.writeFD, r.sendFD
	return r
}

// fastListener is a listener whose connections are fastConn's; crypto/tls reads and
// writes a TLS connection through it.
type fastListener struct{ net.Listener }

// Accept returns the next connection.
func (l fastListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return fastConn(c), nil
}

// rawIO reads (SYS_READ) or writes (SYS_WRITE) p on fd with one raw system call.
func rawIO(trap, fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), e
}

// readFD reads into rp; false asks the poller to wait until fd is readable.
func (r *rawTCP) readFD(fd uintptr) bool {
	if r.in != nil {
		return r.recvFD(fd)
	}
	r.rn, r.re = rawIO(syscall.SYS_READ, fd, r.rp)
	return r.re != syscall.EAGAIN && r.re != syscall.EINTR
}

// recvFD reads into rp as readFD does, with recvmsg, and notes whether the read
// drained the socket: it found nothing, or left nothing, not even a FIN.
func (r *rawTCP) recvFD(fd uintptr) bool {
	in := r.in
	in.iov.Base = unsafe.SliceData(r.rp)
	in.iov.SetLen(len(r.rp))
	in.msg.SetControllen(len(in.oob))
	n, _, e := syscall.RawSyscall(syscall.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&in.msg)), 0)
	in.iov.Base = nil
	r.rn, r.re = int(n), e
	r.drained = e == syscall.EAGAIN || (e == 0 && n > 0 && in.left() == 0)
	return e != syscall.EINTR && (e != syscall.EAGAIN || r.nowait)
}

// left returns what the last recvmsg's TCP_INQ message says it left in the socket,
// or 1 when there is no such message.
func (in *inqRead) left() int32 {
	if int(in.msg.Controllen) < syscall.CmsgLen(4) {
		return 1
	}
	h := (*syscall.Cmsghdr)(unsafe.Pointer(&in.oob[0]))
	if h.Level != syscall.SOL_TCP || h.Type != unix.TCP_CM_INQ {
		return 1
	}
	return *(*int32)(unsafe.Pointer(&in.oob[syscall.CmsgLen(0)]))
}

// writeFD writes wp; false asks the poller to wait until fd is writable.
func (r *rawTCP) writeFD(fd uintptr) bool {
	r.wn, r.we = rawIO(syscall.SYS_WRITE, fd, r.wp)
	return r.we != syscall.EAGAIN && r.we != syscall.EINTR
}

// sendFD writes what is held; written at once in full, it asks the poller to wait
// until fd is readable, and then reads into rp (readFD), without a read that finds
// nothing before. The poller forgets the readiness it saw before the Read began, but
// an answer to the bytes written here cannot come sooner. A write that is short,
// would block or fails ends the wait with the rest still held.
func (r *rawTCP) sendFD(fd uintptr) bool {
	if r.sent == len(r.held) {
		return r.readFD(fd)
	}
	n, e := rawIO(syscall.SYS_WRITE, fd, r.held[r.sent:])
	if e != 0 {
		r.se = e
		return true
	}
	r.sent += n
	return r.sent < len(r.held)
}

// holdWrite makes the next Write keep its bytes, for the next Read to write before
// it waits (sendFD). Only while no other goroutine writes the connection.
func (r *rawTCP) holdWrite() { r.hold = true }

// Read reads from the connection, after writing what holdWrite held: io.EOF when the
// peer closed it.
func (r *rawTCP) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.nowait && r.drained {
		return 0, errNothing
	}
	r.rp = p
	err := r.read()
	r.rp = nil
	switch {
	case err != nil:
		return 0, err
	case r.re == syscall.EAGAIN: // nowait
		return 0, errNothing
	case r.re != 0:
		return 0, os.NewSyscallError("read", r.re)
	case r.rn == 0:
		return 0, io.EOF
	}
	return r.rn, nil
}

// read reads into rp through the poller, writing first what is held (sendFD); what
// a short write left is written the usual way, and the read made after.
func (r *rawTCP) read() error {
	if len(r.held) == 0 {
		return r.rc.Read(r.rf)
	}
	r.se, r.sent = 0, 0
	err := r.rc.Read(r.sf)
	rest := r.held[r.sent:]
	r.held = r.held[:0]
	switch {
	case err != nil || len(rest) == 0:
		return err
	case r.se != 0 && r.se != syscall.EAGAIN && r.se != syscall.EINTR:
		return os.NewSyscallError("write", r.se)
	}
	if _, err := r.write(rest); err != nil {
		return err
	}
	return r.rc.Read(r.rf)
}

// Write writes p to the connection, or holds it (holdWrite).
func (r *rawTCP) Write(p []byte) (int, error) {
	if r.hold {
		r.hold = false
		r.held = append(r.held, p...)
		return len(p), nil
	}
	if len(r.held) > 0 { // not read since: what was held goes first
		held := r.held
		r.held = r.held[:0]
		if _, err := r.write(held); err != nil {
			return 0, err
		}
	}
	return r.write(p)
}

// write writes p to the connection.
func (r *rawTCP) write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		r.wp = p[n:]
		err := r.rc.Write(r.wf)
		r.wp = nil
		switch {
		case err != nil:
			return n, err
		case r.we != 0:
			return n, os.NewSyscallError("write", r.we)
		}
		n += r.wn
	}
	return n, nil
}
