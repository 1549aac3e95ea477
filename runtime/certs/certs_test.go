//go:build unix

package certs

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testpki"

	"github.com/google/go-cmp/cmp"
	"software.sslmate.com/src/go-pkcs12"
)

// testCA signs the certificates of a test.
type testCA struct{ *testpki.CA }

func newTestCA(t testing.TB) *testCA {
	t.Helper()
	ca, err := testpki.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{ca}
}

// leafOpts shape a leaf certificate.
type leafOpts struct {
	names     []string // DNS names
	ip        bool     // for 127.0.0.1
	serial    int64
	notAfter  time.Time
	notBefore time.Time
}

// leaf returns a certificate the CA signed, and its key.
func (ca *testCA) leaf(t testing.TB, o leafOpts) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	l := testpki.Leaf{DNSNames: o.names, Serial: o.serial, NotBefore: o.notBefore, NotAfter: o.notAfter}
	if o.ip {
		l.IPs = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	c, k, err := ca.Sign(l)
	if err != nil {
		t.Fatal(err)
	}
	return c, k
}

// certPEM and keyPEM encode a certificate and a key.
func certPEM(c *x509.Certificate) []byte { return testpki.CertPEM(c) }

func keyPEM(t testing.TB, k *ecdsa.PrivateKey) []byte {
	b, err := testpki.KeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// write writes data to dir/name with mode, replacing it atomically.
func write(t testing.TB, dir, name string, data []byte, mode os.FileMode) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(tmp, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

// writePEM writes the certificate and key as one NAME.pem.
func (ca *testCA) writePEM(t testing.TB, dir, name string, o leafOpts) *x509.Certificate {
	c, k := ca.leaf(t, o)
	write(t, dir, name+".pem", append(certPEM(c), keyPEM(t, k)...), 0o600)
	return c
}

// serialFor returns the serial of the certificate s chooses for sni on local, or
// "none".
func serialFor(s *Store, sni string, local netip.AddrPort) string {
	c, err := s.GetCertificate(local)(&tls.ClientHelloInfo{ServerName: sni})
	if err != nil {
		return "none"
	}
	return c.Leaf.SerialNumber.String()
}

// TestChoice checks the order of the choice: exact name, wildcard one label up,
// IP-bound on the connection's address, then on all addresses, in IPv4 and IPv6.
func TestChoice(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	ca.writePEM(t, dir, "shop.example.com", leafOpts{names: []string{"shop.example.com"}, serial: 1})
	ca.writePEM(t, dir, "_.example.com", leafOpts{names: []string{"*.example.com"}, serial: 2})
	ca.writePEM(t, dir, "192.0.2.10!443", leafOpts{ip: true, serial: 3})
	ca.writePEM(t, dir, "0.0.0.0!443", leafOpts{ip: true, serial: 4})
	ca.writePEM(t, dir, "[::]!443", leafOpts{ip: true, serial: 5})
	ca.writePEM(t, dir, "Upper.Example.ORG", leafOpts{names: []string{"upper.example.org"}, serial: 6})
	s, problems, err := Open(Options{Dir: dir})
	if err != nil || len(problems) > 0 {
		t.Fatalf("Open: %v %v", err, problems)
	}
	v4, v4other := netip.MustParseAddrPort("192.0.2.10:443"), netip.MustParseAddrPort("192.0.2.11:443")
	v6 := netip.MustParseAddrPort("[2001:db8::1]:443")
	tests := []struct {
		sni   string
		local netip.AddrPort
		want  string
	}{
		{"shop.example.com", v4, "1"},
		{"SHOP.example.com.", v4, "1"},  // case and a final dot do not count
		{"blog.example.com", v4, "2"},   // wildcard
		{"a.blog.example.com", v4, "3"}, // one label only: then IP-bound
		{"example.com", v4other, "4"},   // not the wildcard's; all addresses
		{"", v4, "3"},                   // no SNI: IP-bound on the address
		{"", v4other, "4"},              // on all addresses
		{"", v6, "5"},                   // IPv6: [::]
		{"upper.example.org", v6, "6"},  // a file named in upper case
		{"", netip.MustParseAddrPort("192.0.2.10:8443"), "none"},
	}
	for _, tt := range tests {
		if got := serialFor(s, tt.sni, tt.local); got != tt.want {
			t.Errorf("%q on %s: serial %s, want %s", tt.sni, tt.local, got, tt.want)
		}
	}
}

// TestForms reads each form of file, with their precedence, and the PFX password.
func TestForms(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pfx-password")
	write(t, filepath.Dir(pwFile), "pfx-password", []byte("s3cret\n"), 0o600)
	pfx := func(name string, serial int64, password string) {
		c, k := ca.leaf(t, leafOpts{names: []string{name}, serial: serial})
		data, err := pkcs12.Modern.Encode(k, c, []*x509.Certificate{ca.Cert}, password)
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, name+".pfx", data, 0o600)
	}
	pfx("a.example.com", 1, "s3cret")
	// b: pfx before pem before crt+key.
	pfx("b.example.com", 2, "s3cret")
	ca.writePEM(t, dir, "b.example.com", leafOpts{names: []string{"b.example.com"}, serial: 20})
	// c: crt+key.
	c, k := ca.leaf(t, leafOpts{names: []string{"c.example.com"}, serial: 3})
	write(t, dir, "c.example.com.crt", certPEM(c), 0o644)
	write(t, dir, "c.example.com.key", keyPEM(t, k), 0o600)
	// d: a crt without its key is no certificate; other files are ignored.
	write(t, dir, "d.example.com.crt", certPEM(c), 0o644)
	write(t, dir, "notes.txt", []byte("x"), 0o644)
	s, problems, err := Open(Options{Dir: dir, PasswordFile: pwFile})
	if err != nil || len(problems) > 0 {
		t.Fatalf("Open: %v %v", err, problems)
	}
	local := netip.MustParseAddrPort("127.0.0.1:443")
	got := map[string]string{}
	for _, h := range []string{"a", "b", "c", "d"} {
		got[h] = serialFor(s, h+".example.com", local)
	}
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2", "c": "3", "d": "none"}, got); diff != "" {
		t.Errorf("serials (-want +got):\n%s", diff)
	}
	if cert, _ := s.GetCertificate(local)(&tls.ClientHelloInfo{ServerName: "a.example.com"}); len(cert.Certificate) != 2 {
		t.Errorf("the PFX's chain has %d certificates, want the leaf and the CA", len(cert.Certificate))
	}
}

