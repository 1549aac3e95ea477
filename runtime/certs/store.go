//go:build unix

package certs

import (
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Store.
type Options struct {
	Dir          string // the certificate folder
	PasswordFile string // the file of the PFX password (one line); "" for none
}

// Problem is a certificate file that cannot be used, and why.
type Problem struct {
	Name string // the host, wildcard or IP!PORT it is for; "the PFX files" for the password file
	File string
	Err  error
}

// Error says which file and why.
func (p Problem) Error() string { return fmt.Sprintf("%s: %v", p.File, p.Err) }

// entry is the certificate of one name, and the versions of the files it came from.
type entry struct {
	src    source
	stamps []stamp
	cert   *tls.Certificate
}

// Store holds the certificates of a folder; see the package documentation.
type Store struct {
	opt      Options
	password string
	pwStamp  stamp // the password file as password was read from it
	pwFailed stamp // the password file as it last could not be read
	now      func() time.Time
	mu       sync.Mutex                        // one Reload at a time; guards the fields above and failed
	failed   map[string][]stamp                // files that could not be used, as they were then
	cur      atomic.Pointer[map[string]*entry] // by name; replaced whole, never changed
}

// Open reads every certificate of o.Dir. It fails only when the folder or the
// password file cannot be read; each file that cannot be used is a Problem.
func Open(o Options) (*Store, []Problem, error) {
	s := &Store{opt: o, now: time.Now, failed: map[string][]stamp{}}
	if o.PasswordFile != "" {
		if _, err := s.readPassword(); err != nil {
			return nil, nil, err
		}
	}
	if _, err := os.ReadDir(o.Dir); err != nil {
		return nil, nil, fmt.Errorf("certificate folder: %w", err)
	}
	s.cur.Store(&map[string]*entry{})
	_, problems := s.Reload()
	return s, problems, nil
}

// readPassword reads the PFX password file and reports whether the password is new.
// s.mu is held, or s is not shared yet.
func (s *Store) readPassword() (bool, error) {
	st := passwordStamp(s.opt.PasswordFile)
	pw, err := readSecret(s.opt.PasswordFile)
	if err != nil {
		s.pwFailed = st
		return false, fmt.Errorf("PFX password file %s: %w", s.opt.PasswordFile, err)
	}
	password := strings.TrimRight(string(pw), "\r\n")
	fresh := password != s.password
	s.password, s.pwStamp, s.pwFailed = password, st, stamp{}
	return fresh, nil
}

// passwordStamp returns the stamp of the password file; that of a file that cannot
// be found holds its path alone.
func passwordStamp(path string) stamp {
	st, err := stampOf(path)
	if err != nil {
		return stamp{path: path}
	}
	return st
}

// passwordChanged reads the PFX password file again when it changed since it was
// read, and reports whether the password is new. A file that cannot be read is a
// Problem, said once, and the password read before stays.
func (s *Store) passwordChanged() (bool, *Problem) {
	if s.opt.PasswordFile == "" {
		return false, nil
	}
	if st := passwordStamp(s.opt.PasswordFile); st == s.pwStamp || st == s.pwFailed {
		return false, nil
	}
	fresh, err := s.readPassword()
	if err != nil {
		return false, &Problem{Name: "the PFX files", File: s.opt.PasswordFile, Err: fmt.Errorf("%w; the password read before stays in use", err)}
	}
	return fresh, nil
}

// Reload reads again the certificates whose files changed (written, added, removed)
// since they were read, and puts the new set in place at once: a handshake gets the
// old set or the new one, and a connection keeps the certificate it got. A file that
// changed and cannot be used keeps its name's previous certificate, if any. A new PFX
// password (its file changed) reads every PFX file again. changed lists the names
// whose certificate is new or gone.
func (s *Store) Reload() (changed []string, problems []Problem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.cur.Load()
	srcs, err := scan(s.opt.Dir)
	if err != nil {
		return nil, []Problem{{File: s.opt.Dir, Err: err}}
	}
	newPassword, p := s.passwordChanged()
	if p != nil {
		problems = append(problems, *p)
	}
	next := make(map[string]*entry, len(srcs))
	for name, src := range srcs {
		e, p := s.refresh(old[name], src, newPassword && src.isPFX())
		if p != nil {
			problems = append(problems, *p)
		}
		if e != nil {
			next[name] = e
		}
		if e != old[name] {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := next[name]; !ok {
			changed = append(changed, name)
		}
	}
	s.cur.Store(&next)
	slices.Sort(changed)
	changed = slices.Compact(changed)
	slices.SortFunc(problems, func(a, b Problem) int { return strings.Compare(a.File, b.File) })
	return changed, problems
}

// refresh returns the entry of src: old when its files did not change and again is
// false, else one read anew (or old, with a Problem, when that fails).
func (s *Store) refresh(old *entry, src source, again bool) (*entry, *Problem) {
	stamps := make([]stamp, len(src.files))
	for i, f := range src.files {
		st, err := stampOf(f)
		if err != nil {
			return old, &Problem{Name: src.name, File: f, Err: err}
		}
		stamps[i] = st
	}
	if old != nil && !again && slices.Equal(old.stamps, stamps) && slices.Equal(old.src.files, src.files) {
		return old, nil
	}
	if !again && slices.Equal(s.failed[src.name], stamps) {
		return old, nil // refused as it is already, and said so
	}
	cert, err := load(src, s.password, s.now())
	if err != nil {
		s.failed[src.name] = stamps
		if old != nil {
			err = fmt.Errorf("%w; the certificate read before stays in service", err)
		}
		return old, &Problem{Name: src.name, File: src.files[0], Err: err}
	}
	delete(s.failed, src.name)
	return &entry{src: src, stamps: stamps, cert: cert}, nil
}

// scan lists the certificate sources of dir by name: for each name, the form with the
// highest precedence whose files are there.
func scan(dir string) (map[string]source, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]map[string]string{} // name -> ext -> path
	kinds := map[string]kind{}
	for _, de := range des {
		name, ext, k, ok := parseFileName(de.Name())
		if !ok || de.IsDir() {
			continue
		}
		if files[name] == nil {
			files[name] = map[string]string{}
		}
		files[name][ext] = filepath.Join(dir, de.Name())
		kinds[name] = k
	}
	out := make(map[string]source, len(files))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f := files[name]
		src := source{name: name, kind: kinds[name]}
		switch {
		case f[extPFX] != "":
			src.files = []string{f[extPFX]}
		case f[extPEM] != "":
			src.files = []string{f[extPEM]}
		case f[extCRT] != "" && f[extKey] != "":
			src.files = []string{f[extCRT], f[extKey]}
		default:
			continue // a .crt without its .key, or the reverse
		}
		out[name] = src
	}
	return out, nil
}

