//go:build unix

package frontend

import (
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"strings"
	"time"
)

// tlsHandshakeTimeout bounds a client's TLS handshake, from its first byte.
const tlsHandshakeTimeout = 10 * time.Second

// misdirected is the body of the 421 a request gets when its Host is not the name
// the client asked for in its TLS handshake (SNI).
const misdirected = "Misdirected Request\n\nHTTP Error 421. The request's host name is not the one its TLS connection was made for.\n"

// errNoCertificates is a handshake's error when the front end was given no
// certificates (UseCertificates).
var errNoCertificates = errors.New("frontend: no certificates for https bindings")

// CertificateFunc returns the certificate callback of a TLS handshake on a connection
// that came to local: runtime/certs.Store.GetCertificate is one.
type CertificateFunc func(local netip.AddrPort) func(*tls.ClientHelloInfo) (*tls.Certificate, error)

// UseCertificates gives the listeners of https bindings their certificates: for each
// handshake, f is asked for the callback of the address the connection came to.
// Without it every handshake fails. Call it before Start; a reload of the
// certificates is f's business (it is asked at every handshake).
func (s *Server) UseCertificates(f CertificateFunc) {
	s.certs.Store(&f)
}

// newTLSConfig returns the configuration that every https listener of s shares (one
// set of session ticket keys, so that a client resumes its session on any of them):
// TLS 1.2 and 1.3 with Go's default cipher suites, session tickets, HTTP/1.1 by ALPN,
// and the certificate UseCertificates gives for the connection's local address.
func (s *Server) newTLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			f := s.certs.Load()
			if f == nil {
				return nil, errNoCertificates
			}
			return (*f)(addrPortOf(hello.Conn.LocalAddr()))(hello)
		},
	}
}

// addrPortOf returns a TCP address as a netip.AddrPort, IPv4 unmapped.
func addrPortOf(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// handshake completes the TLS handshake of a connection to an https listener (within
// tlsHandshakeTimeout) and records the server name the client asked for. A plain
// connection has nothing to do. It reports whether the connection can be served.
func (c *clientConn) handshake() bool {
	tc, ok := c.conn.(*tls.Conn)
	if !ok {
		return true
	}
	tc.SetDeadline(time.Now().Add(tlsHandshakeTimeout))
	if err := tc.HandshakeContext(c.ctx); err != nil {
		return false
	}
	tc.SetDeadline(time.Time{})
	c.tls = true
	c.sni = normalHost(tc.ConnectionState().ServerName)
	return true
}

// scheme returns the scheme the client used: "https" or "http".
func (c *clientConn) scheme() string {
	if c.tls {
		return "https"
	}
	return "http"
}

// misdirectedHost reports whether host, a request's Host name, is not the name its
// client sent in the TLS handshake (when it sent one), as HTTP.sys refuses a request
// for another site than the one the connection's certificate is for.
func (c *clientConn) misdirectedHost(host string) bool {
	return c.sni != "" && normalHost(host) != c.sni
}

// normalHost returns a host name lower case, without a final dot.
func normalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
