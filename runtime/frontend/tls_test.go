//go:build unix

package frontend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testpki"

	"github.com/poolctl/poolctl/runtime/spec"
)

// testPKI is a test CA and the leaf certificates it signed, by name.
type testPKI struct {
	pool  *x509.CertPool
	certs map[string]*tls.Certificate
}

// newTestPKI makes a CA and one leaf certificate for each name ("" is a certificate
// for no name: the IP-bound one, for 127.0.0.1).
func newTestPKI(t testing.TB, names ...string) *testPKI {
	t.Helper()
	ca, err := testpki.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{pool: ca.Pool(), certs: map[string]*tls.Certificate{}}
	for i, name := range names {
		l := testpki.Leaf{CommonName: name, Serial: int64(100 + i)}
		if name == "" {
			l.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
		} else {
			l.DNSNames = []string{name}
		}
		if p.certs[name], err = ca.TLS(l); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// byServerName chooses a certificate as the certificate store does, in short: the
// client's server name, else the IP-bound certificate ("").
func (p *testPKI) byServerName(netip.AddrPort) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if c := p.certs[strings.ToLower(hello.ServerName)]; c != nil {
			return c, nil
		}
		if c := p.certs[""]; c != nil && hello.ServerName == "" {
			return c, nil
		}
		return nil, io.ErrUnexpectedEOF
	}
}

// tlsClient returns a client that trusts p's CA and speaks to addr whatever the URL's
// host, sending serverName by SNI ("" for none), at most maxVersion (0: TLS 1.3).
func tlsClient(t testing.TB, p *testPKI, serverName string, maxVersion uint16, cache tls.ClientSessionCache) *http.Client {
	cfg := &tls.Config{RootCAs: p.pool, ServerName: serverName, MaxVersion: maxVersion, ClientSessionCache: cache}
	if serverName == "" {
		cfg.ServerName = "127.0.0.1" // verified against the certificate's IP address; Go sends no SNI for an IP
	}
	if maxVersion != 0 && maxVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS10 // the client's own default minimum is TLS 1.2
	}
	tr := &http.Transport{TLSClientConfig: cfg, DisableCompression: true, ForceAttemptHTTP2: false}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// getTLS sends GET https://addr/ with a Host header and returns the response, its body
// and the certificate the server showed.
func getTLS(t testing.TB, c *http.Client, addr, host string) (*http.Response, string, *x509.Certificate) {
	t.Helper()
	req, err := http.NewRequest("GET", "https://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b), resp.TLS.PeerCertificates[0]
}

// tlsBind returns an https binding with SNI.
func tlsBind(addr string, port int, host string, line int) spec.Binding {
	b := bind(addr, port, host, line)
	b.TLS, b.SSLFlags = true, 1
	return b
}

// TestTLSBindings serves two https sites on one port and an http site beside them:
// the client's SNI name chooses the certificate, the Host the site; the worker sees
// X-Forwarded-Proto: https; a Host other than the SNI name gets 421; a client without
// SNI gets the IP-bound certificate; TLS 1.1 is refused; a second connection resumes
// the first one's session; the http listener is not affected.
func TestTLSBindings(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com", "blog.example.com", "")
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	s := New([]*spec.Site{
		site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)}),
		site("Blog", []spec.Binding{tlsBind("127.0.0.1", 0, "blog.example.com", 11)}),
		site("Plain", []spec.Binding{bind("127.0.0.1", 0, "", 12)}),
	}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	addrs := s.Addrs()
	if addrs[0].String() != addrs[1].String() || addrs[0].String() == addrs[2].String() {
		t.Fatalf("listeners %v: want the two https bindings on one, the http one on another", addrs)
	}
	httpsAddr, httpAddr := addrs[0].String(), addrs[2].String()

	for _, name := range []string{"shop.example.com", "blog.example.com"} {
		resp, body, cert := getTLS(t, tlsClient(t, pki, name, 0, nil), httpsAddr, name)
		e := decodeEcho(t, body)
		if resp.StatusCode != 200 || cert.Subject.CommonName != name || e.Host != name || e.Header.Get("X-Forwarded-Proto") != "https" {
			t.Errorf("%s: status %d, certificate %q, worker saw Host %q and X-Forwarded-Proto %q", name, resp.StatusCode, cert.Subject.CommonName, e.Host, e.Header.Get("X-Forwarded-Proto"))
		}
	}
	if app := pools.lastApp(); app.Site != "Blog" {
		t.Errorf("the last request went to site %q, want Blog", app.Site)
	}

	t.Run("Host other than the SNI name", func(t *testing.T) {
		resp, body, _ := getTLS(t, tlsClient(t, pki, "shop.example.com", 0, nil), httpsAddr, "blog.example.com")
		if resp.StatusCode != 421 || !strings.Contains(body, "Misdirected Request") {
			t.Errorf("status %d %q, want 421 Misdirected Request", resp.StatusCode, body)
		}
	})
	t.Run("no SNI gets the IP-bound certificate", func(t *testing.T) {
		resp, _, cert := getTLS(t, tlsClient(t, pki, "", 0, nil), httpsAddr, "shop.example.com")
		if resp.StatusCode != 200 || len(cert.IPAddresses) != 1 || cert.Subject.CommonName != "" {
			t.Errorf("status %d, certificate %q %v, want the IP-bound one", resp.StatusCode, cert.Subject.CommonName, cert.IPAddresses)
		}
	})
	t.Run("TLS 1.1 refused", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "https://"+httpsAddr+"/", nil)
		if _, err := tlsClient(t, pki, "shop.example.com", tls.VersionTLS11, nil).Do(req); err == nil || !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("a TLS 1.1 client got %v, want a protocol version alert", err)
		}
	})
	t.Run("session resumption", func(t *testing.T) {
		cache := tls.NewLRUClientSessionCache(4)
		for i := range 2 {
			c := tlsClient(t, pki, "shop.example.com", tls.VersionTLS12, cache)
			resp, _, _ := getTLS(t, c, httpsAddr, "shop.example.com")
			if i == 1 && !resp.TLS.DidResume {
				t.Error("the second connection did not resume the first one's session")
			}
		}
	})
	t.Run("http beside https", func(t *testing.T) {
		resp, body := get(t, client(t), httpAddr, "anything", "/", nil)
		if resp.StatusCode != 200 || decodeEcho(t, body).Header.Get("X-Forwarded-Proto") != "http" {
			t.Errorf("status %d, X-Forwarded-Proto %q", resp.StatusCode, decodeEcho(t, body).Header.Get("X-Forwarded-Proto"))
		}
	})
}

