//go:build unix

package frontend

import (
	"net/http"
	"strings"
	"testing"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// TestRouting sends requests over real sockets to one listener for all addresses of a
// port, which also serves bindings on specific loopback addresses (127.0.0.2), and
// checks which site and application each reaches. The order is HTTP.sys's routing
// order (https://learn.microsoft.com/windows/win32/http/urlprefix-strings): explicit
// host names, then IP-bound weak wildcards, then weak wildcards.
func TestRouting(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	sites := []*spec.Site{
		site("HostOnAddr", []spec.Binding{bind("127.0.0.2", 0, "www.example.com", 1)}, "/api", "/api/v2"),
		site("Host", []spec.Binding{bind("", 0, "www.example.com", 2), bind("", 0, "Shop.Example.com", 3)}, "/api"),
		site("Addr", []spec.Binding{bind("127.0.0.2", 0, "", 4)}),
		site("Any", []spec.Binding{bind("", 0, "", 5)}, "/api"),
		site("Later", []spec.Binding{bind("", 0, "www.example.com", 6)}),
	}
	s := start(t, sites, pools)
	port := portOf(t, s.Addrs()[0])
	c := client(t)
	tests := []struct {
		name, ip, host, path string
		want                 string // the pool: "SITE:APP"
		wantPath             string // the path the worker sees; "" means path
	}{
		{"host on address wins", "127.0.0.2", "www.example.com", "/", "HostOnAddr:/", ""},
		{"host on all addresses", "127.0.0.1", "www.example.com", "/", "Host:/", ""},
		{"host case-insensitive, port stripped", "127.0.0.2", "WWW.Example.COM:8080", "/", "HostOnAddr:/", ""},
		{"binding host case-insensitive", "127.0.0.1", "shop.example.com", "/", "Host:/", ""},
		{"host wins over address", "127.0.0.2", "shop.example.com", "/", "Host:/", ""},
		{"address wins over any host", "127.0.0.2", "other.example", "/", "Addr:/", ""},
		{"any host on all addresses", "127.0.0.1", "other.example", "/", "Any:/", ""},
		{"IP as host", "127.0.0.1", "", "/", "Any:/", ""},
		{"longest path", "127.0.0.2", "www.example.com", "/api/v2/x", "HostOnAddr:/api/v2", ""},
		{"path exact", "127.0.0.2", "www.example.com", "/api", "HostOnAddr:/api", ""},
		{"path case-insensitive", "127.0.0.2", "www.example.com", "/API/V2", "HostOnAddr:/api/v2", ""},
		{"segment boundary", "127.0.0.2", "www.example.com", "/apix", "HostOnAddr:/", ""},
		{"segment boundary deeper", "127.0.0.2", "www.example.com", "/api/v2x", "HostOnAddr:/api", ""},
		{"trailing slash", "127.0.0.2", "www.example.com", "/api/", "HostOnAddr:/api", ""},
		{"dot segments cleaned", "127.0.0.1", "www.example.com", "/x/../api/y", "Host:/api", "/api/y"},
		{"escape of dot segments", "127.0.0.1", "www.example.com", "/x/%2e%2e/api/", "Host:/api", "/api/"},
		{"double slash", "127.0.0.1", "other.example", "//api", "Any:/api", "/api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, c, hostPort(tt.ip, port), tt.host, tt.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, body %q", resp.StatusCode, body)
			}
			if got := pools.lastApp().Pool; got != tt.want {
				t.Errorf("request went to %s, want %s", got, tt.want)
			}
			want := tt.wantPath
			if want == "" {
				want = tt.path
			}
			if e := decodeEcho(t, body); e.Path != want {
				t.Errorf("worker saw path %q, want %q", e.Path, want)
			}
		})
	}
}

// TestUnknownHost: no binding for the Host gets HTTP.sys's 400 "Bad Request - Invalid
// Hostname".
func TestUnknownHost(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "a.example", 1)})}, pools)
	c := client(t)
	resp, body := get(t, c, s.Addrs()[0].String(), "b.example", "/", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Bad Request - Invalid Hostname") {
		t.Errorf("got %d %q, want 400 Bad Request - Invalid Hostname", resp.StatusCode, body)
	}
	if resp, _ := get(t, c, s.Addrs()[0].String(), "A.example", "/", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("a.example: status %d, want 200", resp.StatusCode)
	}
}

// TestNoApplication: a site without a root application answers 404 for other paths.
func TestNoApplication(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	st := &spec.Site{Name: "A", AutoStart: true, Bindings: []spec.Binding{bind("127.0.0.1", 0, "", 1)},
		Apps: []*spec.App{{Site: "A", Path: "/api", Pool: "p"}}}
	s := start(t, []*spec.Site{st}, pools)
	c := client(t)
	if resp, body := get(t, c, s.Addrs()[0].String(), "", "/other", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d %q, want 404", resp.StatusCode, body)
	}
	if resp, _ := get(t, c, s.Addrs()[0].String(), "", "/api/x", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("/api/x: status %d, want 200", resp.StatusCode)
	}
}

