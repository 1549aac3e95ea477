//go:build linux && !race

package frontend

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRawTCP checks that rawTCP reads and writes as net.Conn does: the bytes both ways
// in pieces larger than the socket's buffer, io.EOF at the peer's close, a deadline's
// os.ErrDeadlineExceeded, and net.ErrClosed after Close.
func TestRawTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := fastListener{ln}.Accept()
		if err != nil {
			t.Error(err)
			c = nil
		}
		accepted <- c
	}()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	c := <-accepted
	if c == nil {
		t.FailNow()
	}
	if _, ok := c.(*rawTCP); !ok {
		t.Fatalf("accepted a %T, want a *rawTCP", c)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past the deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	c.SetReadDeadline(time.Time{})
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB: writes that wait for room
	go func() {
		io.WriteString(peer, big)
		peer.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != big {
		t.Fatalf("read %d bytes, %v; want the 1 MiB the peer wrote, then io.EOF", len(got), err)
	}
	done := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(peer); done <- b }()
	if n, err := io.WriteString(c, big); n != len(big) || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	c.(*rawTCP).CloseWrite()
	if b := <-done; string(b) != big {
		t.Fatalf("the peer read %d bytes, want the 1 MiB written", len(b))
	}
	c.Close()
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after Close: %v, want net.ErrClosed", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write after Close: %v, want net.ErrClosed", err)
	}
}