// TestTLSWithoutCertificates: an https listener without certificates fails every
// handshake, and keeps serving (no certificate later makes it work).
func TestTLSWithoutCertificates(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	startServer(t, s)
	addr := s.Addrs()[0].String()
	req, _ := http.NewRequest("GET", "https://"+addr+"/", nil)
	if _, err := tlsClient(t, pki, "shop.example.com", 0, nil).Do(req); err == nil {
		t.Fatal("a handshake without certificates succeeded")
	}
	s.UseCertificates(pki.byServerName)
	if resp, _, _ := getTLS(t, tlsClient(t, pki, "shop.example.com", 0, nil), addr, "shop.example.com"); resp.StatusCode != 200 {
		t.Errorf("status %d once certificates are given", resp.StatusCode)
	}
}

// startServer starts s and shuts it down at the end of the test.
func startServer(t testing.TB, s *Server) {
	t.Helper()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
}

// h2Client returns a client that speaks HTTP/2 (by ALPN) to servers p's CA signed.
func h2Client(t testing.TB, p *testPKI, serverName string) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: p.pool, ServerName: serverName},
		ForceAttemptHTTP2: true, DisableCompression: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// TestHTTP2 serves HTTP/2 streams through the front end: a client that offers h2 by
// ALPN gets it; each stream is routed, cleaned and forwarded as an HTTP/1.1 request
// (the worker sees X-Forwarded-Proto: https, the cleaned path, the body of a request
// of unknown length, joined cookies); 50 streams run at once on one connection; a
// :authority other than the SNI name gets 421; a head over 16 KiB, which h1 refuses,
// is refused on HTTP/2 too.
func TestHTTP2(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		json.NewEncoder(w).Encode(map[string]any{
			"proto": r.Header.Get("X-Forwarded-Proto"), "path": r.URL.Path, "host": r.Host,
			"body": string(body), "cookie": r.Header.Get("Cookie"), "te": r.TransferEncoding,
		})
	}))
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	base := "https://" + s.Addrs()[0].String()
	c := h2Client(t, pki, "shop.example.com")
	do := func(req *http.Request) (*http.Response, map[string]any) {
		t.Helper()
		req.Host = "shop.example.com"
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got map[string]any
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &got)
		return resp, got
	}

	req, _ := http.NewRequest("GET", base+"/a/../b", nil)
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2")
	resp, got := do(req)
	if resp.ProtoMajor != 2 || got["proto"] != "https" || got["path"] != "/b" || got["host"] != "shop.example.com" || got["cookie"] != "a=1; b=2" {
		t.Errorf("GET: %s, worker saw %v", resp.Proto, got)
	}

	pr, pw := io.Pipe()
	go func() { pw.Write([]byte("hello ")); pw.Write([]byte("stream")); pw.Close() }()
	req, _ = http.NewRequest("POST", base+"/upload", pr) // no length: chunked to the worker
	resp, got = do(req)
	if resp.StatusCode != 200 || got["body"] != "hello stream" {
		t.Errorf("POST of unknown length: %d, worker saw %v", resp.StatusCode, got)
	}

	errs := make(chan error, 50)
	for i := range 50 {
		go func() {
			req, _ := http.NewRequest("GET", base+"/n/"+strconv.Itoa(i), nil)
			req.Host = "shop.example.com"
			resp, err := c.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			errs <- err
		}()
	}
	for range 50 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent stream: %v", err)
		}
	}

	req, _ = http.NewRequest("GET", base+"/", nil)
	req.Host = "other.example.com"
	if resp, err := c.Do(req); err != nil || resp.StatusCode != 421 {
		t.Errorf(":authority other than the SNI name: %v %v, want 421", resp, err)
	} else {
		resp.Body.Close()
	}

	req, _ = http.NewRequest("GET", base+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("x", 20<<10))
	req.Host = "shop.example.com"
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("a 20 KiB head over HTTP/2: status %d, want it refused", resp.StatusCode)
		}
	}
}