// TestSpecificListeners: without a "*" binding on a port, each address gets its own
// listener, and Addrs follows the bindings' order.
func TestSpecificListeners(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	sites := []*spec.Site{
		site("A", []spec.Binding{bind("127.0.0.3", 0, "", 1), bind("127.0.0.4", 0, "", 2)}),
		site("B", []spec.Binding{bind("127.0.0.3", 0, "b.example", 3)}),
	}
	s := start(t, sites, pools)
	addrs := s.Addrs()
	if len(addrs) != 3 {
		t.Fatalf("Addrs = %v, want 3", addrs)
	}
	if addrs[0].String() != addrs[2].String() || addrs[0].String() == addrs[1].String() {
		t.Errorf("Addrs = %v: want bindings 1 and 3 on one listener, 2 on another", addrs)
	}
	c := client(t)
	for _, tt := range []struct{ addr, host, want string }{
		{addrs[0].String(), "b.example", "B:/"},
		{addrs[0].String(), "a.example", "A:/"},
		{addrs[1].String(), "b.example", "A:/"},
	} {
		if resp, body := get(t, c, tt.addr, tt.host, "/", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %q", tt.addr, tt.host, resp.StatusCode, body)
		}
		if got := pools.lastApp().Pool; got != tt.want {
			t.Errorf("%s %s went to %s, want %s", tt.addr, tt.host, got, tt.want)
		}
	}
}

// TestAddrsWildcard: a binding on a specific address served by the listener for all
// addresses has its own address; a site without AutoStart has no listener.
func TestAddrsWildcard(t *testing.T) {
	stopped := site("Stopped", []spec.Binding{bind("127.0.0.1", 0, "", 3)})
	stopped.AutoStart = false
	s := start(t, []*spec.Site{
		site("A", []spec.Binding{bind("", 0, "", 1), bind("127.0.0.2", 0, "", 2)}),
		stopped,
	}, newFakePools())
	addrs := s.Addrs()
	if len(addrs) != 2 {
		t.Fatalf("Addrs = %v, want 2 (none for the stopped site)", addrs)
	}
	if want := hostPort("127.0.0.2", portOf(t, addrs[0])); addrs[1].String() != want {
		t.Errorf("Addrs()[1] = %s, want %s", addrs[1], want)
	}
}

func TestMatchApp(t *testing.T) {
	apps := site("S", nil, "/api", "/api/v2", "/Shop").Apps
	tests := []struct{ path, want string }{
		{"/", "/"},
		{"/api", "/api"},
		{"/api/", "/api"},
		{"/Api/V2/x", "/api/v2"},
		{"/apix", "/"},
		{"/api/v2x", "/api"},
		{"/shop/cart", "/Shop"},
		{"/sho", "/"},
	}
	for _, tt := range tests {
		if got := matchApp(apps, tt.path); got.Path != tt.want {
			t.Errorf("matchApp(%q) = %s, want %s", tt.path, got.Path, tt.want)
		}
	}
}

func TestHostName(t *testing.T) {
	for in, want := range map[string]string{
		"Example.COM":      "example.com",
		"example.com:8080": "example.com",
		"[::1]:80":         "[::1]",
		"[::1]":            "[::1]",
		"":                 "",
	} {
		if got := hostName(in); got != want {
			t.Errorf("hostName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteTarget(t *testing.T) {
	tests := []struct {
		path, uri string // as the client sent them
		want, to  string // the path to route by, the target the worker gets
	}{
		{"/a/b", "/a/b?q", "/a/b", "/a/b?q"},
		{"/a/../b", "/a/../b", "/b", "/b"},
		{"/a/./b/", "/a/./b/?x=1", "/a/b/", "/a/b/?x=1"},
		{"//a//b", "//a//b", "/a/b", "/a/b"},
		{"/a/..", "/a/..", "/", "/"},
		{"/../../etc", "/../../etc", "/etc", "/etc"},
		{"/a b/../c", "/a%20b/../c", "/c", "/c"},
		{"/x y/./z", "/x%20y/./z", "/x y/z", "/x%20y/z"},
		{"/a%b", "/a%25b", "/a%b", "/a%25b"},
		{"", "*", "/", "*"},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			p, uri := routeTarget(&h1.Request{Path: tt.path, URI: tt.uri})
			if p != tt.want || uri != tt.to {
				t.Errorf("routeTarget(%q, %q) = %q, %q; want %q, %q", tt.path, tt.uri, p, uri, tt.want, tt.to)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	for _, b := range []spec.Binding{bind("not-an-ip", 80, "", 7), bind("", 70000, "", 7)} {
		_, _, _, err := plan([]*spec.Site{site("Bad", []spec.Binding{b})})
		if err == nil || !strings.Contains(err.Error(), `site "Bad"`) || !strings.Contains(err.Error(), "applicationHost.config:7:5") {
			t.Errorf("plan(%+v) = %v, want an error naming the site and the position", b, err)
		}
	}
}
