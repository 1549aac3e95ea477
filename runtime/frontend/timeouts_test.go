//go:build unix

package frontend

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/spec"
)

func TestBodyDeadline(t *testing.T) {
	tt := timeouts{bodyIdle: 2 * time.Minute, bodyGrace: 2 * time.Minute, bodyMinRate: 240}
	start := time.Unix(1000, 0)
	tests := []struct {
		name string
		now  time.Duration // since start
		n    int64
		want time.Duration // since start
	}{
		{"at the start the idle limit", 0, 0, 2 * time.Minute},
		{"1 byte a second is cut soon after the grace", 100 * time.Second, 100, 2*time.Minute + 416666666},
		{"a fast body keeps the idle limit", 10 * time.Second, 10 << 20, 10*time.Second + 2*time.Minute},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			got := tt.bodyDeadline(start, start.Add(c.now), c.n).Sub(start)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("deadline since start (-want +got):\n%s", diff)
			}
		})
	}
}

// shortTimes starts a one-site front end whose timeouts are t, forwarding to addr.
func shortTimes(t *testing.T, addr string, times timeouts) string {
	t.Helper()
	pools := newFakePools()
	pools.set("A:/", addr)
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools)
	s.h.times = times
	return s.Addrs()[0].String()
}

// readAnswer reads the response on conn, failing the test after 30 s.
func readAnswer(t *testing.T, conn net.Conn) int {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDeadlineKept checks when a read deadline set before may stay for a new wait.
func TestDeadlineKept(t *testing.T) {
	want := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		set  time.Time
		kept bool
	}{
		{"none set", time.Time{}, false},
		{"the same", want, true},
		{"sooner within the slack", want.Add(-time.Second), true},
		{"sooner past the slack", want.Add(-time.Second - time.Nanosecond), false},
		{"later", want.Add(time.Nanosecond), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := deadlineKept(tc.set, want, time.Second); got != tc.kept {
				t.Errorf("deadlineKept = %v, want %v", got, tc.kept)
			}
		})
	}
}

// TestSlowBodyIsCut: a body that trickles (one byte, then nothing) is cut with 408
// when its time is up, and the worker's request is cut off, not completed.
func TestSlowBodyIsCut(t *testing.T) {
	bodyErr := make(chan error, 1)
	addr := shortTimes(t, backend(t, func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		bodyErr <- err
	}), timeouts{bodyIdle: 100 * time.Millisecond, bodyGrace: 100 * time.Millisecond, bodyMinRate: 240, responseHead: time.Minute, linger: defaultLinger})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nx")
	if code := readAnswer(t, conn); code != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", code)
	}
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Error("the worker read a complete body")
		}
	case <-time.After(30 * time.Second):
		t.Error("the worker still waits for the body")
	}
}

// TestSlowWorkerIsCut: a worker that does not answer within the response timeout
// gets its request given up with 504.
func TestSlowWorkerIsCut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	addr := shortTimes(t, backend(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
	}), timeouts{bodyIdle: time.Minute, bodyGrace: time.Minute, bodyMinRate: 240, responseHead: 100 * time.Millisecond, linger: defaultLinger})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if code := readAnswer(t, conn); code != http.StatusGatewayTimeout {
		t.Errorf("status %d, want 504", code)
	}
}

// TestRequestTimeout: an application's aspNetCore requestTimeout, when set, replaces
// the front end's response timeout: a shorter one cuts a worker that does not answer
// (504), and "00:00:00" (spec.NoTimeout) waits for one slower than the default.
func TestRequestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	never := backend(t, func(w http.ResponseWriter, r *http.Request) { <-release })
	slow := backend(t, func(w http.ResponseWriter, r *http.Request) {
		<-time.After(300 * time.Millisecond)
		io.WriteString(w, "late")
	})
	for _, c := range []struct {
		name                string
		worker              string
		requestTimeout, def time.Duration
		want                int
	}{
		{"shorter than the default", never, 100 * time.Millisecond, time.Minute, http.StatusGatewayTimeout},
		{"no limit", slow, spec.NoTimeout, 100 * time.Millisecond, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})
			st.Apps[0].Program.RequestTimeout = c.requestTimeout
			pools := newFakePools()
			pools.set("A:/", c.worker)
			s := New([]*spec.Site{st}, pools, slog.New(slog.DiscardHandler))
			s.h.times.responseHead = c.def
			startServer(t, s)
			k := dialKeepAlive(t, s.Addrs()[0].String())
			if code, _ := k.get(t, "/"); code != c.want {
				t.Errorf("GET / = %d, want %d", code, c.want)
			}
		})
	}
}

// TestResponseHeadDeadline: the response timeout bounds the head alone. A body that
// streams for longer than it is not cut, whatever its framing, and a worker
// connection that the timeout's deadline outlived while idle is used again, not
// dropped.
func TestResponseHeadDeadline(t *testing.T) {
	const head = 100 * time.Millisecond
	times := timeouts{bodyIdle: time.Minute, bodyGrace: time.Minute, bodyMinRate: 240, responseHead: head, linger: defaultLinger}
	slowBody := func(chunked bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			arrived := time.Now() // after the front end set its deadline for the head
			if !chunked {
				w.Header().Set("Content-Length", "2")
			}
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			// The front end's deadline is one of the kernel's, on the real clock: the
			// rest comes once it has passed.
			<-time.After(time.Until(arrived.Add(2 * head)))
			io.WriteString(w, "b")
		}
	}
	for _, c := range []struct {
		name    string
		chunked bool
	}{{"Content-Length", false}, {"chunked", true}} {
		t.Run("a body of "+c.name+" streams past it", func(t *testing.T) {
			k := dialKeepAlive(t, shortTimes(t, backend(t, slowBody(c.chunked)), times))
			if code, body := k.get(t, "/"); code != http.StatusOK || body != "ab" {
				t.Errorf("GET / = %d %q, want 200 \"ab\"", code, body)
			}
		})
	}
	t.Run("an idle worker connection outlives it", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok")
		}))
		conns := &connCount{changed: make(chan struct{})}
		srv.Config.ConnState = conns.track
		srv.Start()
		t.Cleanup(srv.Close)
		k := dialKeepAlive(t, shortTimes(t, srv.Listener.Addr().String(), times))
		for i := range 2 {
			sent := time.Now()
			if code, body := k.get(t, "/"); code != http.StatusOK || body != "ok" {
				t.Fatalf("request %d: %d %q", i, code, body)
			}
			// The deadline the request's head set, kept on the idle connection, is on
			// the real clock: the next request comes once it has passed.
			<-time.After(time.Until(sent.Add(2 * head)))
		}
		conns.mu.Lock()
		defer conns.mu.Unlock()
		if conns.opened != 1 {
			t.Errorf("the worker accepted %d connections, want 1 (the idle one used again)", conns.opened)
		}
	})
}
