//go:build linux && !race

package frontend

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// latchPair returns a latch of the accepted end of a loopback TCP pair, that end's
// rawTCP, and the peer; the latch's waits end in 10 s.
func latchPair(t *testing.T) (*readLatch, *rawTCP, net.Conn) {
	t.Helper()
	accepted, peer := tcpPair(t)
	r := fastConn(accepted).(*rawTCP)
	l := openLatch(r)
	if l == nil {
		t.Fatal("openLatch of a rawTCP = nil")
	}
	t.Cleanup(l.close)
	l.setDeadline(time.Now().Add(10 * time.Second))
	return l, r, peer
}

// send writes s to the peer.
func send(t *testing.T, peer net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(peer, s); err != nil {
		t.Fatal(err)
	}
}

// TestReadLatchKeepsReadiness: data that arrives after the last read, while the latch's
// callback still runs, ends the wait that follows at once. A Read of the connection
// begun then would forget it (internal/poll's prepareRead) and wait for more.
func TestReadLatchKeepsReadiness(t *testing.T) {
	l, r, peer := latchPair(t)
	send(t, peer, "a")
	buf := make([]byte, 16)
	calls := 0
	err := l.serve(func(uintptr) bool {
		calls++
		if calls > 1 {
			return true
		}
		if n, err := r.Read(buf); n != 1 || err != nil {
			t.Errorf("Read = %d, %v; want the 1 byte sent", n, err)
		}
		if !l.r.drained {
			t.Error("drained = false after a read of less than there was room for")
		}
		send(t, peer, "b") // the next request, sent before the wait begins
		waitReadable(t, r, unix.POLLIN)
		return false
	})
	if err != nil || calls != 2 {
		t.Fatalf("serve = %v after %d calls; want nil after 2 (the wait ended by data already there)", err, calls)
	}
	if n, err := r.Read(buf); n != 1 || err != nil || buf[0] != 'b' {
		t.Errorf("Read = %q, %v; want \"b\"", buf[:n], err)
	}
}

// TestReadLatchDrained: a read drains the socket when it finds nothing or leaves
// nothing, a full buffer's read included, but not when it leaves the peer's FIN.
func TestReadLatchDrained(t *testing.T) {
	l, r, peer := latchPair(t)
	if l.r.drained {
		t.Error("drained = true before a read of the latch's wait")
	}
	read := func(size int, want string, drained bool) {
		t.Helper()
		b := make([]byte, size)
		n, err := r.Read(b)
		if string(b[:n]) != want || err != nil {
			t.Fatalf("Read = %q, %v; want %q", b[:n], err, want)
		}
		if l.r.drained != drained {
			t.Errorf("after reading %q: drained = %v, want %v", want, !drained, drained)
		}
	}
	send(t, peer, "abcd")
	waitReadable(t, r, unix.POLLIN)
	read(2, "ab", false)
	read(2, "cd", true)

	r.SetReadDeadline(time.Now().Add(time.Millisecond))
	if _, err := r.Read(make([]byte, 2)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read of nothing = %v, want os.ErrDeadlineExceeded", err)
	}
	if !l.r.drained {
		t.Error("drained = false after a read that found nothing")
	}
	r.SetReadDeadline(time.Time{})

	send(t, peer, "x")
	peer.(*net.TCPConn).CloseWrite()
	waitReadable(t, r, unix.POLLRDHUP)
	read(8, "x", false)
	if n, err := r.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("Read after the FIN = %d, %v; want io.EOF", n, err)
	}
}

// TestReadLatchFill: fill reads without waiting, and reads the socket only when it
// may hold something: after a wait of the latch (readable), or when the last read left
// something. A wait can end for data already read: epoll reports readiness it saw
// before the read when it was harvested sooner, and then fill finds nothing.
func TestReadLatchFill(t *testing.T) {
	l, r, peer := latchPair(t)
	r.SetReadDeadline(time.Now().Add(10 * time.Second)) // a fill that waited would wait this long
	br := bufio.NewReader(r)
	if l.fill(br) {
		t.Fatalf("fill of an empty socket = true (%d bytes buffered), want false at once", br.Buffered())
	}
	if !l.r.drained {
		t.Error("drained = false after a fill that found nothing")
	}
	send(t, peer, "a")
	waitReadable(t, r, unix.POLLIN)
	if l.fill(br) {
		t.Error("fill after a read that drained the socket, without readable = true: it read the socket")
	}
	l.readable()
	if !l.fill(br) || br.Buffered() != 1 {
		t.Fatalf("fill after readable, with 1 byte to read = false, or %d bytes buffered", br.Buffered())
	}
	if b, err := br.ReadByte(); b != 'a' || err != nil {
		t.Errorf("ReadByte = %q, %v; want 'a'", b, err)
	}

	send(t, peer, "bcd")
	waitReadable(t, r, unix.POLLIN)
	if n, err := r.Read(make([]byte, 1)); n != 1 || err != nil { // leaves "cd"
		t.Fatalf("Read = %d, %v", n, err)
	}
	if !l.fill(br) || br.Buffered() != 2 {
		t.Fatalf("fill after a read that left 2 bytes = false, or %d bytes buffered", br.Buffered())
	}
	br.Discard(2)

	peer.Close()
	waitReadable(t, r, unix.POLLRDHUP)
	l.readable()
	if !l.fill(br) {
		t.Error("fill at the peer's close = false, want true (the next read says io.EOF)")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("ReadByte after the close = %v, want io.EOF", err)
	}
}

// TestReadLatchDeadline: the latch's deadline ends its wait.
func TestReadLatchDeadline(t *testing.T) {
	l, _, _ := latchPair(t)
	l.setDeadline(time.Now().Add(20 * time.Millisecond))
	if err := l.serve(func(uintptr) bool { return false }); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("serve past the deadline = %v, want os.ErrDeadlineExceeded", err)
	}
}

// TestReadLatchShutdown: shutdown, from another goroutine, wakes the latch's wait and
// ends the socket for the peer, though the connection's own descriptor is open.
func TestReadLatchShutdown(t *testing.T) {
	l, _, peer := latchPair(t)
	waiting := make(chan struct{})
	calls := 0
	go func() { <-waiting; l.shutdown() }()
	err := l.serve(func(uintptr) bool {
		calls++
		if calls == 1 {
			close(waiting)
		}
		return calls > 1
	})
	if err != nil || calls != 2 {
		t.Errorf("serve = %v after %d calls; want nil after 2 (woken by shutdown)", err, calls)
	}
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := peer.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the peer read %d bytes, %v; want io.EOF", n, err)
	}
}

// TestOpenLatchNeedsRawTCP: a connection that is not a rawTCP (TLS, say) has no latch.
func TestOpenLatchNeedsRawTCP(t *testing.T) {
	accepted, _ := tcpPair(t)
	if l := openLatch(accepted); l != nil {
		l.close()
		t.Errorf("openLatch of a %T = a latch, want nil", accepted)
	}
}
