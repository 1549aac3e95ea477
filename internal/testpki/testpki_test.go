package testpki

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
)

// TestSignedLeafVerifies: a leaf verifies against the CA's pool for its names, after
// a round trip of the CA and the leaf through PEM.
func TestSignedLeafVerifies(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM, err := ca.PEM()
	if err != nil {
		t.Fatal(err)
	}
	if ca, err = ParseCA(certPEM, keyPEM); err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Sign(Leaf{DNSNames: []string{"shop.example.com"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Serial: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"shop.example.com", "127.0.0.1"} {
		if _, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: ca.Pool()}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	kp, err := KeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	if pair, err := tls.X509KeyPair(CertPEM(cert), kp); err != nil || pair.Leaf.SerialNumber.Int64() != 7 {
		t.Errorf("X509KeyPair: %v", err)
	}
}
