//go:build unix

package frontend

// Conformance tests of the front end's client side at the wire level: raw bytes over
// TCP to the front end, a raw recording backend behind it. They pin the contract of
// the strict HTTP/1.1 server that replaces net/http's (RFC 9110, RFC 9112), black-box.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/spec"
)

// Deadlines of the raw connections: no test can hang.
const (
	confReadTimeout  = 3 * time.Second // for a response, or for a backend's request
	confCloseTimeout = time.Second     // for the end of a connection the server must close
	confWriteTimeout = 5 * time.Second
)

// confDefault is what the recording backend answers unless a test says otherwise.
const confDefault = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// confTap is a reader that keeps what it reads, so that the raw bytes of a message
// parsed through a bufio.Reader on top of it can be recovered.
type confTap struct {
	r   io.Reader
	buf []byte
}

func (t *confTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// pos returns the offset in t.buf of the next byte br returns.
func (t *confTap) pos(br *bufio.Reader) int { return len(t.buf) - br.Buffered() }

// since returns a copy of the bytes br returned since offset from.
func (t *confTap) since(from int, br *bufio.Reader) []byte {
	return bytes.Clone(t.buf[from:t.pos(br)])
}

// forget drops the bytes br has returned (offsets start again at 0).
func (t *confTap) forget(br *bufio.Reader) { t.buf = bytes.Clone(t.buf[t.pos(br):]) }

// confRecorded is one request as the recording backend got it.
type confRecorded struct {
	Method  string
	URI     string // the request target as sent
	Host    string
	Header  http.Header
	Trailer http.Header
	Body    []byte
	Err     string // the head was malformed or the body broke off
	Head    []byte // the request line and header, as received
	Wire    []byte // all of the request's bytes: head, framed body, trailer
}

// confReply is a recording backend's answer.
type confReply struct {
	raw   string // written as it is
	close bool   // close the connection after it (a close-delimited body)
}

// confBackend is a raw HTTP/1.1 keep-alive backend that records every request.
type confBackend struct {
	ln     net.Listener
	answer func(confRecorded) confReply
	wg     sync.WaitGroup

	mu    sync.Mutex
	reqs  []confRecorded
	conns map[net.Conn]struct{} // nil once closed
}

// newConfBackend starts a recording backend that answers each request with answer (nil:
// confDefault); it closes, with its connections, at the end of the test.
func newConfBackend(t testing.TB, answer func(confRecorded) confReply) *confBackend {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if answer == nil {
		answer = func(confRecorded) confReply { return confReply{raw: confDefault} }
	}
	b := &confBackend{ln: ln, answer: answer, conns: map[net.Conn]struct{}{}}
	b.wg.Add(1)
	go b.accept()
	t.Cleanup(b.close)
	return b
}

func (b *confBackend) addr() string { return b.ln.Addr().String() }

func (b *confBackend) accept() {
	defer b.wg.Done()
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		if b.conns == nil {
			b.mu.Unlock()
			c.Close()
			return
		}
		b.conns[c] = struct{}{}
		b.wg.Add(1)
		b.mu.Unlock()
		go b.serve(c)
	}
}

// serve reads requests from c, records them and answers them, until c ends.
func (b *confBackend) serve(c net.Conn) {
	defer b.wg.Done()
	defer c.Close()
	tap := &confTap{r: c}
	br := bufio.NewReader(tap)
	for {
		start := tap.pos(br)
		req, err := http.ReadRequest(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				b.record(confRecorded{Err: "head: " + err.Error(), Head: tap.since(start, br)})
			}
			return
		}
		rec := confRecorded{Method: req.Method, URI: req.RequestURI, Host: req.Host, Header: req.Header,
			Head: tap.since(start, br)}
		body, err := io.ReadAll(req.Body)
		rec.Body, rec.Trailer, rec.Wire = body, req.Trailer, tap.since(start, br)
		if err != nil {
			rec.Err = "body: " + err.Error()
		}
		tap.forget(br)
		b.record(rec)
		if err != nil {
			return
		}
		r := b.answer(rec)
		c.SetWriteDeadline(time.Now().Add(confWriteTimeout))
		if _, err := io.WriteString(c, r.raw); err != nil || r.close {
			return
		}
	}
}

func (b *confBackend) record(r confRecorded) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reqs = append(b.reqs, r)
}

// requests returns the requests recorded so far, in order.
func (b *confBackend) requests() []confRecorded {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]confRecorded(nil), b.reqs...)
}

