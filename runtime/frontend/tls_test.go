//go:build unix

package frontend

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
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
