//go:build unix

package frontend

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// lnKey names a listener: an address (the zero Addr: all addresses) and a port.
type lnKey struct {
	addr netip.Addr
	port int
	tls  bool // the listener speaks TLS (https bindings)
}

// all reports whether the key is for all addresses.
func (k lnKey) all() bool { return !k.addr.IsValid() }

// String returns the address to listen on: "127.0.0.1:80", "[::1]:80", ":80".
func (k lnKey) String() string {
	host := ""
	if !k.all() {
		host = k.addr.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(k.port))
}

// siteBinding is one http binding of a started site.
type siteBinding struct {
	site *spec.Site
	b    spec.Binding
	addr netip.Addr // the zero Addr for all addresses
}

// String returns the binding as bindingInformation spells it, with its position.
func (sb siteBinding) String() string {
	a := "*"
	if sb.addr.IsValid() {
		a = sb.addr.String()
		if sb.addr.Is6() {
			a = "[" + a + "]"
		}
	}
	return fmt.Sprintf("site %q: %s binding \"%s:%d:%s\" (%s)", sb.site.Name, sb.b.Scheme(), a, sb.b.Port, sb.b.Host, sb.b.Pos)
}

// group is the bindings one listener serves.
type group struct {
	key      lnKey
	bindings []siteBinding
}

// plan groups the http bindings of the sites with AutoStart by listener: one listener
// for a port when any binding on it is for all addresses, else one per address and
// port. It returns the groups in the order of their first binding, and each binding
// (in the order given) with the index of its group.
func plan(sites []*spec.Site) ([]*group, []siteBinding, []int, error) {
	var all []siteBinding
	wildPorts := make(map[int]bool)
	for _, site := range sites {
		if !site.AutoStart {
			continue
		}
		for _, b := range site.Bindings {
			sb, err := newSiteBinding(site, b)
			if err != nil {
				return nil, nil, nil, err
			}
			all = append(all, sb)
			if !sb.addr.IsValid() {
				wildPorts[b.Port] = true
			}
		}
	}
	var groups []*group
	index := make(map[lnKey]int)
	of := make([]int, len(all))
	for i, sb := range all {
		k := lnKey{addr: sb.addr, port: sb.b.Port, tls: sb.b.TLS}
		if wildPorts[k.port] {
			k.addr = netip.Addr{}
		}
		n, ok := index[k]
		if !ok {
			n = len(groups)
			index[k] = n
			groups = append(groups, &group{key: k})
		}
		groups[n].bindings = append(groups[n].bindings, sb)
		of[i] = n
	}
	return groups, all, of, nil
}

// newSiteBinding checks a binding's address and port. An unspecified address (0.0.0.0,
// ::) means all addresses, as "*" does.
func newSiteBinding(site *spec.Site, b spec.Binding) (siteBinding, error) {
	sb := siteBinding{site: site, b: b}
	if b.Port < 0 || b.Port > 65535 {
		return sb, fmt.Errorf("frontend: %s: port %d out of range", sb, b.Port)
	}
	text := strings.TrimSuffix(strings.TrimPrefix(b.Addr, "["), "]")
	if text == "" || text == "*" {
		return sb, nil
	}
	a, err := netip.ParseAddr(text)
	if err != nil {
		return sb, fmt.Errorf("frontend: %s: %w", sb, err)
	}
	if a = a.Unmap(); !a.IsUnspecified() {
		sb.addr = a
	}
	return sb, nil
}

// hostTable maps a Host to a site: exact host names, and the site for any host.
type hostTable struct {
	exact map[string]*spec.Site // lower case, no port
	any   *spec.Site
}

// add adds a binding's host; the first site for a host keeps it.
func (t *hostTable) add(host string, site *spec.Site) {
	if host == "" {
		if t.any == nil {
			t.any = site
		}
		return
	}
	h := strings.ToLower(host)
	if t.exact == nil {
		t.exact = make(map[string]*spec.Site)
	}
	if _, dup := t.exact[h]; !dup {
		t.exact[h] = site
	}
}

// addrHosts is the host table of one specific address on a listener for all addresses.
type addrHosts struct {
	addr  netip.Addr
	hosts hostTable
}

// routes is how one listener finds a request's site.
type routes struct {
	addrs []*addrHosts // specific addresses, on a listener for all addresses only
	all   hostTable    // bindings for all addresses, or every binding of a specific listener
}

// newRoutes builds the routes of a group. On a listener for one address, every
// connection comes in on that address, so all its bindings go into r.all.
func newRoutes(g *group) *routes {
	r := &routes{}
	for _, sb := range g.bindings {
		t := &r.all
		if g.key.all() && sb.addr.IsValid() {
			t = r.forAddr(sb.addr, true)
		}
		t.add(sb.b.Host, sb.site)
	}
	return r
}

// forAddr returns the host table of a specific address, adding one when add is true.
func (r *routes) forAddr(a netip.Addr, add bool) *hostTable {
	for _, ah := range r.addrs {
		if ah.addr == a {
			return &ah.hosts
		}
	}
	if !add {
		return nil
	}
	ah := &addrHosts{addr: a}
	r.addrs = append(r.addrs, ah)
	return &ah.hosts
}

// site returns the site of a request for host (as hostName gives it) that came in on
// the local address: exact host on the local address, exact host on all addresses,
// any host on the local address, any host on all addresses.
func (r *routes) site(host string, localAddr netip.Addr) *spec.Site {
	var local *hostTable
	if len(r.addrs) > 0 {
		local = r.forAddr(localAddr, false)
	}
	if local != nil {
		if s := local.exact[host]; s != nil {
			return s
		}
	}
	if s := r.all.exact[host]; s != nil {
		return s
	}
	if local != nil && local.any != nil {
		return local.any
	}
	return r.all.any
}

// hostName returns a Host header's name: lower case, without the port.
func hostName(h string) string {
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// matchApp returns the application whose path is the longest prefix of p at a segment
// boundary, compared case-insensitively; apps come longest first.
func matchApp(apps []*spec.App, p string) *spec.App {
	for _, a := range apps {
		if a.Path == "/" || hasPathPrefix(p, a.Path) {
			return a
		}
	}
	return nil
}

// hasPathPrefix reports whether prefix ("/api") is p or a leading segment of p,
// case-insensitively: "/API/x" has it, "/apix" does not.
func hasPathPrefix(p, prefix string) bool {
	n := len(prefix)
	if len(p) < n || !strings.EqualFold(p[:n], prefix) {
		return false
	}
	return len(p) == n || p[n] == '/'
}

// routeTarget returns the path to route the request by and the target to send to the
// worker: its path without dot segments and repeated slashes (as HTTP.sys
// canonicalizes URLs; the worker gets the cleaned path too), or "/" for a request
// without an absolute path ("OPTIONS *").
func routeTarget(r *h1.Request) (p, uri string) {
	p = r.Path
	if p == "" || p[0] != '/' {
		return "/", r.URI
	}
	if !needsClean(p) {
		return p, r.URI
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	uri = (&url.URL{Path: c}).EscapedPath()
	if i := strings.IndexByte(r.URI, '?'); i >= 0 {
		uri += r.URI[i:]
	}
	return c, uri
}

// needsClean reports whether p has dot segments or repeated slashes.
func needsClean(p string) bool {
	return strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../") ||
		strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
}