// close closes the listener and the connections and waits for their goroutines.
func (b *confBackend) close() {
	b.ln.Close()
	b.mu.Lock()
	for c := range b.conns {
		c.Close()
	}
	b.conns = nil
	b.mu.Unlock()
	b.wg.Wait()
}

// confSetup starts a front end with one site for any host on 127.0.0.1 whose root
// application is served by a recording backend that answers with answer (nil: the
// default 200 "ok"). The backend closes before the front end shuts down, so that a
// request stuck on it cannot hold the shutdown.
func confSetup(t *testing.T, answer func(confRecorded) confReply) (string, *confBackend) {
	t.Helper()
	pools := newFakePools()
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools)
	addr := s.Addrs()[0].String()
	b := newConfBackend(t, answer)
	pools.set("A:/", b.addr())
	return addr, b
}

// confConn is a raw client connection to the front end.
type confConn struct {
	t    *testing.T
	conn *net.TCPConn
	tap  *confTap
	br   *bufio.Reader
}

// confResp is one response read from a confConn.
type confResp struct {
	*http.Response
	Sent http.Header // the header as sent: http.ReadResponse drops "Connection: close" from Header
	Head string      // the status line and header as sent
	Body []byte
}

// dialConf connects to the front end at addr; the connection closes at the end of the test.
func dialConf(t *testing.T, addr string) *confConn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tap := &confTap{r: conn}
	return &confConn{t: t, conn: conn.(*net.TCPConn), tap: tap, br: bufio.NewReader(tap)}
}

// send writes s as it is.
func (c *confConn) send(s string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(confWriteTimeout))
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("writing the request: %v", err)
	}
}

// read reads one response (to a request with method) and its body; it fails the test
// when there is none within confReadTimeout.
func (c *confConn) read(method string) *confResp {
	c.t.Helper()
	r, err := c.tryRead(method)
	if err != nil {
		c.t.Fatalf("reading the response: %v", err)
	}
	return r
}

// tryRead reads one response (to a request with method) and its body.
func (c *confConn) tryRead(method string) (*confResp, error) {
	c.conn.SetReadDeadline(time.Now().Add(confReadTimeout))
	start := c.tap.pos(c.br)
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		return nil, err
	}
	r := &confResp{Response: resp, Head: string(c.tap.since(start, c.br))}
	r.Body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	c.tap.forget(c.br)
	if err != nil {
		return r, fmt.Errorf("body after %d bytes: %w", len(r.Body), err)
	}
	tr := textproto.NewReader(bufio.NewReader(strings.NewReader(r.Head)))
	if _, err := tr.ReadLine(); err != nil {
		return r, err
	}
	h, err := tr.ReadMIMEHeader()
	if err != nil {
		return r, fmt.Errorf("header %q: %w", r.Head, err)
	}
	r.Sent = http.Header(h)
	return r, nil
}

// roundTrip sends req and reads its response.
func (c *confConn) roundTrip(req, method string) *confResp {
	c.t.Helper()
	c.send(req)
	return c.read(method)
}

// expectClosed checks that the server closed the connection: a read returns io.EOF
// within confCloseTimeout (a reset after the response counts as closed too).
func (c *confConn) expectClosed() {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(confCloseTimeout))
	b, err := c.br.ReadByte()
	switch {
	case err == nil:
		rest, _ := c.br.Peek(c.br.Buffered())
		c.t.Errorf("read %q after the response, want the connection closed", append([]byte{b}, rest...))
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.t.Errorf("the connection is still open %v after the response, want it closed", confCloseTimeout)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
	default:
		c.t.Errorf("read after the response: %v, want io.EOF", err)
	}
}

// confExpectOK checks that a response is the default answer of the recording backend.
func confExpectOK(t *testing.T, r *confResp) {
	t.Helper()
	if r.StatusCode != http.StatusOK || string(r.Body) != "ok" {
		t.Errorf("got %q %q, want 200 \"ok\"", r.Status, r.Body)
	}
}

// connection returns the Connection header of a response as sent, lower case.
func (r *confResp) connection() string {
	return strings.ToLower(strings.Join(r.Sent.Values("Connection"), ", "))
}

// confLine is the part of a recorded request the tests compare.
type confLine struct {
	Method, URI, Host, Body string
}

