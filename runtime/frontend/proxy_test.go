//go:build unix

package frontend

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/poolctl/poolctl/runtime/spec"
	"golang.org/x/sys/unix"
)

// oneSite starts a front end with one site on 127.0.0.1 whose root application is in
// pool "A:/", and returns its address.
func oneSite(t *testing.T, pools Pools) string {
	t.Helper()
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools)
	return s.Addrs()[0].String()
}

// TestRefusals: what Acquire says becomes a 503 with a short body (runtime.md: a
// request that finds the queue full gets 503 at once; a stopped pool with
// loadBalancerCapabilities HttpLevel answers 503).
func TestRefusals(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ErrQueueFull, "the application pool's queue is full"},
		{fmt.Errorf("pool A: %w", ErrQueueFull), "queue is full"},
		{&StoppedError{Pool: "A"}, "the application pool is stopped"},
		{ErrNoPool, "the application's pool does not exist"},
		{errors.New("something else"), "503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			pools := newFakePools()
			pools.fail("A:/", tt.err)
			addr := oneSite(t, pools)
			resp, body := get(t, client(t), addr, "", "/", nil)
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %q, want 503 with %q", resp.StatusCode, body, tt.want)
			}
		})
	}
}

// TestStoppedReset: a stopped pool with loadBalancerCapabilities TcpLevel answers with
// a TCP reset ("Configuring Rapid-Fail Protection": TcpLevel makes HTTP.sys reset the
// connection instead of sending a 503).
func TestStoppedReset(t *testing.T) {
	pools := newFakePools()
	pools.fail("A:/", &StoppedError{Pool: "A", Reset: true})
	addr := oneSite(t, pools)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := conn.Read(make([]byte, 100))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read %d bytes, error %v; want connection reset by peer", n, err)
	}
}

// TestBackendDown: a worker that cannot be reached gives 502 and a failed lease.
func TestBackendDown(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", hostPort("127.0.0.1", freePort(t, "127.0.0.1")))
	addr := oneSite(t, pools)
	resp, body := get(t, client(t), addr, "", "/", nil)
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("got %d %q, want 502", resp.StatusCode, body)
	}
	if d := pools.waitDone(t); !d.failed || d.pool != "A:/" {
		t.Errorf("Done = %+v, want failed for A:/", d)
	}
}

// TestStreamDone: the lease ends (not failed) only when a streamed response has been
// sent in full.
func TestStreamDone(t *testing.T) {
	step := make(chan struct{})
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "chunk %d\n", i)
			w.(http.Flusher).Flush()
			<-step
		}
	}))
	addr := oneSite(t, pools)
	resp, err := client(t).Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for i := range 3 {
		line, err := br.ReadString('\n')
		if err != nil || line != fmt.Sprintf("chunk %d\n", i) {
			t.Fatalf("read %q, %v", line, err)
		}
		pools.noDone(t, 50*time.Millisecond)
		step <- struct{}{}
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Fatalf("rest %q, %v", rest, err)
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after a complete streamed response, want Done(false)")
	}
}

// TestClientGoesAway: a client that leaves in the middle of a response ends the lease
// not failed: the worker did nothing wrong.
func TestClientGoesAway(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	addr := oneSite(t, pools)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil || line != "first\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	conn.Close()
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after the client went away, want Done(false)")
	}
}

// TestBackendBreaksOff: a worker that closes its connection in the middle of a response
// ends the lease failed, and the client sees the response cut short.
func TestBackendBreaksOff(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "only ten b")
		w.(http.Flusher).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	addr := oneSite(t, pools)
	// The proxy aborts the response: the client sees no response or a short body.
	if resp, err := client(t).Get("http://" + addr + "/"); err == nil {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("read %q in full; want an error", b)
		}
	}
	if d := pools.waitDone(t); !d.failed {
		t.Error("Done(false) after the worker broke off, want Done(true)")
	}
}

// TestForwardedHeaders: the worker gets the client's Host, X-Forwarded-For (appended to),
// X-Forwarded-Host and -Proto, and never a client's X-Poolctl-Ping or X-Poolctl-Unhealthy.
func TestForwardedHeaders(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", echoBackend(t).Listener.Addr().String())
	addr := oneSite(t, pools)
	h := http.Header{
		"X-Poolctl-Ping":      {"1"},
		"X-Poolctl-Unhealthy": {"fake"},
		"X-Forwarded-For":     {"10.1.2.3"},
		"X-Forwarded-Host":    {"evil.example"},
		"X-Forwarded-Proto":   {"https"},
		"X-Custom":            {"kept"},
	}
	resp, body := get(t, client(t), addr, "www.example.com", "/p?q=1", h)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %q", resp.StatusCode, body)
	}
	e := decodeEcho(t, body)
	for name, want := range map[string]string{
		"X-Poolctl-Ping":      "",
		"X-Poolctl-Unhealthy": "",
		"X-Forwarded-For":     "10.1.2.3, 127.0.0.1",
		"X-Forwarded-Host":    "www.example.com",
		"X-Forwarded-Proto":   "http",
		"X-Custom":            "kept",
	} {
		if got := strings.Join(e.Header[name], ","); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if e.Host != "www.example.com" {
		t.Errorf("worker saw Host %q, want www.example.com", e.Host)
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after a good response")
	}
}

// TestRequestBody: a request body reaches the worker.
func TestRequestBody(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body) // read first: HTTP/1.x cannot read after writing
		w.Write(b)
	}))
	addr := oneSite(t, pools)
	payload := strings.Repeat("x", 100_000)
	resp, err := client(t).Post("http://"+addr+"/", "text/plain", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != payload {
		t.Errorf("echoed %d bytes, %v; want %d", len(b), err, len(payload))
	}
}

// TestWarmLease: a lease's open connection (WarmLease) carries the request, and the
// front end opens none of its own.
func TestWarmLease(t *testing.T) {
	var mu sync.Mutex
	var opened, served []string // the client addresses of the worker's connections
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served = append(served, r.RemoteAddr)
		mu.Unlock()
		io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			opened = append(opened, c.RemoteAddr().String())
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	warm, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	pools := newFakePools()
	pools.set("A:/", srv.Listener.Addr().String())
	pools.warm = warm
	addr := oneSite(t, pools)
	if resp, body := get(t, client(t), addr, "", "/", nil); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("GET / = %d %q", resp.StatusCode, body)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{warm.LocalAddr().String()}
	if d := cmp.Diff(want, served); d != "" {
		t.Errorf("the request came on (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want, opened); d != "" {
		t.Errorf("the worker's connections (-want +got):\n%s", d)
	}
}

// TestWarmLeaseClosedMeanwhile: a lease's connection that the worker has closed since
// (it waited long for its first request) is not used: a request that cannot be sent
// twice (POST) gets the worker's answer on a connection of its own, not a 502.
func TestWarmLeaseClosedMeanwhile(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) { io.Copy(w, r.Body) }))
	closer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	warm, err := net.Dial("tcp", closer.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer, err := closer.Accept()
	if err != nil {
		t.Fatal(err)
	}
	peer.Close()
	waitReadable(t, warm.(*net.TCPConn), unix.POLLIN) // until the close has come, unread
	pools.warm = warm
	addr := oneSite(t, pools)
	resp, err := client(t).Post("http://"+addr+"/", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "body" {
		t.Errorf("POST / = %d %q, want 200 \"body\" from the worker", resp.StatusCode, b)
	}
}
