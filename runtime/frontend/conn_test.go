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
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/spec"
)

// waitingPools is a Pools whose Acquire waits until the request's context ends, and
// says so.
type waitingPools struct {
	entered chan struct{} // gets a value when Acquire begins to wait
	ended   chan error
}

func (p *waitingPools) Acquire(ctx context.Context, _ *spec.App) (Lease, error) {
	p.entered <- struct{}{}
	<-ctx.Done()
	p.ended <- ctx.Err()
	return nil, ctx.Err()
}

// sendAndLeave writes a request to addr, waits until it has reached (the front end
// handles it: a value on reached) and closes the connection.
func sendAndLeave(t *testing.T, addr string, reached <-chan struct{}) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	select {
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not reach its handler within 10 s")
	}
}

// TestClientLeavesQueue: a client that closes its connection while its request waits
// for a worker (Acquire) ends the wait: its place in the pool's queue is freed.
func TestClientLeavesQueue(t *testing.T) {
	pools := &waitingPools{entered: make(chan struct{}, 1), ended: make(chan error, 1)}
	addr := oneSite(t, pools)
	sendAndLeave(t, addr, pools.entered)
	select {
	case err := <-pools.ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Acquire's context ended with %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Acquire still waits 5 s after the client left")
	}
}

// TestClientLeavesWorker: a client that closes its connection while the worker has not
// answered yet makes the front end drop the worker connection (the worker sees its
// request's context end) and end the lease not failed.
func TestClientLeavesWorker(t *testing.T) {
	arrived, cancelled := make(chan struct{}, 1), make(chan struct{})
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
		close(cancelled)
	}))
	addr := oneSite(t, pools)
	sendAndLeave(t, addr, arrived)
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker's request still runs 5 s after the client left")
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after the client left, want Done(false)")
	}
}

// TestSlowRequestKeepsConnection: a request that takes longer than watchAfter (so that
// its connection is watched) still leaves the connection usable for the next request.
func TestSlowRequestKeepsConnection(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(3 * watchAfter)
		}
		io.WriteString(w, r.URL.Path)
	}))
	k := dialKeepAlive(t, oneSite(t, pools))
	for _, p := range []string{"/slow", "/fast", "/slow", "/fast"} {
		if code, body := k.get(t, p); code != 200 || body != p {
			t.Fatalf("GET %s = %d %q", p, code, body)
		}
	}
}

// TestShutdownClosesIdle: Shutdown does not wait for an idle keep-alive connection: it
// closes it and returns at once.
func TestShutdownClosesIdle(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	s := New([]*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools, slog.New(slog.DiscardHandler))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", s.Addrs()[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v with an idle connection open", err)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("idle connection after Shutdown: read %v, want io.EOF", err)
	}
}

// TestClientLeavesAfterFastRequests: on a keep-alive connection whose earlier requests
// were answered at once (the watcher's timer is still set from the first), a request
// that then waits for its worker is watched all the same: the client's leaving ends it.
// After latchAfter requests, the connection waits for them on its latch.
func TestClientLeavesAfterFastRequests(t *testing.T) {
	for _, fast := range []int{3, latchAfter + 1} {
		t.Run(strconv.Itoa(fast)+" fast requests", func(t *testing.T) {
			arrived, cancelled := make(chan struct{}, 1), make(chan struct{})
			pools := newFakePools()
			pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/fast" {
					io.WriteString(w, "done")
					return
				}
				arrived <- struct{}{}
				<-r.Context().Done()
				close(cancelled)
			}))
			k := dialKeepAlive(t, oneSite(t, pools))
			for range fast {
				if code, body := k.get(t, "/fast"); code != 200 || body != "done" {
					t.Fatalf("GET /fast = %d %q", code, body)
				}
			}
			io.WriteString(k.conn, "GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
			<-arrived
			k.conn.Close()
			select {
			case <-cancelled:
			case <-time.After(5 * time.Second):
				t.Fatal("the worker's request still runs 5 s after the client left")
			}
		})
	}
}

// TestWatcherSetsItselfAgain: the watcher's timer, set by a request that ended, fires
// while a later request has not run its wait yet (its start is given as half a wait
// later here, so that the order does not depend on the machine's speed): the timer
// sets itself for the rest, and then watches that request, whose client's leaving
// aborts the connection.
func TestWatcherSetsItselfAgain(t *testing.T) {
	const wait = 50 * time.Millisecond
	server, client := tcpPair(t)
	c := &clientConn{conn: server, br: bufio.NewReader(server),
		srv: &connServer{l: &listener{h: &handler{watch: wait}}}}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	var err error
	if c.raw, err = server.(*net.TCPConn).SyscallConn(); err != nil {
		t.Fatal(err)
	}
	c.watch.c = c

	c.watch.arm(time.Now(), true) // a request answered at once
	c.watch.stop()
	c.watch.arm(time.Now().Add(wait/2), true) // the next one, while the timer is set
	defer c.watch.stop()
	client.Close()
	select {
	case <-c.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the client left 10 s ago and its connection is not aborted")
	}
}