// TestRefusals: every file that must not be served is a Problem naming it and why.
func TestRefusals(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	c, k := ca.leaf(t, leafOpts{names: []string{"open.example.com"}})
	write(t, dir, "open.example.com.pem", append(certPEM(c), keyPEM(t, k)...), 0o644)
	c, _ = ca.leaf(t, leafOpts{names: []string{"mismatch.example.com"}})
	_, other := ca.leaf(t, leafOpts{names: []string{"x"}})
	write(t, dir, "mismatch.example.com.pem", append(certPEM(c), keyPEM(t, other)...), 0o600)
	ca.writePEM(t, dir, "expired.example.com", leafOpts{names: []string{"expired.example.com"}, notAfter: time.Now().Add(-time.Hour), notBefore: time.Now().Add(-2 * time.Hour)})
	ca.writePEM(t, dir, "wrong.example.com", leafOpts{names: []string{"other.example.com"}})
	ca.writePEM(t, dir, "_.wild.example.com", leafOpts{names: []string{"wild.example.com"}})
	c, k = ca.leaf(t, leafOpts{names: []string{"pw.example.com"}})
	data, err := pkcs12.Modern.Encode(k, c, nil, "right")
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "pw.example.com.pfx", data, 0o600)
	_, problems, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"_.wild.example.com.pem":   "not for _.wild.example.com",
		"expired.example.com.pem":  "expired on",
		"mismatch.example.com.pem": "private key does not match",
		"open.example.com.pem":     "other users may read it (mode 0644): run chmod 600",
		"pw.example.com.pfx":       "is the password right?",
		"wrong.example.com.pem":    "not for wrong.example.com",
	}
	got := map[string]string{}
	for _, p := range problems {
		got[filepath.Base(p.File)] = p.Err.Error()
	}
	if len(got) != len(want) {
		t.Errorf("problems %v, want one for each of %d files", got, len(want))
	}
	for file, frag := range want {
		if !strings.Contains(got[file], frag) {
			t.Errorf("%s: problem %q, want one with %q", file, got[file], frag)
		}
	}
	if _, _, err := Open(Options{Dir: filepath.Join(dir, "missing")}); err == nil {
		t.Error("Open of a missing folder succeeded")
	}
	pw := filepath.Join(t.TempDir(), "pw")
	write(t, filepath.Dir(pw), "pw", []byte("x"), 0o644)
	if _, _, err := Open(Options{Dir: dir, PasswordFile: pw}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Open with a password file others may read: %v", err)
	}
}

