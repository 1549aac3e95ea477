//go:build unix

package frontend

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// countingBackend starts a worker that counts the requests it gets and records
// whether the last body it read ended in an error; it returns its address.
func countingBackend(t *testing.T, requests *atomic.Int32, bodyErrs chan<- error) string {
	return backend(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, err := io.ReadAll(r.Body)
		if bodyErrs != nil {
			bodyErrs <- err
		}
		w.Write([]byte("ok"))
	})
}

// sendRaw writes raw to a new connection to addr and returns the response read.
func sendRaw(t *testing.T, addr, raw string) (*http.Response, net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	resp.Body.Close()
	return resp, conn
}

// TestMalformedChunkedNeverReachesWorker: a chunked body whose framing is broken in
// what the client has sent with its head gets 400, and the worker never sees the
// request: not its head, not a cut-off body.
func TestMalformedChunkedNeverReachesWorker(t *testing.T) {
	bodies := []struct{ name, body string }{
		{"bad first size line", "zz\r\nhello\r\n0\r\n\r\n"},
		{"bad second size line", "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n"},
		{"chunk longer than its size", "5\r\nhello, world\r\n0\r\n\r\n"},
		{"size overflows", "ffffffffffffffffff\r\nx\r\n0\r\n\r\n"},
	}
	for _, tt := range bodies {
		t.Run(tt.name, func(t *testing.T) {
			var requests atomic.Int32
			pools := newFakePools()
			pools.set("A:/", countingBackend(t, &requests, nil))
			addr := oneSite(t, pools)
			resp, _ := sendRaw(t, addr, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"+tt.body)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			// The front end answered after deciding not to forward: a request the
			// worker had got would have been counted before its body was read.
			if n := requests.Load(); n != 0 {
				t.Errorf("the worker got %d requests, want none", n)
			}
		})
	}
}

// TestChunkedBrokenLaterIsCutOff: a framing error in a part of the body that comes
// after the request was forwarded cannot be kept from the worker, but the worker
// never gets a complete request: no last chunk, and its connection is closed.
func TestChunkedBrokenLaterIsCutOff(t *testing.T) {
	got := make(chan struct{}, 1)
	bodyErr := make(chan error, 1)
	pools := newFakePools()
	pools.set("A:/", backend(t, func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		_, err := io.ReadAll(r.Body)
		bodyErr <- err
	}))
	addr := oneSite(t, pools)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
	select {
	case <-got: // forwarded: now break the framing
	case <-time.After(30 * time.Second):
		t.Fatal("the request was not forwarded")
	}
	io.WriteString(conn, "zz\r\n")
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Error("the worker read a complete body, want it cut off")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the worker is still waiting for the body")
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400 or a closed connection", resp.StatusCode)
	}
}
