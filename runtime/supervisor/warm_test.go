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
	app := h.sp.Sites[0].Apps[0]
	take := func() (frontend.Lease, net.Conn) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		l, err := h.sup.Acquire(ctx, app)
		if err != nil {
			t.Fatal(err)
		}
		wl, ok := l.(frontend.WarmLease)
		if !ok {
			t.Fatalf("the supervisor's lease (%T) is no frontend.WarmLease", l)
		}
		return l, wl.TakeConn()
	}
	l, conn := take()
	defer l.Done(frontend.Outcome{Status: 200})
	if conn == nil {
		t.Fatal("the first lease's TakeConn = nil, want the first ping's connection")
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET /whoami HTTP/1.1\r\nHost: %s\r\n\r\n", l.Addr())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /whoami on the lease's connection: %v %v", resp, err)
	}
	resp.Body.Close()
	l2, conn2 := take()
	defer l2.Done(frontend.Outcome{Status: 200})
	if conn2 != nil {
		t.Error("a second lease's TakeConn != nil, want nil: the connection goes once")
	}
}