// confLines returns the compared part of each request.
func confLines(reqs []confRecorded) []confLine {
	var out []confLine
	for _, r := range reqs {
		out = append(out, confLine{r.Method, r.URI, r.Host, string(r.Body)})
	}
	return out
}

// TestConformanceKeepAlive pins: requests one after another and pipelined on one connection get their responses, and reach the worker, in order.
func TestConformanceKeepAlive(t *testing.T) {
	byURI := func(r confRecorded) confReply {
		return confReply{raw: fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(r.URI), r.URI)}
	}
	req := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: a\r\n\r\n" }
	paths := []string{"/1", "/2", "/3"}
	for _, tt := range []struct {
		name      string
		pipelined bool
	}{
		{"one after another", false},
		{"pipelined", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr, b := confSetup(t, byURI)
			c := dialConf(t, addr)
			var got []string
			if tt.pipelined {
				c.send(req(paths[0]) + req(paths[1]) + req(paths[2]))
				for range paths {
					got = append(got, string(c.read("GET").Body))
				}
			} else {
				for _, p := range paths {
					got = append(got, string(c.roundTrip(req(p), "GET").Body))
				}
			}
			if d := cmp.Diff(paths, got); d != "" {
				t.Errorf("responses (-want +got):\n%s", d)
			}
			var seen []string
			for _, r := range b.requests() {
				seen = append(seen, r.URI)
			}
			if d := cmp.Diff(paths, seen); d != "" {
				t.Errorf("requests the worker got (-want +got):\n%s", d)
			}
		})
	}
}

// TestConformanceConnection pins: HTTP/1.0 closes unless it asks for keep-alive, HTTP/1.1 stays open unless it sends "Connection: close".
func TestConformanceConnection(t *testing.T) {
	tests := []struct {
		name     string
		req      string
		wantConn string // a token the response's Connection header must have; "" checks nothing
		open     bool   // the connection carries a second request, else the server closes it
	}{
		{"HTTP/1.1 stays open", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "", true},
		{"HTTP/1.1 Connection: close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "close", false},
		{"HTTP/1.0 closes", "GET / HTTP/1.0\r\nHost: a\r\n\r\n", "", false},
		{"HTTP/1.0 Connection: keep-alive", "GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n", "keep-alive", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, b := confSetup(t, nil)
			c := dialConf(t, addr)
			r := c.roundTrip(tt.req, "GET")
			confExpectOK(t, r)
			if tt.wantConn != "" && !hasToken([]string{r.connection()}, tt.wantConn) {
				t.Errorf("Connection: %q, want %q", r.connection(), tt.wantConn)
			}
			if tt.open && hasToken([]string{r.connection()}, "close") {
				t.Errorf("Connection: %q, want the connection kept", r.connection())
			}
			if !tt.open {
				c.expectClosed()
			} else {
				confExpectOK(t, c.roundTrip(tt.req, "GET"))
				if n := len(b.requests()); n != 2 {
					t.Errorf("the worker got %d requests, want 2", n)
				}
			}
		})
	}
}

// TestConformanceDate pins: every response has a Date header, the front end's own answers included.
func TestConformanceDate(t *testing.T) {
	pools := newFakePools()
	sites := []*spec.Site{
		site("A", []spec.Binding{bind("127.0.0.1", 0, "a", 1)}),
		{Name: "N", AutoStart: true, Bindings: []spec.Binding{bind("127.0.0.1", 0, "n", 2)},
			Apps: []*spec.App{{Site: "N", Path: "/api", Pool: "N:/api"}}},
		site("S", []spec.Binding{bind("127.0.0.1", 0, "s", 3)}),
		site("D", []spec.Binding{bind("127.0.0.1", 0, "d", 4)}),
	}
	addr := start(t, sites, pools).Addrs()[0].String()
	pools.set("A:/", newConfBackend(t, nil).addr())
	pools.fail("S:/", ErrQueueFull)
	pools.set("D:/", hostPort("127.0.0.1", freePort(t, "127.0.0.1")))
	tests := []struct {
		name string
		req  string
		want int
	}{
		{"worker's response", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 200},
		{"400 invalid hostname", "GET / HTTP/1.1\r\nHost: unknown\r\n\r\n", 400},
		{"404 no application", "GET / HTTP/1.1\r\nHost: n\r\n\r\n", 404},
		{"405 CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 405},
		{"503 queue full", "GET / HTTP/1.1\r\nHost: s\r\n\r\n", 503},
		{"502 worker down", "GET / HTTP/1.1\r\nHost: d\r\n\r\n", 502},
		{"400 malformed request", "GET / HTTP/1.1\r\n\r\n", 400},
		{"417 expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", 417},
		{"505 version", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := dialConf(t, addr).roundTrip(tt.req, "GET")
			if r.StatusCode != tt.want {
				t.Errorf("status %q, want %d", r.Status, tt.want)
			}
			d := r.Sent.Get("Date")
			if _, err := http.ParseTime(d); err != nil {
				t.Errorf("Date %q (%v); want an HTTP date, in %q", d, err, r.Head)
			}
		})
	}
}

