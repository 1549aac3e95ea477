//go:build unix

package frontend

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/spec"
)

// observed collects what an Observer hears.
type observed chan Served

func (o observed) Served(s Served) { o <- s }

// TestObserverHearsEveryAnswer checks what the observer is told of a worker's answer,
// the front end's own answers (no application, unknown host) and a refused request.
func TestObserverHearsEveryAnswer(t *testing.T) {
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/fail") {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	port := freePort(t, "127.0.0.1")
	s := &spec.Site{Name: "S", AutoStart: true, Bindings: []spec.Binding{bind("127.0.0.1", port, "", 1)},
		Apps: []*spec.App{{Site: "S", Path: "/app", Pool: "P"}}}
	fe := start(t, []*spec.Site{s}, pools)
	obs := make(observed, 10)
	fe.Observe(obs)
	addr := hostPort("127.0.0.1", port)
	c := client(t)
	get(t, c, addr, "", "/app/ok", nil)
	get(t, c, addr, "", "/app/fail", nil)
	get(t, c, addr, "", "/elsewhere", nil)
	rawRequest(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
	want := []Served{
		{Site: "S", Pool: "P", Status: 200, PID: 4242},
		{Site: "S", Pool: "P", Status: 500, PID: 4242},
		{Site: "S", Status: 404},
		{Status: 400},
	}
	var got []Served
	for range want {
		select {
		case s := <-obs:
			if s.Duration <= 0 {
				t.Errorf("Served %+v: the duration is not positive", s)
			}
			got = append(got, s)
		case <-time.After(10 * time.Second):
			t.Fatalf("heard %d answers, want %d", len(got), len(want))
		}
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Served{}, "Duration")); diff != "" {
		t.Errorf("served (-want +got):\n%s", diff)
	}
}

// rawRequest sends raw on a connection of its own and reads until the server closes.
func rawRequest(t *testing.T, addr, raw string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write([]byte(raw))
	buf := make([]byte, 4096)
	for {
		if _, err := conn.Read(buf); err != nil {
			return
		}
	}
}

// TestInFlightListsWaitingRequest checks that a request the worker has not answered
// yet is listed with its site, pool, worker, method, URL and client, and is gone once
// answered.
func TestInFlightListsWaitingRequest(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	port := freePort(t, "127.0.0.1")
	fe := start(t, []*spec.Site{site("S", []spec.Binding{bind("127.0.0.1", port, "", 1)}, "/api")}, pools)
	done := make(chan struct{})
	go func() {
		defer close(done)
		get(t, client(t), hostPort("127.0.0.1", port), "shop.test", "/api/slow?x=1", nil)
	}()
	<-arrived
	got := fe.InFlight()
	want := []InFlight{{Site: "S", Pool: "S:/api", App: "/api", PID: 4242, Method: "GET",
		URL: "shop.test/api/slow?x=1", Client: "127.0.0.1"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(InFlight{}, "Start", "ID")); diff != "" {
		t.Errorf("InFlight (-want +got):\n%s", diff)
	}
	if len(got) == 1 && got[0].ID == 0 {
		t.Errorf("ID = 0, want the request's number")
	}
	if len(got) == 1 && (got[0].Start.IsZero() || time.Since(got[0].Start) > time.Minute) {
		t.Errorf("Start = %v, want the request's start", got[0].Start)
	}
	close(release)
	<-done
	// The client may have the answer a moment before the request's record is cleared.
	if !testwait.Until(10*time.Second, time.Millisecond, func() bool { return len(fe.InFlight()) == 0 }) {
		t.Errorf("InFlight after the answer = %+v, want none", fe.InFlight())
	}
}

// TestInFlightListsHTTP2Streams checks that requests on HTTP/2 streams are listed in
// flight, two at once on one connection, and gone once answered.
func TestInFlightListsHTTP2Streams(t *testing.T) {
	pki := newTestPKI(t, "shop.example.com")
	arrived, release := make(chan struct{}, 2), make(chan struct{})
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	c := h2Client(t, pki, "shop.example.com")
	done := make(chan error, 2)
	for _, path := range []string{"/one", "/two"} {
		go func() {
			req, _ := http.NewRequest("GET", "https://"+s.Addrs()[0].String()+path, nil)
			req.Host = "shop.example.com"
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
	}
	<-arrived
	<-arrived
	var urls []string
	for _, f := range s.InFlight() {
		urls = append(urls, f.URL)
	}
	slices.Sort(urls)
	if diff := cmp.Diff([]string{"shop.example.com/one", "shop.example.com/two"}, urls); diff != "" {
		t.Errorf("in flight on HTTP/2 (-want +got):\n%s", diff)
	}
	close(release)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if !testwait.Until(10*time.Second, time.Millisecond, func() bool { return len(s.InFlight()) == 0 }) {
		t.Errorf("InFlight after the answers = %+v, want none", s.InFlight())
	}
}
