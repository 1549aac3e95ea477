//go:build unix

package frontend

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/poolctl/poolctl/internal/testwait"
	"github.com/poolctl/poolctl/runtime/event"
	"github.com/poolctl/poolctl/runtime/spec"
)

// eventRecorder is a slog handler that sends the ID of every record with an "id".
type eventRecorder struct{ ids chan int64 }

func (h eventRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h eventRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h eventRecorder) WithGroup(string) slog.Handler            { return h }
func (h eventRecorder) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "id" {
			h.ids <- a.Value.Int64()
		}
		return true
	})
	return nil
}

// rawGet sends a GET on a new connection to addr and returns the connection (left
// open) with the response's status and body.
func rawGet(t *testing.T, addr string) (net.Conn, int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return conn, resp.StatusCode, string(body)
}

// TestConnectionLimit: past the limit a new connection is answered 503 at once and
// closed, not left waiting; the episode is logged once (event 9024), and when a
// connection ends a new one is served again.
func TestConnectionLimit(t *testing.T) {
	pools := newFakePools()
	pools.set("A:/", echoBackend(t).Listener.Addr().String())
	rec := eventRecorder{ids: make(chan int64, 16)}
	s := New([]*spec.Site{site("A", []spec.Binding{bind("127.0.0.1", 0, "", 1)})}, pools, slog.New(rec))
	s.LimitConnections(2)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	addr := s.Addrs()[0].String()

	first, code1, _ := rawGet(t, addr)
	_, code2, _ := rawGet(t, addr)
	if code1 != 200 || code2 != 200 {
		t.Fatalf("connections within the limit: %d, %d; want 200", code1, code2)
	}
	for i := range 2 {
		conn, code, body := rawGet(t, addr)
		if code != http.StatusServiceUnavailable || body != "The server has too many connections; retry later" {
			t.Errorf("connection %d past the limit: %d %q, want 503 with its message", i+3, code, body)
		}
		if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("connection past the limit: read %d, %v after the answer; want it closed", n, err)
		}
	}
	var got []int64
	for len(rec.ids) > 0 {
		got = append(got, <-rec.ids)
	}
	if len(got) != 1 || got[0] != event.ConnectionLimit {
		t.Errorf("events %v, want one %d for the episode", got, event.ConnectionLimit)
	}

	first.Close()
	served := testwait.Until(30*time.Second, 5*time.Millisecond, func() bool {
		conn, code, _ := rawGet(t, addr)
		conn.Close()
		return code == 200
	})
	if !served {
		t.Error("a connection ended, yet new connections still get 503")
	}
}

// TestDefaultConnLimit: the default leaves room for connFDs descriptors a connection,
// and the reserve, below the soft RLIMIT_NOFILE.
func TestDefaultConnLimit(t *testing.T) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	n := defaultConnLimit()
	if n < minConnLimit {
		t.Errorf("default limit %d, want at least %d", n, minConnLimit)
	}
	if rl.Cur != unix.RLIM_INFINITY && rl.Cur >= fdReserve+minConnLimit*connFDs && uint64(n*connFDs+fdReserve) > rl.Cur {
		t.Errorf("default limit %d: %d descriptors a connection and %d kept need more than RLIMIT_NOFILE's %d", n, connFDs, fdReserve, rl.Cur)
	}
}
