//go:build unix

package frontend

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/poolctl/poolctl/runtime/spec"
)

// onePool leases one backend to every request, without allocating.
type onePool struct{ lease *nopLease }

func (p onePool) Acquire(context.Context, *spec.App) (Lease, error) { return p.lease, nil }

type nopLease struct{ addr string }

func (l *nopLease) Addr() string { return l.addr }
func (l *nopLease) Done(Outcome) {}
func (l *nopLease) PID() int     { return 1 }

// BenchmarkProxy compares a request through the front end with a direct request to
// the same backend; the ratio of the two is the front end's cost. The -parallel
// variants measure throughput with concurrent clients.
func BenchmarkProxy(b *testing.B) {
	body := []byte("hello, world\n")
	addr := backend(b, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	s := start(b, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, onePool{&nopLease{addr}})
	front := s.Addrs()[0].String()
	for _, tt := range []struct{ name, url string }{
		{"direct", "http://" + addr + "/"},
		{"proxy", "http://" + front + "/"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			c := client(b)
			b.ReportAllocs()
			for b.Loop() {
				fetch(b, c, tt.url)
			}
		})
		b.Run(tt.name+"-parallel", func(b *testing.B) {
			c := client(b)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					fetch(b, c, tt.url)
				}
			})
		})
	}
}

// fetch gets url and reads the body.
func fetch(b *testing.B, c *http.Client, url string) {
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

// BenchmarkProxyH2 measures requests over HTTP/2 through the front end to a backend,
// from concurrent streams of one client connection.
func BenchmarkProxyH2(b *testing.B) {
	body := []byte("hello, world\n")
	addr := backend(b, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	pki := newTestPKI(b, "shop.example.com")
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, onePool{&nopLease{addr}}, nil)
	s.UseCertificates(pki.byServerName)
	startServer(b, s)
	url := "https://" + s.Addrs()[0].String() + "/"
	c := h2Client(b, pki, "shop.example.com")
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Host = "shop.example.com"
			resp, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
