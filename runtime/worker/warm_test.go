//go:build linux

package worker

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// TestTakeConn: WaitReady keeps each app's first-ping connection, which TakeConn gives
// once and which carries a request; one nobody took is closed when the worker ends or
// is released.
func TestTakeConn(t *testing.T) {
	t.Parallel()
	t.Run("taken", func(t *testing.T) {
		t.Parallel()
		w := start(t, testConfig(t, twApp(t, "site/a"), twApp(t, "site/b")))
		ready(t, w)
		for i := range 2 {
			conn := w.TakeConn(i)
			if conn == nil {
				t.Fatalf("TakeConn(%d) after WaitReady = nil, want the first ping's connection", i)
			}
			defer conn.Close()
			if again := w.TakeConn(i); again != nil {
				t.Errorf("TakeConn(%d) a second time = %v, want nil", i, again.LocalAddr())
			}
			if got := conn.RemoteAddr().String(); got != w.Addr(i) {
				t.Errorf("TakeConn(%d) is connected to %s, want %s", i, got, w.Addr(i))
			}
			getOn(t, conn, w.Addr(i))
		}
	})
	for _, end := range []struct {
		name string
		do   func(*testing.T, *Worker)
	}{
		{"killed", func(_ *testing.T, w *Worker) { w.Kill() }},
		{"released", func(t *testing.T, w *Worker) {
			ps := track(t, "shim app", w.PID(), w.AppPIDs()[0])
			w.Release()
			t.Cleanup(func() { // as an orphanActionExe would: kill the shim
				syscall.Kill(w.PID(), syscall.SIGTERM)
				<-w.Done()
				waitGone(t, 5*time.Second, ps...)
			})
		}},
	} {
		t.Run("untaken, "+end.name, func(t *testing.T) {
			t.Parallel()
			w := start(t, testConfig(t, twApp(t, "site/a")))
			ready(t, w)
			w.mu.Lock()
			conn := w.warm[0]
			w.mu.Unlock()
			if conn == nil {
				t.Fatal("no first-ping connection kept after WaitReady")
			}
			end.do(t, w)
			if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("read of the untaken connection after the worker was %s: %v, want net.ErrClosed", end.name, err)
			}
			if w.TakeConn(0) != nil {
				t.Errorf("TakeConn after the worker was %s != nil", end.name)
			}
		})
	}
}

// TestWarm: Warm pings each app on a new connection, which TakeConn gives next; it
// closes the connection an earlier warm ping kept and nobody took.
func TestWarm(t *testing.T) {
	t.Parallel()
	w := start(t, testConfig(t, twApp(t, "site/a"), twApp(t, "site/b")))
	ready(t, w)
	w.mu.Lock()
	untaken := w.warm[0]
	w.mu.Unlock()
	taken := w.TakeConn(1)
	if untaken == nil || taken == nil {
		t.Fatal("no first-ping connections kept after WaitReady")
	}
	defer taken.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := w.Warm(ctx); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	if _, err := untaken.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read of the connection Warm replaced: %v, want net.ErrClosed", err)
	}
	for i, old := range []net.Conn{untaken, taken} {
		conn := w.TakeConn(i)
		if conn == nil {
			t.Fatalf("TakeConn(%d) after Warm = nil, want its connection", i)
		}
		defer conn.Close()
		if conn.LocalAddr().String() == old.LocalAddr().String() {
			t.Errorf("TakeConn(%d) after Warm gave the first ping's connection %s", i, old.LocalAddr())
		}
		getOn(t, conn, w.Addr(i))
	}
	getOn(t, taken, w.Addr(1)) // the connection taken before is the caller's, still open
}

// getOn sends GET / to addr on conn and checks for a 200.
func getOn(t *testing.T, conn net.Conn, addr string) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("GET / on a warm-ping connection: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET / on a warm-ping connection = %s", resp.Status)
	}
}
