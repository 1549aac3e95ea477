//go:build unix

package frontend

import (
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestLingerCloseEndsTheAnswer: a connection closed with its client's input unread (a
// request that cannot be read, answered 400) ends for the client as soon as the answer
// is sent, while the front end still reads what the client sends: for a minute here,
// longer than the test waits. Over TLS the end is a close_notify: the client's TLS
// ends before the TCP connection's end is read (clients such as OpenSSL 3's take an
// end without close_notify for an error).
func TestLingerCloseEndsTheAnswer(t *testing.T) {
	bothSchemes(t, func(t *testing.T, https bool) {
		var tcp *eofConn
		over := func(c net.Conn) net.Conn {
			tcp = &eofConn{Conn: c}
			return tcp
		}
		_, k := latchedConnOver(t, newFakePools(), https, over, func(s *Server) { s.h.times.linger = time.Minute })
		k.conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(k.conn, "GET / HTTP/1.1\r\nHost: "+latchHost+"\r\nno colon\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(k.br, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("the 400's body: %v", err)
		}
		if resp.StatusCode != http.StatusBadRequest || !resp.Close {
			t.Fatalf("a request that cannot be read: %s, close %v; want 400, closing", resp.Status, resp.Close)
		}
		if rest, err := io.ReadAll(k.br); err != nil || len(rest) > 0 {
			t.Errorf("after the answer: %q, %v; want the end of the connection at once", rest, err)
		}
		if https && tcp.eof.Load() {
			t.Error("the client's TLS ended with the TCP connection, not with a close_notify")
		}
	})
}

// eofConn is a connection that records whether a read of it returned io.EOF.
type eofConn struct {
	net.Conn
	eof atomic.Bool
}

func (c *eofConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.eof.Store(true)
	}
	return n, err
}