// Watch calls Reload every interval until ctx is done, and report with what each
// Reload changed or could not use, when anything.
func (s *Store) Watch(ctx context.Context, interval time.Duration, report func(changed []string, problems []Problem)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if changed, problems := s.Reload(); len(changed)+len(problems) > 0 {
				report(changed, problems)
			}
		}
	}
}

// GetCertificate returns the tls.Config.GetCertificate of connections that came to
// local: the certificate the package documentation's choice gives.
func (s *Store) GetCertificate(local netip.AddrPort) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		set := *s.cur.Load()
		for _, name := range candidates(hello.ServerName, local) {
			if e := set[name]; e != nil {
				return e.cert, nil
			}
		}
		return nil, fmt.Errorf("certs: no certificate in %s for %q on %s", s.opt.Dir, hello.ServerName, local)
	}
}

// Lookup returns the file whose certificate would serve host (an SNI name; "" for a
// binding of any host, which any certificate of the folder may serve) on local, and
// whether there is one; lookedFor names the files the choice tries, for messages.
func (s *Store) Lookup(host string, local netip.AddrPort) (file string, ok bool, lookedFor []string) {
	set := *s.cur.Load()
	for _, name := range candidates(host, local) {
		if e := set[name]; e != nil {
			return e.src.files[0], true, nil
		}
		if strings.Contains(name, "!") || strings.HasPrefix(name, "_.") {
			lookedFor = append(lookedFor, name+".*")
		} else {
			lookedFor = append(lookedFor, name+extPFX, name+extPEM, name+extCRT+"+"+extKey)
		}
	}
	if host == "" {
		for _, name := range slices.Sorted(maps.Keys(set)) {
			if !strings.Contains(name, "!") {
				return set[name].src.files[0], true, nil
			}
		}
		lookedFor = append(lookedFor, "HOST.* for the names clients send")
	}
	return "", false, lookedFor
}

// TLSConfig returns a server configuration for connections to local: TLS 1.2 and
// 1.3, Go's default cipher suites, session tickets, HTTP/1.1 by ALPN, and
// GetCertificate's choice.
func (s *Store) TLSConfig(local netip.AddrPort) *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		NextProtos:     []string{"http/1.1"},
		GetCertificate: s.GetCertificate(local),
	}
}
