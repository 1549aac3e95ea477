//go:build unix

package certs

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/poolctl/poolctl/internal/saferead"
)

// maxFileBytes bounds a certificate, key or password file.
const maxFileBytes = 1 << 20

// stamp identifies a version of a file: a change of any field means it was written.
type stamp struct {
	path    string
	size    int64
	modTime time.Time
	ino     uint64
}

// stampOf returns the stamp of the file at path.
func stampOf(path string) (stamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	s := stamp{path: path, size: fi.Size(), modTime: fi.ModTime()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.ino = st.Ino
	}
	return s, nil
}

// source is the file or files a name's certificate is read from.
type source struct {
	name  string
	kind  kind
	files []string // one file, or NAME.crt and NAME.key
}

// isPFX reports whether the source is a PKCS#12 file, read with the folder's password.
func (src source) isPFX() bool { return filepath.Ext(src.files[0]) == extPFX }

// readSecret reads a file that holds a private key or a password, refusing it when
// its group or others may read it.
func readSecret(path string) ([]byte, error) {
	f, err := saferead.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("other users may read it (mode %04o): run chmod 600 %s", fi.Mode().Perm(), path)
	}
	return saferead.ReadAll(f, path, maxFileBytes)
}

// load reads the certificate of src and checks it at now.
func load(src source, password string, now time.Time) (*tls.Certificate, error) {
	var cert *tls.Certificate
	var err error
	switch filepath.Ext(src.files[0]) {
	case extPFX:
		cert, err = loadPFX(src.files[0], password)
	case extPEM:
		cert, err = loadPEM(src.files[0], src.files[0])
	default:
		cert, err = loadPEM(src.files[0], src.files[1])
	}
	if err != nil {
		return nil, err
	}
	return cert, check(cert.Leaf, src, now)
}

// loadPFX reads a PKCS#12 file: its key, its certificate and the chain.
func loadPFX(path, password string) (*tls.Certificate, error) {
	data, err := readSecret(path)
	if err != nil {
		return nil, err
	}
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("read PKCS#12 (is the password right?): %w", err)
	}
	pub, ok := key.(interface{ Public() crypto.PublicKey })
	if !ok || !publicEqual(pub.Public(), leaf.PublicKey) {
		return nil, errors.New("its private key does not match its certificate")
	}
	cert := &tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	return cert, nil
}

// publicEqual reports whether two public keys are the same.
func publicEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// loadPEM reads a PEM chain from certPath and its key from keyPath (the same file for
// NAME.pem); the file with the key must be private.
func loadPEM(certPath, keyPath string) (*tls.Certificate, error) {
	keyPEM, err := readSecret(keyPath)
	if err != nil {
		return nil, err
	}
	certPEM := keyPEM
	if certPath != keyPath {
		if certPEM, err = saferead.ReadFile(certPath, maxFileBytes); err != nil {
			return nil, err
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	return &cert, nil
}

// check refuses a certificate that is not valid at now, or not for the name it is
// filed under (IP-bound ones are for whatever address they are bound to).
func check(leaf *x509.Certificate, src source, now time.Time) error {
	switch {
	case now.After(leaf.NotAfter):
		return fmt.Errorf("the certificate expired on %s", leaf.NotAfter.UTC().Format(time.DateOnly))
	case now.Before(leaf.NotBefore):
		return fmt.Errorf("the certificate is not valid before %s", leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	host := src.name
	switch src.kind {
	case ipName:
		return nil
	case wildcardName:
		host = "poolctl-probe" + src.name[1:] // a name the wildcard must cover
	}
	if err := leaf.VerifyHostname(host); err != nil {
		return fmt.Errorf("the certificate is not for %s: %w", src.name, err)
	}
	return nil
}