// TestReload: a replaced file is served after Reload and named in changed, a
// certificate handed out before stays as it was, a removed file stops being served, a
// new one starts, unchanged files are not read again, and a broken replacement keeps
// the previous certificate and is reported once.
func TestReload(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	local := netip.MustParseAddrPort("127.0.0.1:443")
	ca.writePEM(t, dir, "a.example.com", leafOpts{names: []string{"a.example.com"}, serial: 1})
	ca.writePEM(t, dir, "b.example.com", leafOpts{names: []string{"b.example.com"}, serial: 1})
	s, _, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.GetCertificate(local)(&tls.ClientHelloInfo{ServerName: "a.example.com"})
	unchanged, _ := s.GetCertificate(local)(&tls.ClientHelloInfo{ServerName: "b.example.com"})

	ca.writePEM(t, dir, "a.example.com", leafOpts{names: []string{"a.example.com"}, serial: 2})
	ca.writePEM(t, dir, "c.example.com", leafOpts{names: []string{"c.example.com"}, serial: 1})
	changed, problems := s.Reload()
	if diff := cmp.Diff([]string{"a.example.com", "c.example.com"}, changed); diff != "" || len(problems) > 0 {
		t.Errorf("changed (-want +got):\n%s; problems %v", diff, problems)
	}
	if got := serialFor(s, "a.example.com", local); got != "2" || before.Leaf.SerialNumber.Int64() != 1 {
		t.Errorf("after the replacement: serial %s (want 2); the one handed out before is now %v", got, before.Leaf.SerialNumber)
	}
	if again, _ := s.GetCertificate(local)(&tls.ClientHelloInfo{ServerName: "b.example.com"}); again != unchanged {
		t.Error("an unchanged file was read again")
	}

	if err := os.Remove(filepath.Join(dir, "c.example.com.pem")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "a.example.com.pem", []byte("not PEM"), 0o600)
	changed, problems = s.Reload()
	if diff := cmp.Diff([]string{"c.example.com"}, changed); diff != "" {
		t.Errorf("changed after a removal (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "stays in service") || serialFor(s, "a.example.com", local) != "2" || serialFor(s, "c.example.com", local) != "none" {
		t.Errorf("problems %v; a.example.com serial %s (want 2 kept), c.example.com %s (want none)", problems, serialFor(s, "a.example.com", local), serialFor(s, "c.example.com", local))
	}
	if changed, problems := s.Reload(); len(changed)+len(problems) != 0 {
		t.Errorf("a third Reload without a change: %v %v, want nothing (the broken file was said already)", changed, problems)
	}
}

// TestReloadPassword: a new PFX password (its file rewritten) reads the PFX files
// again, and a renewal protected by it is served; a PFX that the new password does
// not open yet keeps its certificate; a password file that cannot be read keeps the
// password, and is said once.
func TestReloadPassword(t *testing.T) {
	ca, dir, pwDir := newTestCA(t), t.TempDir(), t.TempDir()
	local := netip.MustParseAddrPort("127.0.0.1:443")
	pfx := func(name string, serial int64, password string) {
		t.Helper()
		c, k := ca.leaf(t, leafOpts{names: []string{name}, serial: serial})
		data, err := pkcs12.Modern.Encode(k, c, nil, password)
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, name+".pfx", data, 0o600)
	}
	pwFile := filepath.Join(pwDir, "pw")
	write(t, pwDir, "pw", []byte("one\n"), 0o600)
	pfx("a.example.com", 1, "one")
	pfx("b.example.com", 1, "one")
	s, problems, err := Open(Options{Dir: dir, PasswordFile: pwFile})
	if err != nil || len(problems) > 0 {
		t.Fatalf("Open: %v %v", err, problems)
	}
	serials := func() string {
		return serialFor(s, "a.example.com", local) + " " + serialFor(s, "b.example.com", local)
	}

	pfx("a.example.com", 2, "two") // renewed under the password to come
	changed, problems := s.Reload()
	if len(changed) != 0 || len(problems) != 1 || !strings.Contains(problems[0].Error(), "password") || serials() != "1 1" {
		t.Errorf("a renewal under another password: changed %v, problems %v, serials %s; want one problem and 1 1", changed, problems, serials())
	}

	write(t, pwDir, "pw", []byte("two\n"), 0o600)
	changed, problems = s.Reload()
	if diff := cmp.Diff([]string{"a.example.com"}, changed); diff != "" || serials() != "2 1" {
		t.Errorf("after the new password: changed (-want +got):\n%s; serials %s, want 2 1", diff, serials())
	}
	if len(problems) != 1 || !strings.HasSuffix(problems[0].File, "b.example.com.pfx") || !strings.Contains(problems[0].Error(), "stays in service") {
		t.Errorf("problems %v, want b.example.com.pfx's (the old password's), its certificate in service", problems)
	}

	write(t, pwDir, "pw", []byte("three\n"), 0o644)
	changed, problems = s.Reload()
	if len(changed) != 0 || len(problems) != 1 || problems[0].File != pwFile || !strings.Contains(problems[0].Error(), "stays in use") {
		t.Errorf("a password file others may read: changed %v, problems %v; want its problem alone", changed, problems)
	}
	if changed, problems := s.Reload(); len(changed)+len(problems) != 0 || serials() != "2 1" {
		t.Errorf("Reload without a change: %v %v, serials %s; want nothing, 2 1", changed, problems, serials())
	}
}

