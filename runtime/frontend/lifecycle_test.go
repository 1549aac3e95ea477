//go:build unix

package frontend

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// keepAlive is a raw HTTP/1.1 connection that sends requests one after another.
type keepAlive struct {
	conn net.Conn
	br   *bufio.Reader
}

func dialKeepAlive(t *testing.T, addr string) *keepAlive {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &keepAlive{conn: conn, br: bufio.NewReader(conn)}
}

// get sends GET path on the connection and returns the status and body.
func (k *keepAlive) get(t *testing.T, path string) (int, string) {
	t.Helper()
	k.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(k.conn, "GET "+path+" HTTP/1.1\r\nHost: a.example\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(k.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestUpdate: a listener still needed stays open (a keep-alive connection made before
// Update goes on working, with the new routes), a listener no longer needed closes, a
// new one opens.
func TestUpdate(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	s := start(t, []*spec.Site{
		site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)}),
		site("B", []spec.Binding{bind("127.0.0.3", 0, "", 2)}),
	}, pools)
	old := s.Addrs()
	ka := dialKeepAlive(t, old[0].String())
	if code, _ := ka.get(t, "/"); code != http.StatusOK || pools.lastApp().Pool != "A:/" {
		t.Fatalf("before Update: %d, %s", code, pools.lastApp().Pool)
	}

	// The same listener, once by its actual port, once by port 0 as first configured.
	for _, port := range []int{portOf(t, old[0]), 0} {
		err := s.Update([]*spec.Site{
			site("A2", []spec.Binding{bind("127.0.0.1", port, "", 1)}),
			site("C", []spec.Binding{bind("127.0.0.4", 0, "", 2)}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := ka.get(t, "/"); code != http.StatusOK || pools.lastApp().Pool != "A2:/" {
			t.Fatalf("after Update: %d, %s; want 200 from A2:/", code, pools.lastApp().Pool)
		}
	}
	now := s.Addrs()
	if len(now) != 2 || now[0].String() != old[0].String() {
		t.Fatalf("Addrs = %v, want %s first", now, old[0])
	}
	waitRefused(t, old[1].String())
	if resp, _ := get(t, client(t), now[1].String(), "", "/", nil); resp.StatusCode != http.StatusOK || pools.lastApp().Pool != "C:/" {
		t.Errorf("new listener: %d %s", resp.StatusCode, pools.lastApp().Pool)
	}
}

// TestUpdateAllAddresses: a "*" binding replaces a specific one on the same port (the
// two cannot listen side by side on Linux).
func TestUpdateAllAddresses(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	port := freePort(t, "")
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", port, "", 1)})}, pools)
	if err := s.Update([]*spec.Site{site("W", []spec.Binding{bind("", port, "", 1)})}); err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{"127.0.0.1", "127.0.0.2"} {
		if resp, _ := get(t, client(t), hostPort(ip, port), "", "/", nil); resp.StatusCode != http.StatusOK || pools.lastApp().Pool != "W:/" {
			t.Errorf("%s: %d %s, want 200 from W:/", ip, resp.StatusCode, pools.lastApp().Pool)
		}
	}
	if err := s.Update([]*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", port, "", 1)})}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, client(t), hostPort("127.0.0.1", port), "", "/", nil); resp.StatusCode != http.StatusOK || pools.lastApp().Pool != "A:/" {
		t.Errorf("back to A: %d %s", resp.StatusCode, pools.lastApp().Pool)
	}
}

// TestUpdateFails: an Update whose new listener cannot open changes nothing.
func TestUpdateFails(t *testing.T) {
	pools := newFakePools()
	pools.set("*", echoBackend(t).Listener.Addr().String())
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	s := start(t, []*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools)
	before := s.Addrs()
	err = s.Update([]*spec.Site{
		site("A2", []spec.Binding{bind("127.0.0.1", 0, "", 1)}),
		site("New", []spec.Binding{bind("127.0.0.5", 0, "", 2)}),
		site("Busy", []spec.Binding{bind("127.0.0.1", portOf(t, busy.Addr()), "", 3)}),
	})
	if err == nil || !strings.Contains(err.Error(), `site "Busy"`) {
		t.Fatalf("Update = %v, want an error naming site Busy", err)
	}
	if after := s.Addrs(); len(after) != 1 || after[0].String() != before[0].String() {
		t.Errorf("Addrs = %v, want %v", after, before)
	}
	if resp, _ := get(t, client(t), before[0].String(), "", "/", nil); resp.StatusCode != http.StatusOK || pools.lastApp().Pool != "A:/" {
		t.Errorf("old site: %d %s, want 200 from A:/", resp.StatusCode, pools.lastApp().Pool)
	}
}

// TestStartError: a binding that cannot be opened is an error naming the site, the
// binding and its position, and no listener stays open.
func TestStartError(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := portOf(t, busy.Addr())
	good := freePort(t, "127.0.0.5")
	s := New([]*spec.Site{
		site("Good", []spec.Binding{bind("127.0.0.5", good, "", 1)}),
		site("Busy", []spec.Binding{bind("127.0.0.1", busyPort, "busy.example", 42)}),
	}, newFakePools(), slog.New(slog.DiscardHandler))
	err = s.Start()
	if err == nil {
		t.Fatal("Start succeeded on a port in use")
	}
	for _, want := range []string{`site "Busy"`, "127.0.0.1:" + strconv.Itoa(busyPort) + ":busy.example",
		"applicationHost.config:42:5", "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	l, err := net.Listen("tcp", hostPort("127.0.0.5", good))
	if err != nil {
		t.Fatalf("the good binding's listener stayed open: %v", err)
	}
	l.Close()
	if a := s.Addrs(); len(a) != 0 {
		t.Errorf("Addrs = %v after a failed Start", a)
	}
}

// TestShutdownWaits: Shutdown stops accepting at once and returns only when the request
// in flight has been answered.
func TestShutdownWaits(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		io.WriteString(w, "slow")
	}))
	s := New([]*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools, slog.New(slog.DiscardHandler))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addrs()[0].String()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := client(t).Get("http://" + addr + "/")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-arrived
	stopped := make(chan error, 1)
	go func() { stopped <- s.Shutdown(context.Background()) }()
	waitRefused(t, addr)
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "slow" {
		t.Errorf("request in flight: %q, %v", r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if err := s.Start(); err == nil {
		t.Error("Start after Shutdown succeeded")
	}
}

// TestShutdownDeadline: when ctx ends first, Shutdown closes the connections and says so.
func TestShutdownDeadline(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	s := New([]*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools, slog.New(slog.DiscardHandler))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	addr := s.Addrs()[0].String()
	failed := make(chan error, 1)
	go func() {
		resp, err := client(t).Get("http://" + addr + "/")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		failed <- err
	}()
	<-arrived
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want the deadline", err)
	}
	if err := <-failed; err == nil {
		t.Error("the request in flight succeeded after a forced close")
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after a forced close, want Done(false)")
	}
}
