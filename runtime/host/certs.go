//go:build linux

package host

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/poolctl/poolctl/runtime/certs"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
	"github.com/poolctl/poolctl/runtime/spec"
	"github.com/poolctl/poolctl/runtime/supervisor"
)

// certWatchInterval is how often run looks for changed certificate files.
const certWatchInterval = 2 * time.Second

// hasTLS reports whether a started site of sp has an https binding.
func hasTLS(sp *spec.Spec) bool {
	for _, s := range sp.Sites {
		for _, b := range s.Bindings {
			if s.AutoStart && b.TLS {
				return true
			}
		}
	}
	return false
}

// openCertificates opens the certificate store for sp's https bindings, reporting
// each unusable file and each binding without a certificate; nil when sp has no https
// binding or the folder cannot be read (an event says so, and handshakes fail).
func openCertificates(sup *supervisor.Supervisor, sp *spec.Spec, o certs.Options) *certs.Store {
	if !hasTLS(sp) {
		return nil
	}
	store, problems, err := certs.Open(o)
	if err != nil {
		sup.Emit(event.CertificateMissing, "error", fmt.Sprintf("https bindings are not served: %v", err), o.Dir)
		return nil
	}
	emitCertProblems(sup, problems)
	checkCertificates(sup, store, sp)
	return store
}

// watchCertificates reads changed certificate files every certWatchInterval until
// ctx is done, and says what it read.
func watchCertificates(ctx context.Context, sup *supervisor.Supervisor, store *certs.Store) {
	store.Watch(ctx, certWatchInterval, func(changed []string, problems []certs.Problem) {
		for _, name := range changed {
			sup.Emit(event.CertificateLoaded, "info", fmt.Sprintf("certificate for %s read again", name), "")
		}
		emitCertProblems(sup, problems)
	})
}

// emitCertProblems reports certificate files that cannot be used.
func emitCertProblems(sup *supervisor.Supervisor, problems []certs.Problem) {
	for _, p := range problems {
		sup.Emit(event.CertificateMissing, "warning", fmt.Sprintf("certificate for %s: %v", p.Name, p.Err), p.File)
	}
}

// checkCertificates names each https binding of sp that has no certificate in store,
// with the files it looked for: its handshakes fail, the other bindings are served.
func checkCertificates(sup *supervisor.Supervisor, store *certs.Store, sp *spec.Spec) {
	for _, s := range sp.Sites {
		if !s.AutoStart {
			continue
		}
		for _, b := range s.Bindings {
			if !b.TLS {
				continue
			}
			if _, ok, looked := store.Lookup(b.Host, bindingLocal(b)); !ok {
				sup.Emit(event.CertificateMissing, "warning",
					fmt.Sprintf("https binding %q of site %q has no certificate: looked for %s", b.Info(), s.Name, strings.Join(looked, ", ")), b.Pos.String())
			}
		}
	}
}

// bindingLocal returns the address a binding's connections come to, as the store
// names IP-bound certificates: its IP, or 0.0.0.0 for all addresses.
func bindingLocal(b spec.Binding) netip.AddrPort {
	addr := netip.IPv4Unspecified()
	if a, err := netip.ParseAddr(strings.Trim(b.Addr, "[]")); err == nil {
		addr = a.Unmap()
	}
	return netip.AddrPortFrom(addr, uint16(b.Port))
}

// certSource opens the certificate store when the sites first have an https binding,
// gives it to the front end and watches it, and checks each configuration's https
// bindings against it. Its update runs at start and on each reload, one at a time.
type certSource struct {
	sup   *supervisor.Supervisor
	opt   certs.Options
	fe    *frontend.Server
	store *certs.Store
}

// update checks sp's https bindings, opening the store first when there is none yet;
// the store's watcher runs in wg until ctx ends.
func (c *certSource) update(ctx context.Context, sp *spec.Spec, wg *sync.WaitGroup) {
	if c.store != nil {
		checkCertificates(c.sup, c.store, sp)
		return
	}
	if c.store = openCertificates(c.sup, sp, c.opt); c.store != nil {
		c.fe.UseCertificates(c.store.GetCertificate)
		wg.Go(func() { watchCertificates(ctx, c.sup, c.store) })
	}
}
