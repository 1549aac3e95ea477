//go:build unix

package frontend

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/poolctl/poolctl/parse"
	"github.com/poolctl/poolctl/runtime/spec"
	"golang.org/x/sys/unix"
)

// doneCall is one Lease.Done.
type doneCall struct {
	pool   string
	failed bool
}

// fakePools hands out leases on backends by pool name ("*": any pool) and records
// the applications asked for and the leases' ends.
type fakePools struct {
	mu    sync.Mutex
	addrs map[string]string
	errs  map[string]error
	apps  []*spec.App
	done  chan doneCall
	warm  net.Conn // what the next lease's TakeConn gives
}

func newFakePools() *fakePools {
	return &fakePools{addrs: map[string]string{}, errs: map[string]error{}, done: make(chan doneCall, 1000)}
}

func (f *fakePools) Acquire(ctx context.Context, app *spec.App) (Lease, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apps = append(f.apps, app)
	if err := f.errs[app.Pool]; err != nil {
		return nil, err
	}
	addr, ok := f.addrs[app.Pool]
	if !ok {
		addr = f.addrs["*"]
	}
	return &fakeLease{f: f, pool: app.Pool, addr: addr}, nil
}

func (f *fakePools) set(pool, addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addrs[pool] = addr
}

func (f *fakePools) fail(pool string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[pool] = err
}

// lastApp returns the application of the latest Acquire.
func (f *fakePools) lastApp() *spec.App {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.apps) == 0 {
		return nil
	}
	return f.apps[len(f.apps)-1]
}

// waitDone waits for the next Lease.Done.
func (f *fakePools) waitDone(t *testing.T) doneCall {
	t.Helper()
	select {
	case d := <-f.done:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("Lease.Done was not called")
		return doneCall{}
	}
}

// noDone fails when Lease.Done is called within d.
func (f *fakePools) noDone(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-f.done:
		t.Fatalf("Lease.Done(%v) called too early", c.failed)
	case <-time.After(d):
	}
}

type fakeLease struct {
	f          *fakePools
	pool, addr string
}

func (l *fakeLease) Addr() string { return l.addr }

func (l *fakeLease) PID() int { return 4242 }

func (l *fakeLease) TakeConn() net.Conn {
	l.f.mu.Lock()
	defer l.f.mu.Unlock()
	conn := l.f.warm
	l.f.warm = nil
	return conn
}

func (l *fakeLease) Done(out Outcome) {
	select {
	case l.f.done <- doneCall{l.pool, out.Failed}:
	default:
	}
}

// echo is what the echo backend answers: the request as the worker saw it.
type echo struct {
	Host   string
	Path   string
	Header http.Header
}

// echoBackend starts a backend that answers every request with an echo in JSON.
func echoBackend(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(echo{Host: r.Host, Path: r.URL.Path, Header: r.Header})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// backend starts a backend with handler h and returns its address.
func backend(t testing.TB, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// bind returns a binding; line gives it a position in applicationHost.config.
func bind(addr string, port int, host string, line int) spec.Binding {
	return spec.Binding{Addr: addr, Port: port, Host: host,
		Pos: parse.Pos{File: "applicationHost.config", Line: line, Col: 5}}
}

// site returns a started site with applications at paths (plus "/"), each in a pool
// named "SITE:PATH".
func site(name string, bindings []spec.Binding, paths ...string) *spec.Site {
	s := &spec.Site{Name: name, AutoStart: true, Bindings: bindings}
	if !slices.Contains(paths, "/") {
		paths = append(paths, "/")
	}
	slices.SortFunc(paths, func(a, b string) int { return len(b) - len(a) })
	for _, p := range paths {
		s.Apps = append(s.Apps, &spec.App{Site: name, Path: p, Pool: name + ":" + p})
	}
	return s
}

// start starts a front end for sites and shuts it down at the end of the test.
func start(t testing.TB, sites []*spec.Site, pools Pools) *Server {
	t.Helper()
	s := New(sites, pools, slog.New(slog.DiscardHandler))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s
}

// client returns an HTTP client of its own, closed at the end of the test.
func client(t testing.TB) *http.Client {
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// get sends GET path to addr with a Host header and returns the response and its body.
func get(t testing.TB, c *http.Client, addr, host, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// portOf returns the port of an address.
func portOf(t testing.TB, a net.Addr) int {
	t.Helper()
	_, p, err := net.SplitHostPort(a.String())
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

// freePort returns a port that is free on ip (listened on, then closed).
func freePort(t testing.TB, ip string) int {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return portOf(t, l.Addr())
}

// hostPort joins an IP and a port.
func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

// waitRefused waits until a connection to addr is refused. No event says a listener
// is closed, so it polls, within a generous 10 s.
func waitRefused(t *testing.T, addr string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("%s still accepts connections", addr)
		}
	}
}

// decodeEcho decodes the echo backend's answer.
func decodeEcho(t testing.TB, body string) echo {
	t.Helper()
	var e echo
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("backend answer %q: %v", body, err)
	}
	return e
}

// tcpPair returns both ends of a TCP connection on loopback: the one accepted and the
// one dialed, both closed by the test's cleanup.
func tcpPair(t testing.TB) (accepted, dialed net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialed, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dialed.Close() })
	accepted, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accepted.Close() })
	return accepted, dialed
}

// waitReadable waits until conn's socket has what events asks for (unix.POLLIN: data
// or the peer's close; on Linux unix.POLLRDHUP: the peer's FIN), without reading it.
func waitReadable(t testing.TB, conn syscall.Conn, events int16) {
	t.Helper()
	rc, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	rc.Control(func(fd uintptr) {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
		if n, err := unix.Poll(pfd, 10_000); n != 1 || err != nil {
			t.Errorf("poll = %d, %v; want the socket readable (events %#x)", n, err, events)
		}
	})
}
