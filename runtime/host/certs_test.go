//go:build linux

package host

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/internal/testpki"
	"github.com/poolctl/poolctl/runtime/certs"
	"github.com/poolctl/poolctl/runtime/event"
)

// TestCertificateFolderCreatedLater: a certificate folder that does not exist when
// run starts is named (event 9025) and tried again: once it is created, with a
// certificate in it, the https binding is served without a restart (event 9026).
func TestCertificateFolderCreatedLater(t *testing.T) {
	var dir string
	https := func(exe, d string) string {
		dir = d
		return strings.Replace(config(exe, d, "/"), `<binding protocol="http" bindingInformation="127.0.0.1:0:" />`,
			`<binding protocol="https" bindingInformation="127.0.0.1:0:shop.example.com" sslFlags="1" />`, 1)
	}
	var folder string
	s := startRuntime(t, https, func(o *Options) {
		folder = filepath.Join(filepath.Dir(o.Path), "certs")
		o.Certs = certs.Options{Dir: folder}
	})
	if e := s.await(t, event.CertificateMissing); !strings.Contains(e.Msg, "tried again") || e.Reason != folder {
		t.Errorf("event 9025 = %q (%q), want the folder named and tried again", e.Msg, e.Reason)
	}
	addr := s.rt.Addrs()[0].String()
	ca, err := testpki.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{ServerName: "shop.example.com", RootCAs: ca.Pool()}
	if conn, err := tls.Dial("tcp", addr, cfg); err == nil {
		conn.Close()
		t.Fatal("a handshake succeeded before the folder existed")
	}

	leaf, key, err := ca.Sign(testpki.Leaf{CommonName: "shop.example.com", DNSNames: []string{"shop.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := testpki.KeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(dir, "staging")
	if err := os.Mkdir(staging, 0o700); err != nil {
		t.Fatal(err)
	}
	pem := append(testpki.CertPEM(leaf), keyPEM...)
	if err := os.WriteFile(filepath.Join(staging, "shop.example.com.pem"), pem, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(staging, folder); err != nil { // the folder appears with its file
		t.Fatal(err)
	}
	if e := s.await(t, event.CertificateLoaded); e.Reason != folder {
		t.Errorf("event 9026 names %q, want the folder %q", e.Reason, folder)
	}
	conn, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("handshake once the folder exists: %v", err)
	}
	conn.Close()
}

// TestRefusedReloadLeavesCertificatesAlone: a changed file that adds an https binding
// and is refused (its port is in use) is not checked against the certificates: no
// event 9025 names its binding, and the running configuration stays the one checked.
// Once the port is free the same file is applied, and its binding, which has no
// certificate, is named.
func TestRefusedReloadLeavesCertificatesAlone(t *testing.T) {
	busy := busyPort(t)
	var exe, dir string
	s := startRuntime(t, func(e, d string) string { exe, dir = e, d; return config(e, d, "/") }, func(o *Options) {
		folder := filepath.Join(filepath.Dir(o.Path), "certs")
		if err := os.Mkdir(folder, 0o700); err != nil {
			t.Fatal(err)
		}
		o.Certs = certs.Options{Dir: folder}
	})
	s.await(t, event.WorkerStarted)
	https := strings.Replace(config(exe, dir, "/"), `<binding protocol="http" bindingInformation="127.0.0.1:0:" />`,
		`<binding protocol="http" bindingInformation="127.0.0.1:0:" />
<binding protocol="https" bindingInformation="`+busy.Addr().String()+`:shop.example.com" sslFlags="1" />`, 1)
	os.WriteFile(s.path, []byte(https), 0o644)
	deadline := time.After(30 * time.Second)
wait:
	for {
		select {
		case e := <-s.events:
			switch e.ID {
			case event.CertificateMissing:
				t.Errorf("event 9025 for a refused file: %q (%q)", e.Msg, e.Reason)
			case event.ConfigRejected:
				break wait
			}
		case <-deadline:
			t.Fatal("no event 9013 within 30 s")
		}
	}
	busy.Close()
	if err := s.rt.Reload(); err != nil {
		t.Fatalf("Reload once the port is free: %v", err)
	}
	if e := s.await(t, event.CertificateMissing); !strings.Contains(e.Msg+e.Reason, "shop.example.com") {
		t.Errorf("event 9025 = %q (%q), want the binding of shop.example.com named", e.Msg, e.Reason)
	}
}