// TestWatch: Watch reports a replaced file.
func TestWatch(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	ca.writePEM(t, dir, "a.example.com", leafOpts{names: []string{"a.example.com"}, serial: 1})
	s, _, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	reports := make(chan []string, 10)
	go s.Watch(ctx, 5*time.Millisecond, func(changed []string, _ []Problem) { reports <- changed })
	ca.writePEM(t, dir, "a.example.com", leafOpts{names: []string{"a.example.com"}, serial: 2})
	select {
	case changed := <-reports:
		if diff := cmp.Diff([]string{"a.example.com"}, changed); diff != "" {
			t.Errorf("reported (-want +got):\n%s", diff)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Watch reported nothing in 30 s")
	}
}

// TestHandshake makes real TLS connections: SNI chooses the certificate, a client
// without SNI gets the IP-bound one, TLS 1.1 is refused, a name without a
// certificate fails the handshake.
func TestHandshake(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	ca.writePEM(t, dir, "shop.example.com", leafOpts{names: []string{"shop.example.com"}, serial: 7})
	s, _, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	local := ln.Addr().(*net.TCPAddr).AddrPort()
	ca.writePEM(t, dir, "127.0.0.1!"+strconv.Itoa(int(local.Port())), leafOpts{ip: true, serial: 8})
	s.Reload()
	tl := tls.NewListener(ln, s.TLSConfig(local))
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	dial := func(serverName string, maxVersion uint16) (string, error) {
		cfg := &tls.Config{RootCAs: pool, ServerName: serverName, MaxVersion: maxVersion}
		if maxVersion != 0 {
			cfg.MinVersion = tls.VersionTLS10
		}
		c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.String(), nil
	}
	if got, err := dial("shop.example.com", 0); got != "7" {
		t.Errorf("SNI shop.example.com: serial %q, %v; want 7", got, err)
	}
	if got, err := dial("127.0.0.1", 0); got != "8" { // no SNI is sent for an IP address
		t.Errorf("no SNI: serial %q, %v; want 8 (IP-bound)", got, err)
	}
	if _, err := dial("shop.example.com", tls.VersionTLS11); err == nil {
		t.Error("a TLS 1.1 handshake succeeded")
	}
	if _, err := dial("blog.example.com", 0); err == nil {
		t.Error("a handshake for a name without a certificate (and with the IP-bound one not for it) succeeded")
	}
}

// TestLookup names the files of a binding, found or looked for.
func TestLookup(t *testing.T) {
	ca, dir := newTestCA(t), t.TempDir()
	ca.writePEM(t, dir, "shop.example.com", leafOpts{names: []string{"shop.example.com"}})
	s, _, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	local := netip.MustParseAddrPort("0.0.0.0:443")
	if file, ok, _ := s.Lookup("shop.example.com", local); !ok || filepath.Base(file) != "shop.example.com.pem" {
		t.Errorf("Lookup(shop) = %s, %v", file, ok)
	}
	if file, ok, _ := s.Lookup("", local); !ok || filepath.Base(file) != "shop.example.com.pem" {
		t.Errorf("Lookup of a binding of any host = %s, %v; want any certificate", file, ok)
	}
	_, ok, looked := s.Lookup("blog.example.com", local)
	want := []string{"blog.example.com.pfx", "blog.example.com.pem", "blog.example.com.crt+.key", "_.example.com.*", "0.0.0.0!443.*"}
	if diff := cmp.Diff(want, looked); ok || diff != "" {
		t.Errorf("Lookup(blog) ok %v, looked for (-want +got):\n%s", ok, diff)
	}
}

// TestParseFileName tells certificate files from the others.
func TestParseFileName(t *testing.T) {
	tests := []struct {
		file, name string
		k          kind
	}{
		{"shop.example.com.pfx", "shop.example.com", hostName},
		{"Shop.Example.COM.PEM", "shop.example.com", hostName},
		{"_.example.com.crt", "_.example.com", wildcardName},
		{"0.0.0.0!443.key", "0.0.0.0!443", ipName},
		{"[::1]!8443.pem", "[::1]!8443", ipName},
		{"_.com.pem", "", 0},            // a wildcard of a top-level domain
		{"0.0.0.0!0.pem", "", 0},        // port 0
		{"::1!443.pem", "", 0},          // IPv6 without brackets
		{"[1.2.3.4]!443.pem", "", 0},    // IPv4 in brackets
		{"0.0.0.0!0443.pem", "", 0},     // a port with a leading zero
		{"a..b.pem", "", 0},             // an empty label
		{"shop.example.com.txt", "", 0}, // not a certificate file
		{"ca.pem", "ca", hostName},      // a name without a dot is a host (intranet)
	}
	for _, tt := range tests {
		name, _, k, ok := parseFileName(tt.file)
		if name != tt.name || k != tt.k || ok != (tt.k != 0) {
			t.Errorf("parseFileName(%q) = %q %v %v, want %q %v", tt.file, name, k, ok, tt.name, tt.k)
		}
	}
}

// FuzzParseFileName: any name parses or not without a panic, and a name it accepts
// is one GetCertificate's candidates can produce.
func FuzzParseFileName(f *testing.F) {
	for _, s := range []string{"shop.example.com.pfx", "_.example.com.pem", "0.0.0.0!443.crt", "[::]!443.key", "x!y.pem"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		name, _, k, ok := parseFileName(file)
		if !ok {
			return
		}
		switch k {
		case ipName:
			ap, ok := parseIPName(name)
			if !ok || ipFileName(ap) != name {
				t.Fatalf("%q: IP name %q does not round-trip (%v)", file, name, ap)
			}
		case wildcardName:
			if c := candidates("x"+name[1:], netip.AddrPort{}); len(c) < 2 || c[1] != name {
				t.Fatalf("%q: wildcard %q is not a candidate of x%s: %v", file, name, name[1:], c)
			}
		case hostName:
			if c := candidates(name, netip.AddrPort{}); len(c) == 0 || c[0] != name {
				t.Fatalf("%q: host %q is not its own candidate: %v", file, name, c)
			}
		}
	})
}
