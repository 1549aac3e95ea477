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
// bindings against it. At start and on each reload, one at a time, prepare runs
// before the front end takes the configuration and use once it has. While the folder
// (or the PFX password file) cannot be read, it is tried again every
// certWatchInterval: an administrator who creates it need not restart.
type certSource struct {
	sup     *supervisor.Supervisor
	opt     certs.Options
	fe      *frontend.Server
	mu      sync.Mutex // prepare, use and keep take turns
	store   *certs.Store
	sp      *spec.Spec // the configuration in use; nil before the first
	started bool       // keep runs
}

// prepare opens the store when sp, a configuration about to be applied, is the first
// to have an https binding, so that a new https listener has it, and starts keep in
// wg, which runs until ctx ends. A refused configuration leaves nothing else behind:
// its bindings are checked by use, once it is applied.
func (c *certSource) prepare(ctx context.Context, sp *spec.Spec, wg *sync.WaitGroup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store == nil && hasTLS(sp) && !c.started {
		c.started = true
		c.open(false)
		wg.Go(func() { c.keep(ctx) })
	}
}

// use takes sp as the configuration in use and checks its https bindings against
// the store, when it is open.
func (c *certSource) use(sp *spec.Spec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sp = sp
	if c.store != nil {
		checkCertificates(c.sup, c.store, sp)
	}
}

// open opens the store, reports the files it cannot use, and gives it to the front
// end; late (keep's tries), it also checks the https bindings in use, which use does
// otherwise, and says that they are served, once the front end has the store. When
// the folder cannot be read, it says why unless late: keep's tries say nothing until
// one succeeds. c.mu is held.
func (c *certSource) open(late bool) {
	store, problems, err := certs.Open(c.opt)
	switch {
	case err != nil && !late:
		c.sup.Emit(event.CertificateMissing, "error", fmt.Sprintf("https bindings are not served until the certificate folder can be read (tried again every %s): %v", certWatchInterval, err), c.opt.Dir)
		return
	case err != nil:
		return
	}
	c.store = store
	emitCertProblems(c.sup, problems)
	if late {
		checkCertificates(c.sup, store, c.sp)
	}
	c.fe.UseCertificates(store.GetCertificate)
	if late {
		c.sup.Emit(event.CertificateLoaded, "info", "the certificate folder can be read now: https bindings are served", c.opt.Dir)
	}
}

// keep tries to open the store every certWatchInterval while it is not open and the
// sites have an https binding, and then watches it, until ctx ends.
func (c *certSource) keep(ctx context.Context) {
	t := time.NewTicker(certWatchInterval)
	defer t.Stop()
	for {
		c.mu.Lock()
		store := c.store
		c.mu.Unlock()
		if store != nil {
			watchCertificates(ctx, c.sup, store)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.mu.Lock()
		if c.store == nil && c.sp != nil && hasTLS(c.sp) {
			c.open(true)
		}
		c.mu.Unlock()
	}
}