// TestConformanceRefused pins: a malformed or ambiguous request gets its status, "Connection: close", a closed connection, and never reaches the worker.
func TestConformanceRefused(t *testing.T) {
	big := strings.Repeat("x", 20<<10)
	tests := []struct {
		name string
		req  string
		want int
	}{
		{"no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		{"Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
		{"Host with userinfo", "GET / HTTP/1.1\r\nHost: a@b\r\n\r\n", 400},
		{"CL.TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", 400},
		{"TE.CL", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400},
		{"two differing Content-Length fields", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy", 400},
		{"Content-Length list", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,2\r\n\r\nxy", 400},
		{"Content-Length +5", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400},
		{"Content-Length -1", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nhello", 400},
		{"Content-Length 0x10", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n0123456789abcdef", 400},
		{"Transfer-Encoding gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nxx", 400},
		{"Transfer-Encoding gzip, chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
		{"Transfer-Encoding xchunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400},
		{"Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n", 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
		{"NUL in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n", 400},
		{"bare CR in a value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n", 400},
		{"request line junk", "GARBAGE\r\n\r\n", 400},
		{"space in the target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
		{"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
		{"asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"fragment in the target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"head over 16384 bytes", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + big + "\r\n\r\n", 400},
		{"Expect something", "GET / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", 417},
		{"CONNECT", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, b := confSetup(t, nil)
			c := dialConf(t, addr)
			c.send(tt.req)
			r, err := c.tryRead("GET")
			if err != nil {
				t.Fatalf("no response: %v; want %d", err, tt.want)
			}
			if r.StatusCode != tt.want {
				t.Errorf("status %q, want %d", r.Status, tt.want)
			}
			if !hasToken([]string{r.connection()}, "close") {
				t.Errorf("Connection: %q, want close", r.connection())
			}
			c.expectClosed()
			if reqs := b.requests(); len(reqs) != 0 {
				t.Errorf("the worker got %d requests, want none: %+v", len(reqs), confLines(reqs))
			}
		})
	}
}

// TestConformanceSmuggling pins: valid messages a lax parser could misframe reach the worker as exactly the requests sent, without the client's trailer.
func TestConformanceSmuggling(t *testing.T) {
	tests := []struct {
		name      string
		req       string
		responses int
		want      []confLine
	}{
		{
			"chunked body then a second request",
			"POST /one HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" +
				"GET /two HTTP/1.1\r\nHost: a\r\n\r\n",
			2,
			[]confLine{{"POST", "/one", "a", "hello"}, {"GET", "/two", "a", ""}},
		},
		{
			"chunk extensions and a trailer",
			"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5;ext=1\r\nhello\r\n6;name=\"v\"\r\n world\r\n0\r\nX-Trailer: secret\r\n\r\n",
			1,
			[]confLine{{"POST", "/", "a", "hello world"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, b := confSetup(t, nil)
			c := dialConf(t, addr)
			c.send(tt.req)
			for range tt.responses {
				confExpectOK(t, c.read("GET"))
			}
			reqs := b.requests()
			if d := cmp.Diff(tt.want, confLines(reqs)); d != "" {
				t.Errorf("the worker got (-want +got):\n%s", d)
			}
			for _, r := range reqs {
				if r.Err != "" {
					t.Errorf("%s %s: %s", r.Method, r.URI, r.Err)
				}
				if bytes.Contains(bytes.ToLower(r.Wire), []byte("x-trailer")) || bytes.Contains(r.Wire, []byte("secret")) {
					t.Errorf("the client's trailer reached the worker:\n%q", r.Wire)
				}
			}
		})
	}
}

// TestConformanceRequestBodies pins: request bodies of either framing reach the worker intact and the connection stays usable.
func TestConformanceRequestBodies(t *testing.T) {
	mib := strings.Repeat("0123456789abcdef", 1<<16)
	tests := []struct {
		name string
		req  string
		want string
	}{
		{"Content-Length", "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world", "hello world"},
		{"Content-Length 1 MiB", fmt.Sprintf("POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s", len(mib), mib), mib},
		{"chunked", "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n", "hello world"},
		{"chunked, hex sizes", "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij"},
		{"Content-Length 0", "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, b := confSetup(t, nil)
			c := dialConf(t, addr)
			confExpectOK(t, c.roundTrip(tt.req, "POST"))
			confExpectOK(t, c.roundTrip("GET /next HTTP/1.1\r\nHost: a\r\n\r\n", "GET"))
			reqs := b.requests()
			if len(reqs) != 2 {
				t.Fatalf("the worker got %d requests, want 2: %+v", len(reqs), confLines(reqs))
			}
			if got := reqs[0]; string(got.Body) != tt.want || got.Err != "" {
				t.Errorf("the worker got a body of %d bytes (%s), want %d bytes", len(got.Body), got.Err, len(tt.want))
			}
		})
	}
}

// TestConformanceExpectContinue pins: "Expect: 100-continue" gets 100 Continue before the body, then the response; the worker gets the body without Expect.
func TestConformanceExpectContinue(t *testing.T) {
	addr, b := confSetup(t, nil)
	c := dialConf(t, addr)
	c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	if r := c.read("POST"); r.StatusCode != http.StatusContinue || r.Proto != "HTTP/1.1" {
		t.Fatalf("got %q %q first, want HTTP/1.1 100 Continue", r.Proto, r.Status)
	}
	c.send("hello")
	confExpectOK(t, c.read("POST"))
	reqs := b.requests()
	if d := cmp.Diff([]confLine{{"POST", "/", "a", "hello"}}, confLines(reqs)); d != "" {
		t.Fatalf("the worker got (-want +got):\n%s", d)
	}
	if e := reqs[0].Header.Values("Expect"); len(e) != 0 {
		t.Errorf("the worker got Expect %q, want none", e)
	}
}

// TestConformanceBrokenBody pins: a body shorter than its Content-Length never reaches the worker as complete, and the front end answers 400 or closes without hanging.
func TestConformanceBrokenBody(t *testing.T) {
	addr, b := confSetup(t, nil)
	c := dialConf(t, addr)
	c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
	if err := c.conn.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	r, err := c.tryRead("POST")
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Errorf("no answer and the connection still open after %v: the front end hangs", confReadTimeout)
	case err == nil && r.StatusCode != http.StatusBadRequest:
		t.Errorf("status %q, want 400 (or the connection closed)", r.Status)
	case err == nil:
		c.expectClosed()
	}
	for _, r := range b.requests() {
		if r.Err == "" {
			t.Errorf("the worker got the request as complete, with a body of %q", r.Body)
		}
	}
}

// TestConformanceResponses pins: the worker's framing, bodiless responses and hop-by-hop headers reach the client correctly, and the connection stays usable.
func TestConformanceResponses(t *testing.T) {
	const (
		reusable = iota // a second request on the connection works
		closed          // the server closes the connection after the response
		either          // chunked or with a length and reusable, or else closed
	)
	tests := []struct {
		name       string
		reply      confReply // the worker's answer to the first request
		req        string
		method     string
		wantStatus int
		wantBody   string
		wantLength int64             // the response's Content-Length; -1: none
		wantTE     []string          // the response's Transfer-Encoding
		wantHeader map[string]string // fields the client must get; "": must not get
		trailer    map[string]string // the trailer the client must get
		after      int
	}{
		{
			name:       "Content-Length",
			reply:      confReply{raw: "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"},
			req:        "GET /first HTTP/1.1\r\nHost: a\r\n\r\n",
			wantStatus: 200, wantBody: "hello world", wantLength: 11,
			after: reusable,
		},
		{
			name: "chunked with a trailer",
			reply: confReply{raw: "HTTP/1.1 200 OK\r\nTrailer: X-T\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5\r\nhello\r\n6\r\n world\r\n0\r\nX-T: v\r\n\r\n"},
			req:        "GET /first HTTP/1.1\r\nHost: a\r\n\r\n",
			wantStatus: 200, wantBody: "hello world", wantLength: -1, wantTE: []string{"chunked"},
			trailer: map[string]string{"X-T": "v"},
			after:   reusable,
		},
		{
			name:       "close-delimited, HTTP/1.1 client",
			reply:      confReply{raw: "HTTP/1.1 200 OK\r\n\r\nuntil the end", close: true},
			req:        "GET /first HTTP/1.1\r\nHost: a\r\n\r\n",
			wantStatus: 200, wantBody: "until the end", wantLength: -2,
			after: either,
		},
		{
			name:       "close-delimited, HTTP/1.0 client",
			reply:      confReply{raw: "HTTP/1.1 200 OK\r\n\r\nuntil the end", close: true},
			req:        "GET /first HTTP/1.0\r\nHost: a\r\n\r\n",
			wantStatus: 200, wantBody: "until the end", wantLength: -2,
			after: closed,
		},
		{
			name:       "HEAD with Content-Length",
			reply:      confReply{raw: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"},
			req:        "HEAD /first HTTP/1.1\r\nHost: a\r\n\r\n",
			method:     "HEAD",
			wantStatus: 200, wantLength: 100,
			after: reusable,
		},
		{
			name:       "204",
			reply:      confReply{raw: "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"},
			req:        "DELETE /first HTTP/1.1\r\nHost: a\r\n\r\n",
			wantStatus: 204, wantLength: -2,
			wantHeader: map[string]string{"X-A": "1", "Transfer-Encoding": "", "Content-Length": ""},
			after:      reusable,
		},
		{
			name:       "304",
			reply:      confReply{raw: "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"},
			req:        "GET /first HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"x\"\r\n\r\n",
			wantStatus: 304, wantLength: -2,
			wantHeader: map[string]string{"Etag": `"x"`, "Transfer-Encoding": ""},
			after:      reusable,
		},
		{
			name: "hop-by-hop headers",
			reply: confReply{raw: "HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n" +
				"Proxy-Connection: keep-alive\r\nX-End: 1\r\nContent-Length: 2\r\n\r\nok"},
			req:        "GET /first HTTP/1.1\r\nHost: a\r\n\r\n",
			wantStatus: 200, wantBody: "ok", wantLength: 2,
			wantHeader: map[string]string{"X-Hop": "", "Keep-Alive": "", "Proxy-Connection": "", "X-End": "1"},
			after:      reusable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, _ := confSetup(t, func(r confRecorded) confReply {
				if r.URI == "/first" {
					return tt.reply
				}
				return confReply{raw: confDefault}
			})
			c := dialConf(t, addr)
			method := tt.method
			if method == "" {
				method = "GET"
			}
			r := c.roundTrip(tt.req, method)
			if r.StatusCode != tt.wantStatus || string(r.Body) != tt.wantBody {
				t.Errorf("got %q %q, want %d %q", r.Status, r.Body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantLength != -2 && r.ContentLength != tt.wantLength {
				t.Errorf("Content-Length %d, want %d", r.ContentLength, tt.wantLength)
			}
			if tt.wantTE != nil {
				if d := cmp.Diff(tt.wantTE, r.TransferEncoding); d != "" {
					t.Errorf("Transfer-Encoding (-want +got):\n%s", d)
				}
			}
			for k, want := range tt.wantHeader {
				if got := strings.Join(r.Sent.Values(k), ", "); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if hasToken([]string{r.connection()}, "x-hop") {
				t.Errorf("Connection: %q, want no x-hop", r.connection())
			}
			if tt.trailer != nil {
				got := map[string]string{}
				for k := range r.Trailer {
					got[k] = r.Trailer.Get(k)
				}
				if d := cmp.Diff(tt.trailer, got); d != "" {
					t.Errorf("trailer (-want +got):\n%s", d)
				}
			}
			after := tt.after
			if after == either {
				after = reusable
				if r.Close || (r.ContentLength < 0 && len(r.TransferEncoding) == 0) {
					after = closed
				}
			}
			if after == closed {
				c.expectClosed()
				return
			}
			if r.Close {
				t.Errorf("Connection: %q, want the connection kept", r.connection())
			}
			confExpectOK(t, c.roundTrip("GET /next HTTP/1.1\r\nHost: a\r\n\r\n", "GET"))
		})
	}
}

// TestConformanceWorkerRequest pins: the worker gets the client's Host, the cleaned path, X-Forwarded-For, and no hop-by-hop fields, Expect or X-Poolctl-Ping.
func TestConformanceWorkerRequest(t *testing.T) {
	tests := []struct {
		name   string
		req    string
		want   confLine
		header map[string][]string // fields the worker must get as given; nil: must not get
	}{
		{"Host as sent", "GET /h HTTP/1.1\r\nHost: A.Example:8080\r\n\r\n",
			confLine{"GET", "/h", "A.Example:8080", ""}, nil},
		{"X-Forwarded-For appended", "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n",
			confLine{"GET", "/", "a", ""}, nil},
		{"hop-by-hop fields", "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, X-Named\r\nX-Named: 1\r\n" +
			"Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nX-Kept: yes\r\n\r\n",
			confLine{"GET", "/", "a", ""},
			map[string][]string{"Connection": nil, "Keep-Alive": nil, "Proxy-Connection": nil, "X-Named": nil, "X-Kept": {"yes"}}},
		{"TE: trailers kept", "GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n\r\n",
			confLine{"GET", "/", "a", ""}, map[string][]string{"Te": {"trailers"}}},
		{"other TE removed", "GET / HTTP/1.1\r\nHost: a\r\nTE: gzip\r\n\r\n",
			confLine{"GET", "/", "a", ""}, map[string][]string{"Te": nil}},
		{"Expect removed", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
			confLine{"GET", "/", "a", ""}, map[string][]string{"Expect": nil}},
		{"X-Poolctl-Ping removed", "GET / HTTP/1.1\r\nHost: a\r\nX-Poolctl-Ping: 1\r\nX-Poolctl-Unhealthy: 1\r\n\r\n",
			confLine{"GET", "/", "a", ""}, map[string][]string{"X-Poolctl-Ping": nil, "X-Poolctl-Unhealthy": nil}},
		{"dot segments", "GET /a/../b HTTP/1.1\r\nHost: a\r\n\r\n",
			confLine{"GET", "/b", "a", ""}, nil},
		{"dot segments and a query", "GET /a/./c/../b?q=1 HTTP/1.1\r\nHost: a\r\n\r\n",
			confLine{"GET", "/a/b?q=1", "a", ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, b := confSetup(t, nil)
			confExpectOK(t, dialConf(t, addr).roundTrip(tt.req, "GET"))
			reqs := b.requests()
			if d := cmp.Diff([]confLine{tt.want}, confLines(reqs)); d != "" {
				t.Fatalf("the worker got (-want +got):\n%s", d)
			}
			got := reqs[0]
			xff := strings.Join(got.Header.Values("X-Forwarded-For"), ", ")
			if !strings.HasSuffix(xff, "127.0.0.1") || strings.HasSuffix(xff, "127.0.0.1, 127.0.0.1") {
				t.Errorf("X-Forwarded-For %q, want one entry 127.0.0.1 at the end", xff)
			}
			head := strings.ToLower(string(got.Head))
			for k, want := range tt.header {
				if want == nil {
					if strings.Contains(head, "\r\n"+strings.ToLower(k)+":") {
						t.Errorf("the worker got %s:\n%s", k, got.Head)
					}
					continue
				}
				if d := cmp.Diff(want, got.Header.Values(k)); d != "" {
					t.Errorf("%s (-want +got):\n%s", k, d)
				}
			}
		})
	}
}

// TestConformanceAbsoluteForm pins: an absolute-form target routes by its authority, which the worker gets as Host, with the target in origin form.
func TestConformanceAbsoluteForm(t *testing.T) {
	pools := newFakePools()
	s := start(t, []*spec.Site{
		site("E", []spec.Binding{bind("127.0.0.1", 0, "example.test", 1)}),
		site("O", []spec.Binding{bind("127.0.0.1", 0, "other", 2)}),
	}, pools)
	e, o := newConfBackend(t, nil), newConfBackend(t, nil)
	pools.set("E:/", e.addr())
	pools.set("O:/", o.addr())
	c := dialConf(t, s.Addrs()[0].String())
	confExpectOK(t, c.roundTrip("GET http://example.test/x?y=1 HTTP/1.1\r\nHost: other\r\n\r\n", "GET"))
	if d := cmp.Diff([]confLine{{"GET", "/x?y=1", "example.test", ""}}, confLines(e.requests())); d != "" {
		t.Errorf("example.test's worker got (-want +got):\n%s", d)
	}
	if reqs := o.requests(); len(reqs) != 0 {
		t.Errorf("other's worker got %v, want nothing", confLines(reqs))
	}
}
