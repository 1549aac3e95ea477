//go:build unix

package frontend

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// TestTrailers: a worker's trailers reach the client.
func TestTrailers(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		io.WriteString(w, "body")
		w.(http.Flusher).Flush()
		w.Header().Set("X-Sum", "42")
		w.Header().Set(http.TrailerPrefix+"X-Late", "late")
	}))
	addr := oneSite(t, pools)
	resp, err := client(t).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "body" {
		t.Errorf("body %q", b)
	}
	if got := resp.Trailer.Get("X-Sum"); got != "42" {
		t.Errorf("trailer X-Sum = %q, want 42 (trailers %v)", got, resp.Trailer)
	}
	if got := resp.Trailer.Get("X-Late"); got != "late" {
		t.Errorf("trailer X-Late = %q, want late", got)
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true)")
	}
}

// TestEarlyHints: a 103 from the worker reaches the client before the response.
func TestEarlyHints(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</a.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		io.WriteString(w, "page")
	}))
	addr := oneSite(t, pools)
	var hints []string
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		hints = append(hints, fmt.Sprint(code, " ", h.Get("Link")))
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", "http://"+addr+"/", nil)
	resp, err := client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, _ := io.ReadAll(resp.Body); string(b) != "page" || resp.Header.Get("Link") != "" {
		t.Errorf("body %q, Link %q", b, resp.Header.Get("Link"))
	}
	if len(hints) != 1 || hints[0] != "103 </a.css>; rel=preload" {
		t.Errorf("1xx responses %q", hints)
	}
}

// TestBodies: request and response bodies of every framing arrive intact.
func TestBodies(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // read first: HTTP/1.x cannot read after writing
		sum := sha256.Sum256(b)
		w.Header().Set("X-Sum", fmt.Sprintf("%x", sum))
		w.Header().Set("X-TE", strings.Join(r.TransferEncoding, ","))
		if r.URL.Query().Get("stream") != "" {
			w.(http.Flusher).Flush() // chunked response
		}
		w.Write(b)
	}))
	addr := oneSite(t, pools)
	c := client(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 200_000) // 3.2 MB
	for _, tt := range []struct {
		name   string
		method string
		body   io.Reader
		want   []byte
		query  string
		te     string
	}{
		{"GET", "GET", nil, nil, "", ""},
		{"POST fixed", "POST", bytes.NewReader(big), big, "", ""},
		{"POST fixed, streamed back", "POST", bytes.NewReader(big), big, "?stream=1", ""},
		{"POST chunked", "POST", io.MultiReader(bytes.NewReader(big)), big, "", "chunked"},
		{"POST empty", "POST", http.NoBody, nil, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, "http://"+addr+"/"+tt.query, tt.body)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || !bytes.Equal(b, tt.want) {
				t.Fatalf("got %d bytes (%v), want %d", len(b), err, len(tt.want))
			}
			if want := fmt.Sprintf("%x", sha256.Sum256(tt.want)); resp.Header.Get("X-Sum") != want {
				t.Errorf("the worker got a different body")
			}
			if got := resp.Header.Get("X-TE"); got != tt.te {
				t.Errorf("worker saw Transfer-Encoding %q, want %q", got, tt.te)
			}
		})
	}
	resp, err := c.Head("http://" + addr + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD: %v", err)
	}
	resp.Body.Close()
}

// TestStaleConnections: connections the worker closed while idle are not used: requests
// with and without a body succeed after the worker's idle timeout.
func TestStaleConnections(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	srv.Config.IdleTimeout = 20 * time.Millisecond
	conns := &connCount{changed: make(chan struct{})}
	srv.Config.ConnState = conns.track
	srv.Start()
	t.Cleanup(srv.Close)
	pools := newFakePools()
	pools.set("A:/", srv.Listener.Addr().String())
	addr := oneSite(t, pools)
	c := client(t)
	for i := range 6 {
		var body io.Reader
		if i%2 == 1 {
			body = strings.NewReader("payload")
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/", body)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered := time.Now()
		if resp.StatusCode != http.StatusOK || string(b) != "ok" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, b)
		}
		// The worker closes the idle connection (its IdleTimeout); then the front
		// end's connection must be older than staleCheckAfter, a span of the real
		// clock the front end reads.
		conns.waitAllClosed(t)
		<-time.After(time.Until(answered.Add(staleCheckAfter + 10*time.Millisecond)))
	}
}

// connCount counts an http.Server's connections opened and closed.
type connCount struct {
	mu             sync.Mutex
	opened, closed int
	changed        chan struct{} // closed and replaced at each change
}

// track is the server's ConnState hook.
func (c *connCount) track(_ net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.opened++
	case http.StateClosed, http.StateHijacked:
		c.closed++
	default:
		return
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// waitAllClosed waits until every connection the server accepted is closed.
func (c *connCount) waitAllClosed(t *testing.T) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		done, ch := c.opened == c.closed, c.changed
		c.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatal("the worker did not close its idle connections within 10 s")
		}
	}
}

// wsBackend answers an upgrade to "echo" with 101 and then echoes what it reads.
func wsBackend(t *testing.T) string {
	return backend(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "echo" {
			http.Error(w, "want an upgrade", http.StatusBadRequest)
			return
		}
		upgradeEcho(w)
	})
}

// upgradeEcho answers an "Upgrade: echo" request: 101, then it echoes what it reads.
func upgradeEcho(w http.ResponseWriter) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	brw.Flush()
	io.Copy(conn, brw)
}

// dialUpgrade opens an upgraded connection through the front end.
func dialUpgrade(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	io.WriteString(conn, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Upgrade") != "echo" {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	return conn, br
}

// TestUpgrade: an upgraded connection (WebSocket) carries data both ways, ends the
// lease when it closes, and is closed by Shutdown.
func TestUpgrade(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", wsBackend(t))
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools)
	addr := s.Addrs()[0].String()

	conn, br := dialUpgrade(t, addr)
	for _, msg := range []string{"hello\n", "again\n"} {
		io.WriteString(conn, msg)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if line, err := br.ReadString('\n'); err != nil || line != msg {
			t.Fatalf("echo %q, %v", line, err)
		}
	}
	conn.Close()
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after an upgraded connection closed")
	}

	conn, br = dialUpgrade(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	s.Shutdown(ctx)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadString('\n'); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("upgraded connection after Shutdown: read error %v, want it closed", err)
	}
}

// TestUpgradeRefused: a worker that answers an upgrade with a normal response is passed
// on as it is.
func TestUpgradeRefused(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no upgrade here", http.StatusBadRequest)
	}))
	addr := oneSite(t, pools)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("got %v, %v; want the worker's 400", resp, err)
	}
}

// TestMalformedResponse: a worker that answers garbage gives 502 and a failed lease.
func TestMalformedResponse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096))
			io.WriteString(c, "NOT HTTP AT ALL\r\n\r\n")
			c.Close()
		}
	}()
	pools := newFakePools()
	pools.set("A:/", l.Addr().String())
	addr := oneSite(t, pools)
	resp, body := get(t, client(t), addr, "", "/", nil)
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(body, "malformed") {
		t.Errorf("got %d %q, want 502 malformed", resp.StatusCode, body)
	}
	if d := pools.waitDone(t); !d.failed {
		t.Error("Done(false) after a malformed response")
	}
}
