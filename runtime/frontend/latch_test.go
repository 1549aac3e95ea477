//go:build unix

package frontend

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// latchedConn starts a front end of one site, on an https binding when https, whose
// worker answers "ok" to GET, echoes a POST's body and takes "Upgrade: echo"
// (upgradeEcho), and returns it with a keep-alive connection that has carried more
// than latchAfter requests: on Linux without -race, one that waits for the next on its
// readLatch (checked).
func latchedConn(t *testing.T, pools *fakePools, https bool) (*Server, *keepAlive) {
	t.Helper()
	return latchedConnOver(t, pools, https, nil, nil)
}

// latchedConnOver is latchedConn whose client speaks through over(the TCP connection),
// when over is not nil, and whose front end tweak changes before it starts, when tweak
// is not nil.
func latchedConnOver(t *testing.T, pools *fakePools, https bool, over func(net.Conn) net.Conn, tweak func(*Server)) (*Server, *keepAlive) {
	t.Helper()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "echo" {
			upgradeEcho(w)
			return
		}
		if r.Method == http.MethodPost {
			io.Copy(w, r.Body)
			return
		}
		io.WriteString(w, "ok")
	}))
	b := bind("127.0.0.1", 0, "", 1)
	if https {
		b = tlsBind("127.0.0.1", 0, latchHost, 1)
	}
	s := New([]*spec.Site{site("A", []spec.Binding{b})}, pools, slog.New(slog.DiscardHandler))
	var pki *testPKI
	if https {
		pki = newTestPKI(t, latchHost)
		s.UseCertificates(pki.byServerName)
	}
	if tweak != nil {
		tweak(s)
	}
	startServer(t, s)
	conn, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if over != nil {
		conn = over(conn)
	}
	if https {
		conn = tls.Client(conn, &tls.Config{RootCAs: pki.pool, ServerName: latchHost, NextProtos: []string{"http/1.1"}})
	}
	k := &keepAlive{conn: conn, br: bufio.NewReader(conn)}
	for range latchAfter + 1 {
		if code, body := k.get(t, "/"); code != 200 || body != "ok" {
			t.Fatalf("GET / = %d %q", code, body)
		}
	}
	if built, n := latchesBuilt(t), latched(s); built && n != 1 {
		t.Fatalf("%d connections wait on a latch after %d requests, want 1", n, latchAfter+1)
	}
	return s, k
}

// latchHost is the https binding's host name in latchedConn, which keepAlive.get sends.
const latchHost = "a.example"

// bothSchemes runs f for a connection over plain TCP and one over TLS.
func bothSchemes(t *testing.T, f func(t *testing.T, https bool)) {
	for _, https := range []bool{false, true} {
		name := "http"
		if https {
			name = "https"
		}
		t.Run(name, func(t *testing.T) { f(t, https) })
	}
}

// latchesBuilt reports whether this build gives connections latches (Linux, no -race).
func latchesBuilt(t *testing.T) bool {
	accepted, _ := tcpPair(t)
	l := openLatch(fastConn(accepted))
	if l == nil {
		return false
	}
	l.close()
	return true
}

// latched returns how many of s's client connections have a latch.
func latched(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.lns {
		l.srv.mu.Lock()
		for c := range l.srv.conns {
			c.mu.Lock()
			if c.latch != nil {
				n++
			}
			c.mu.Unlock()
		}
		l.srv.mu.Unlock()
	}
	return n
}

