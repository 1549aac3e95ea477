//go:build linux

package supervisor

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/frontend"
)

// TestLeaseTakesThePingConnection: the first lease on a new worker offers the open
// connection of its first ping (frontend.WarmLease), which carries a request; later
// leases offer none.
func TestLeaseTakesThePingConnection(t *testing.T) {
	h := start(t, config(poolXML("Api", `startMode="AlwaysRunning"`, "", ""), map[string]string{"/": "Api"}, nil))
	h.waitEvent(event.WorkerStarted, "Api", 10*time.Second)
	l, conn := h.warmLease(t)
	defer l.Done(frontend.Outcome{Status: 200})
	if conn == nil {
		t.Fatal("the first lease's TakeConn = nil, want the first ping's connection")
	}
	whoamiOn(t, conn, l.Addr())
	l2, conn2 := h.warmLease(t)
	defer l2.Done(frontend.Outcome{Status: 200})
	if conn2 != nil {
		t.Error("a second lease's TakeConn != nil, want nil: the connection goes once")
	}
}

// TestResumeLeaseTakesTheWarmConnection: suspend pings the worker on a new connection
// before it freezes it, and the lease that resumes the worker offers that connection,
// which carries the request.
func TestResumeLeaseTakesTheWarmConnection(t *testing.T) {
	h := start(t, config(poolXML("Nap", "", `idleTimeout="00:01:00" idleTimeoutAction="Suspend"`, ""),
		map[string]string{"/": "Nap"}, nil))
	l, conn := h.warmLease(t)
	if conn != nil {
		conn.Close() // the first ping's
	}
	l.Done(frontend.Outcome{Status: 200})
	h.waitEvent(event.WorkerSuspended, "Nap", 10*time.Second)
	l, conn = h.warmLease(t)
	defer l.Done(frontend.Outcome{Status: 200})
	if conn == nil {
		t.Fatal("the resuming lease's TakeConn = nil, want suspend's warm-ping connection")
	}
	whoamiOn(t, conn, l.Addr())
}

// warmLease acquires a lease on a worker of the first site's first application and
// returns it with the connection it offers (frontend.WarmLease), nil when none.
func (h *harness) warmLease(t *testing.T) (frontend.Lease, net.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := h.sup.Acquire(ctx, h.sp.Sites[0].Apps[0])
	if err != nil {
		t.Fatal(err)
	}
	wl, ok := l.(frontend.WarmLease)
	if !ok {
		t.Fatalf("the supervisor's lease (%T) is no frontend.WarmLease", l)
	}
	return l, wl.TakeConn()
}

// whoamiOn sends GET /whoami to the worker at addr on conn, a lease's connection,
// expects a 200, and closes conn.
func whoamiOn(t *testing.T, conn net.Conn, addr string) {
	t.Helper()
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET /whoami HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /whoami on the lease's connection: %v %v", resp, err)
	}
	resp.Body.Close()
}