// TestHTTP2StreamsAResponse: what a worker flushes reaches an HTTP/2 client while
// the rest of the response is still to come (server-sent events), though the last
// part of a response is sent with the end of the stream, unflushed.
func TestHTTP2StreamsAResponse(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	pools := newFakePools()
	next := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(next) }) }
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: 1\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-next:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: 2\n\n")
	}))
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	t.Cleanup(release) // first of the cleanups: a failed test does not leave the worker waiting
	req, _ := http.NewRequest("GET", "https://"+s.Addrs()[0].String()+"/events", nil)
	req.Host = "shop.example.com"
	resp, err := h2Client(t, pki, "shop.example.com").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, len("data: 1\n\n"))
	got := make(chan error, 1)
	go func() { _, err := io.ReadFull(resp.Body, first); got <- err }()
	select {
	case err := <-got:
		if err != nil || string(first) != "data: 1\n\n" {
			t.Fatalf("first event: %q, %v", first, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first event did not arrive while the response went on")
	}
	release()
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "data: 2\n\n" || resp.ProtoMajor != 2 {
		t.Errorf("the rest over %s: %q, %v", resp.Proto, rest, err)
	}
}

// TestHTTP2Shutdown: Shutdown lets an HTTP/2 stream in flight finish (GOAWAY, then
// the answer), and returns once it has.
func TestHTTP2Shutdown(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	pools := newFakePools()
	arrived, release := make(chan struct{}), make(chan struct{})
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		io.WriteString(w, "finished")
	}))
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c := h2Client(t, pki, "shop.example.com")
	type result struct {
		proto, body string
		err         error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("GET", "https://"+s.Addrs()[0].String()+"/slow", nil)
		req.Host = "shop.example.com"
		resp, err := c.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.Proto, string(b), err}
	}()
	<-arrived
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	close(release)
	if r := <-done; r.err != nil || r.proto != "HTTP/2.0" || r.body != "finished" {
		t.Errorf("the stream in flight: %+v (%v)", r, r.err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
}

// TestHTTP2SlowBodyIsCut: an HTTP/2 stream whose body stops coming is cut with 408
// when the body timeout passes, as an HTTP/1.1 connection's is.
func TestHTTP2SlowBodyIsCut(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) { io.ReadAll(r.Body) }))
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	s.h.times = timeouts{bodyIdle: 100 * time.Millisecond, bodyGrace: 100 * time.Millisecond, bodyMinRate: 240, responseHead: time.Minute, linger: defaultLinger}
	startServer(t, s)
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte("x")) // then nothing
	req, _ := http.NewRequest("POST", "https://"+s.Addrs()[0].String()+"/", pr)
	req.Host = "shop.example.com"
	resp, err := h2Client(t, pki, "shop.example.com").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("%s %d, want HTTP/2 408", resp.Proto, resp.StatusCode)
	}
}
