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

// TestRawTCPHeldWrite checks that a write held by holdWrite reaches the peer before
// the next Read waits for its answer: a small one at once, one larger than the
// socket's buffers in parts, one followed by a Write before any Read in order; and
// that a peer gone before the held write makes that Read fail.
func TestRawTCPHeldWrite(t *testing.T) {
	small, big := "GET / HTTP/1.1\r\n\r\n", strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	tests := []struct {
		name   string
		held   string
		after  string // written with Write after the held write, before the Read
		answer string
	}{
		{name: "small", held: small, answer: "HTTP/1.1 200 OK\r\n\r\n"},
		{name: "larger than the buffers", held: big, answer: "done"},
		{name: "a write before the read", held: small, after: "and more", answer: "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, peer := rawPair(t)
			c.SetWriteBuffer(64 << 10) // a held write larger than this is written in parts
			peer.(*net.TCPConn).SetReadBuffer(64 << 10)
			want := tt.held + tt.after
			type heard struct {
				b   []byte
				err error
			}
			got := make(chan heard, 1) // the peer reports here, never through t
			go func() {
				b := make([]byte, len(want))
				_, err := io.ReadFull(peer, b)
				if err == nil {
					_, err = io.WriteString(peer, tt.answer)
				}
				got <- heard{b, err}
			}()
			c.holdWrite()
			if n, err := io.WriteString(c, tt.held); n != len(tt.held) || err != nil {
				t.Fatalf("held write: %d, %v", n, err)
			}
			if tt.after != "" {
				if _, err := io.WriteString(c, tt.after); err != nil {
					t.Fatalf("write: %v", err)
				}
			}
			b := make([]byte, len(tt.answer))
			if _, err := io.ReadFull(c, b); err != nil || string(b) != tt.answer {
				t.Fatalf("read %q, %v; want %q", b, err, tt.answer)
			}
			if h := <-got; h.err != nil || string(h.b) != want {
				t.Errorf("the peer: %v, and the bytes read are the %d written: %v", h.err, len(want), string(h.b) == want)
			}
		})
	}
	t.Run("peer gone", func(t *testing.T) {
		c, peer := rawPair(t)
		peer.(*net.TCPConn).SetLinger(0)
		peer.Close() // a reset
		c.holdWrite()
		io.WriteString(c, small)
		c.SetReadDeadline(time.Now().Add(time.Minute))
		if _, err := c.Read(make([]byte, 16)); err == nil {
			t.Error("read after a held write to a reset connection: no error")
		}
	})
}

// rawPair returns a rawTCP and the net.Conn at its other end, both closed by the
// test's cleanup.
func rawPair(t *testing.T) (*rawTCP, net.Conn) {
	conn, peer := tcpPair(t)
	return fastConn(conn).(*rawTCP), peer
}
