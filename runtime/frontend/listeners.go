//go:build unix

package frontend

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// Client connection timeouts. There is no write timeout: a download may take as long
// as it takes.
const (
	readHeaderTimeout = 30 * time.Second  // from a request's first byte to its head's end
	idleTimeout       = 120 * time.Second // HTTP.sys's IdleConnectionTimeout default
	idleSlack         = time.Second       // how much sooner than idleTimeout an idle wait may end (idleDeadline)
)

// listener is one open listener with the server of its connections.
type listener struct {
	cfg    lnKey // the key as configured (port 0 for a free port)
	bound  lnKey // the key with the actual port
	addr   net.Addr
	ln     net.Listener
	srv    *connServer
	h      *handler
	routes atomic.Pointer[routes]
	paused bool // ln was closed to make room for a conflicting listener (Update)
}

// open opens the listener of a group; an error names the group's first binding.
func (s *Server) open(g *group) (*listener, error) {
	ln, err := net.Listen("tcp", g.key.String())
	if err != nil {
		return nil, fmt.Errorf("frontend: %s: %w", g.bindings[0], err)
	}
	l := &listener{cfg: g.key, bound: g.key, addr: ln.Addr(), ln: ln, h: s.h}
	if ap, ok := ln.Addr().(*net.TCPAddr); ok {
		l.bound.port = ap.Port
	}
	if g.key.tls {
		l.ln = tls.NewListener(fastListener{ln}, s.tlsCfg)
	}
	l.srv = newConnServer(l, s.base, s.errLog, s.limit)
	return l, nil
}

// serve serves l until its listener closes; an unexpected end is logged.
func (s *Server) serve(l *listener, ln net.Listener) {
	err := l.srv.serve(ln)
	if err == nil || errors.Is(err, errServerClosed) || errors.Is(err, net.ErrClosed) {
		return
	}
	s.log.Error("listener failed", "id", event.ListenFailed, "addr", l.addr.String(), "err", err)
}

// apply makes the listeners serve sites: it keeps the listeners still needed, opens the
// new ones and retires the others. When a listener cannot be opened, nothing changes.
// s.mu is held.
func (s *Server) apply(sites []*spec.Site) error {
	groups, bindings, of, err := plan(sites)
	if err != nil {
		return err
	}
	next, stale := s.match(groups)
	opened, paused, err := s.openMissing(groups, next, stale)
	if err != nil {
		for _, l := range opened {
			l.ln.Close()
		}
		s.resume(paused)
		return err
	}
	for i, g := range groups {
		next[i].routes.Store(newRoutes(g))
	}
	for _, l := range opened {
		go s.serve(l, l.ln)
	}
	for _, l := range stale {
		s.retire(l)
	}
	s.lns, s.sites = next, sites
	s.addrs = addrsOf(bindings, of, next)
	return nil
}

// match pairs each group with the open listener that already serves its key, if any
// (a port-0 key matches the listener opened for it), and returns the listeners no
// group needs.
func (s *Server) match(groups []*group) (next, stale []*listener) {
	next = make([]*listener, len(groups))
	used := make(map[*listener]bool)
	for i, g := range groups {
		for _, l := range s.lns {
			if !used[l] && (l.cfg == g.key || l.bound == g.key) {
				next[i], used[l] = l, true
				break
			}
		}
	}
	for _, l := range s.lns {
		if !used[l] {
			stale = append(stale, l)
		}
	}
	return next, stale
}

// openMissing opens the listeners of the groups without one, filling next. Groups
// that conflict with a stale listener (same port, one of them for all addresses) come
// last: the stale listeners stop accepting first (paused).
func (s *Server) openMissing(groups []*group, next, stale []*listener) (opened, paused []*listener, err error) {
	for pass := 0; pass < 2; pass++ {
		for i, g := range groups {
			c := conflicts(g.key, stale)
			if next[i] != nil || (pass == 0) != (len(c) == 0) {
				continue
			}
			paused = append(paused, pause(c)...)
			l, err := s.open(g)
			if err != nil {
				return opened, paused, err
			}
			opened, next[i] = append(opened, l), l
		}
	}
	return opened, paused, nil
}

// conflicts returns the stale listeners that a listener for k cannot open beside.
func conflicts(k lnKey, stale []*listener) []*listener {
	var c []*listener
	for _, l := range stale {
		if k.port != 0 && l.bound.port == k.port && (k.all() || l.bound.all()) {
			c = append(c, l)
		}
	}
	return c
}

// pause closes the listeners' sockets (their connections stay) and returns those it closed.
func pause(ls []*listener) []*listener {
	var done []*listener
	for _, l := range ls {
		if !l.paused {
			l.ln.Close()
			l.paused = true
			done = append(done, l)
		}
	}
	return done
}

// resume reopens paused listeners after a failed Update.
func (s *Server) resume(ls []*listener) {
	for _, l := range ls {
		ln, err := net.Listen("tcp", l.bound.String())
		if err != nil {
			s.log.Error("cannot reopen listener", "id", event.ListenFailed, "addr", l.addr.String(), "err", err)
			continue
		}
		if l.bound.tls {
			ln = tls.NewListener(fastListener{ln}, s.tlsCfg)
		}
		l.ln, l.paused = ln, false
		go s.serve(l, ln)
	}
}

// retire shuts a listener down in the background: requests in flight finish.
func (s *Server) retire(l *listener) {
	s.retiring[l] = struct{}{}
	go func() {
		l.srv.Shutdown(s.base)
		s.mu.Lock()
		delete(s.retiring, l)
		s.mu.Unlock()
	}()
}

// shutdownAll shuts the listeners down in parallel until ctx ends, then closes what is left.
func shutdownAll(ctx context.Context, ls []*listener) error {
	var wg sync.WaitGroup
	errs := make([]error, len(ls))
	for i, l := range ls {
		wg.Go(func() {
			errs[i] = l.srv.Shutdown(ctx)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// addrsOf returns the address of each binding: its listener's, or, for a binding on a
// specific address served by a listener for all addresses, that address with the
// listener's port.
func addrsOf(bindings []siteBinding, of []int, lns []*listener) []net.Addr {
	addrs := make([]net.Addr, len(bindings))
	for i, sb := range bindings {
		l := lns[of[i]]
		addrs[i] = l.addr
		if l.cfg.all() && sb.addr.IsValid() {
			addrs[i] = net.TCPAddrFromAddrPort(netip.AddrPortFrom(sb.addr, uint16(l.bound.port)))
		}
	}
	return addrs
}