// readAnswers reads n responses from k and returns their bodies.
func readAnswers(t *testing.T, k *keepAlive, n int) []string {
	t.Helper()
	k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var bodies []string
	for range n {
		resp, err := http.ReadResponse(k.br, nil)
		if err != nil {
			t.Fatalf("response %d of %d: %v", len(bodies)+1, n, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		bodies = append(bodies, string(b))
	}
	return bodies
}

// TestLatchedConnection: a connection that waits for requests on its latch still
// answers pipelined requests, sent at once or one by one before any answer, requests
// with a body, and a client that ends its side after a request.
func TestLatchedConnection(t *testing.T) {
	get := "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n"
	post := func(body string) string {
		return "POST / HTTP/1.1\r\nHost: a.example\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	split := post("abcdef")
	tests := []struct {
		name   string
		writes []string // written one after the other, before any answer is read
		want   []string // the bodies of the answers
	}{
		{"pipelined in one write", []string{get + get + get}, []string{"ok", "ok", "ok"}},
		{"pipelined write by write", []string{get, get, get}, []string{"ok", "ok", "ok"}},
		{"with bodies", []string{post("one"), get, post("three")}, []string{"one", "ok", "three"}},
		{"body in pieces", []string{split[:len(split)-3], split[len(split)-3:], get}, []string{"abcdef", "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bothSchemes(t, func(t *testing.T, https bool) {
				_, k := latchedConn(t, newFakePools(), https)
				for _, w := range tt.writes {
					if _, err := io.WriteString(k.conn, w); err != nil {
						t.Fatal(err)
					}
				}
				got := readAnswers(t, k, len(tt.want))
				if strings.Join(got, ",") != strings.Join(tt.want, ",") {
					t.Errorf("answers %q, want %q", got, tt.want)
				}
				if code, body := k.get(t, "/"); code != 200 || body != "ok" {
					t.Errorf("GET / after them = %d %q", code, body)
				}
			})
		})
	}
}

// TestLatchedConnectionHalfClosed: a client that sends a request and then ends its
// side (a FIN; over TLS a close_notify) gets the answer, and then the connection's end
// at once, not at the idle timeout.
func TestLatchedConnectionHalfClosed(t *testing.T) {
	bothSchemes(t, func(t *testing.T, https bool) {
		_, k := latchedConn(t, newFakePools(), https)
		io.WriteString(k.conn, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")
		k.conn.(interface{ CloseWrite() error }).CloseWrite()
		if got := readAnswers(t, k, 1); got[0] != "ok" {
			t.Errorf("answer %q, want \"ok\"", got[0])
		}
		if b, err := k.br.ReadByte(); err != io.EOF {
			t.Errorf("after the answer: read %q, %v; want io.EOF", b, err)
		}
	})
}

// TestShutdownClosesLatched: Shutdown closes a connection that waits on its latch, at
// once.
func TestShutdownClosesLatched(t *testing.T) {
	bothSchemes(t, func(t *testing.T, https bool) {
		s, k := latchedConn(t, newFakePools(), https)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown = %v with a latched idle connection open", err)
		}
		k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if b, err := k.br.ReadByte(); err != io.EOF {
			t.Errorf("latched connection after Shutdown: read %q, %v; want io.EOF", b, err)
		}
	})
}

// TestUpgradeLatched: a latched connection that is upgraded carries data both ways,
// and Shutdown closes it.
func TestUpgradeLatched(t *testing.T) {
	bothSchemes(t, func(t *testing.T, https bool) { upgradeLatched(t, https) })
}

// upgradeLatched is TestUpgradeLatched for one scheme.
func upgradeLatched(t *testing.T, https bool) {
	s, k := latchedConn(t, newFakePools(), https)
	io.WriteString(k.conn, "GET /ws HTTP/1.1\r\nHost: a.example\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(k.br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	io.WriteString(k.conn, "hello\n")
	if line, err := k.br.ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("echo %q, %v", line, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	s.Shutdown(ctx)
	if _, err := k.br.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("upgraded latched connection after Shutdown: read error %v, want it closed", err)
	}
}

// TestStoppedResetLatched: a stopped pool's reset (SO_LINGER 0) reaches a client whose
// connection has a latch, whose descriptor is closed last.
func TestStoppedResetLatched(t *testing.T) {
	bothSchemes(t, func(t *testing.T, https bool) {
		pools := newFakePools()
		_, k := latchedConn(t, pools, https)
		pools.fail("A:/", &StoppedError{Pool: "A", Reset: true})
		io.WriteString(k.conn, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")
		k.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := k.br.Read(make([]byte, 100))
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("read %d bytes, error %v; want connection reset by peer", n, err)
		}
	})
}

// heldConn keeps what is written to it while hold is set, for the test to send in
// pieces of its choosing.
type heldConn struct {
	net.Conn
	hold bool
	buf  []byte
}

func (h *heldConn) Write(p []byte) (int, error) {
	if h.hold {
		h.buf = append(h.buf, p...)
		return len(p), nil
	}
	return h.Conn.Write(p)
}

// TestLatchedTLSPartialAlert: over TLS, a request comes in one read with the beginning
// of the client's close_notify, whose rest comes later. crypto/tls reads ahead for the
// alert, which is not all there: the request is answered all the same, and the
// connection ends once the alert is complete.
func TestLatchedTLSPartialAlert(t *testing.T) {
	var hc *heldConn
	_, k := latchedConnOver(t, newFakePools(), true, func(c net.Conn) net.Conn {
		hc = &heldConn{Conn: c}
		return hc
	}, nil)
	conn, tcp := k.conn.(*tls.Conn), hc.Conn
	hc.hold = true
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: "+latchHost+"\r\n\r\n")
	conn.CloseWrite() // close_notify; it sets the write deadline to now
	hc.hold = false
	tcp.SetWriteDeadline(time.Time{})
	const rest = 8 // of the alert's record, sent after the answer
	if _, err := tcp.Write(hc.buf[:len(hc.buf)-rest]); err != nil {
		t.Fatal(err)
	}
	if got := readAnswers(t, k, 1); got[0] != "ok" {
		t.Fatalf("answer %q, want \"ok\"", got[0])
	}
	if _, err := tcp.Write(hc.buf[len(hc.buf)-rest:]); err != nil {
		t.Fatal(err)
	}
	if b, err := k.br.ReadByte(); err != io.EOF {
		t.Errorf("after the alert: read %q, %v; want io.EOF", b, err)
	}
}
