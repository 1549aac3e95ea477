//go:build unix

package frontend

import (
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/runtime/event"
)

// Connection limit defaults: each client connection may hold connFDs descriptors (its
// own, a worker connection, and on Linux its readLatch), and fdReserve are kept for
// listeners, workers' pipes, the admin socket and files.
const (
	fdReserve        = 256
	minConnLimit     = 16
	maxRefusing      = 64          // refusals answered at once; beyond, a new connection is just closed
	refuseTimeout    = time.Second // how long a refused connection may take to be answered
	refuseDrainBytes = 64 << 10    // what is read of a refused client's request, so that closing does not reset it
	connLimitResume  = 9           // an episode at the limit ends below connLimitResume/10 of it
	refusedResponse  = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 48\r\nRetry-After: 1\r\nConnection: close\r\n\r\nThe server has too many connections; retry later"
)

// connLimit bounds the client connections of a front end, counted across all its
// listeners, so that accepting never runs the process out of file descriptors:
// at the limit, a new connection is answered 503 and closed at once instead of
// being left waiting, and the episode is logged once (event 9024).
type connLimit struct {
	max      int64
	n        atomic.Int64
	over     atomic.Bool // an episode at the limit is under way and was logged
	refusing atomic.Int64
	log      *slog.Logger
}

// newConnLimit returns a limit of max connections; max 0 or less means the default,
// derived from the soft RLIMIT_NOFILE.
func newConnLimit(max int, log *slog.Logger) *connLimit {
	if max <= 0 {
		max = defaultConnLimit()
	}
	return &connLimit{max: int64(max), log: log}
}

// defaultConnLimit returns the descriptors the soft RLIMIT_NOFILE leaves after
// fdReserve, divided by connFDs, and at least minConnLimit.
func defaultConnLimit() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == unix.RLIM_INFINITY {
		return 1 << 20
	}
	return max(int(min(rl.Cur, 1<<40)-fdReserve)/connFDs, minConnLimit)
}

// acquire counts a new connection from addr and reports whether it is within the
// limit; when it is not, the connection was not counted.
func (l *connLimit) acquire(addr net.Addr) bool {
	if l.n.Add(1) <= l.max {
		return true
	}
	l.n.Add(-1)
	if l.over.CompareAndSwap(false, true) {
		l.log.Warn("connection limit reached: new connections get 503 until some end",
			"id", event.ConnectionLimit, "limit", l.max, "listener", addr.String())
	}
	return false
}

// release uncounts a connection that ended; well below the limit, the next episode
// at it is logged again.
func (l *connLimit) release() {
	if l.n.Add(-1) < l.max*connLimitResume/10 {
		l.over.Store(false)
	}
}

// refuse answers conn 503 and closes it. What the client sent already is read first,
// without waiting, and after the answer the rest of its request is drained on a
// goroutine (at most maxRefusing at once, each for at most refuseTimeout): closing a
// socket with unread data resets it, and the client would lose the answer.
func (l *connLimit) refuse(conn net.Conn) {
	discardPending(conn)
	conn.SetDeadline(time.Now().Add(refuseTimeout))
	if _, err := io.WriteString(conn, refusedResponse); err != nil {
		conn.Close()
		return
	}
	if l.refusing.Add(1) > maxRefusing {
		l.refusing.Add(-1)
		conn.Close()
		return
	}
	go func() {
		defer l.refusing.Add(-1)
		defer conn.Close()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		io.Copy(io.Discard, io.LimitReader(conn, refuseDrainBytes))
	}()
}

// discardPending reads, without waiting, what conn has received so far.
func discardPending(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 4096)
	raw.Read(func(fd uintptr) bool {
		for range refuseDrainBytes / len(buf) {
			if n, _, err := unix.Recvfrom(int(fd), buf, unix.MSG_DONTWAIT); n <= 0 || err != nil {
				break
			}
		}
		return true
	})
}
