//go:build unix

package frontend

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// TestStreamRequest: a stream's request reads as the HTTP/1.1 request h1 then parses,
// whatever the size of the reads, with its body's error after the bytes that came.
func TestStreamRequest(t *testing.T) {
	errBroke := errors.New("broke off")
	tests := []struct {
		name    string
		method  string
		length  int64
		body    func() io.Reader // a new reader for each run
		want    string
		wantErr error
	}{
		{"no body", "GET", 0, nil, "GET /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n", io.EOF},
		{"known length", "POST", 5, func() io.Reader { return strings.NewReader("hello") },
			"POST /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nContent-Length: 5\r\n\r\nhello", io.EOF},
		{"unknown length", "POST", -1, func() io.Reader {
			return io.MultiReader(strings.NewReader("hello "), strings.NewReader("str"), strings.NewReader("ea"), strings.NewReader("m"))
		},
			"POST /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"6\r\nhello \r\n3\r\nstr\r\n2\r\nea\r\n1\r\nm\r\n0\r\n\r\n", io.EOF},
		{"unknown length, data with the end", "POST", -1, func() io.Reader { return iotest.DataErrReader(strings.NewReader("abc")) },

			"POST /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", io.EOF},
		{"unknown length, broken off", "POST", -1, func() io.Reader { return io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errBroke)) },

			"POST /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", errBroke},
		{"long chunk", "PUT", -1, func() io.Reader { return strings.NewReader(strings.Repeat("x", streamChunk+1)) },
			"PUT /p?q HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"4000\r\n" + strings.Repeat("x", streamChunk) + "\r\n1\r\nx\r\n0\r\n\r\n", io.EOF},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 7, 4096} {
			t.Run(fmt.Sprintf("%s/reads of %d", tt.name, size), func(t *testing.T) {
				r := &http.Request{Method: tt.method, RequestURI: "/p?q", Host: "h", Header: http.Header{"X-A": {"1"}},
					ContentLength: tt.length, Body: http.NoBody}
				if tt.body != nil {
					r.Body = io.NopCloser(tt.body())
				}
				got, err := readInPieces(newStreamRequest(r), size)
				if diff := cmp.Diff(tt.want, string(got)); diff != "" {
					t.Errorf("bytes (-want +got):\n%s", diff)
				}
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v, want %v", err, tt.wantErr)
				}
			})
		}
	}
}

// readInPieces reads r with reads of at most size bytes until an error, which it
// returns with what it read.
func readInPieces(r io.Reader, size int) ([]byte, error) {
	var out []byte
	p := make([]byte, size)
	for {
		n, err := r.Read(p)
		out = append(out, p[:n]...)
		if err != nil {
			return out, err
		}
	}
}

// TestStreamRequestFields: the fields of a stream's request leave out what HTTP/2
// does not carry and the framing, which is written anew; cookies are joined.
func TestStreamRequestFields(t *testing.T) {
	r := &http.Request{Method: "GET", RequestURI: "/", Host: "h", Body: http.NoBody, Header: http.Header{
		"Cookie": {"a=1", "b=2"}, "Te": {"trailers"}, "Connection": {"close"}, "Content-Length": {"3"},
		"Expect": {"100-continue"}, "Host": {"other"},
	}}
	got, _ := io.ReadAll(newStreamRequest(r))
	want := "GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1; b=2\r\n\r\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestHTTP2Responses: every kind of worker response reaches an HTTP/2 client as an
// HTTP/1.1 client gets it: bodies of every framing and size intact, trailers, 103
// Early Hints before the response, HEAD and 204 without a body, a body cut short as a
// reset stream, and a request h1 refuses as its 400.
func TestHTTP2Responses(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	pools := newFakePools()
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			w.Write(big)
		case "/chunked":
			for i := 0; i < len(big); i += 100 << 10 {
				w.Write(big[i:min(i+100<<10, len(big))])
				w.(http.Flusher).Flush()
			}
		case "/trailers":
			w.Header().Set("Trailer", "X-Sum")
			io.WriteString(w, "body")
			w.(http.Flusher).Flush()
			w.Header().Set("X-Sum", "42")
		case "/hints":
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Link")
			io.WriteString(w, "page")
		case "/head":
			w.Header().Set("Content-Length", "11")
		case "/none":
			w.WriteHeader(http.StatusNoContent)
		case "/short":
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "only ten b")
			w.(http.Flusher).Flush()
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		case "/echo":
			b, _ := io.ReadAll(r.Body) // read first: HTTP/1.x cannot read after writing
			w.Write(b)
		}
	}))
	pki := newTestPKI(t, "shop.example.com")
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	base := "https://" + s.Addrs()[0].String()
	c := h2Client(t, pki, "shop.example.com")
	get := func(t *testing.T, method, path string, body io.Reader, trace *httptrace.ClientTrace) (*http.Response, []byte, error) {
		t.Helper()
		ctx := context.Background()
		if trace != nil {
			ctx = httptrace.WithClientTrace(ctx, trace)
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, body)
		req.Host = "shop.example.com"
		resp, err := c.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.ProtoMajor != 2 {
			t.Fatalf("%s over %s", path, resp.Proto)
		}
		return resp, b, err
	}

	t.Run("bodies", func(t *testing.T) {
		for _, path := range []string{"/big", "/chunked"} {
			_, b, err := get(t, "GET", path, nil, nil)
			if err != nil || sha256.Sum256(b) != sha256.Sum256(big) {
				t.Errorf("%s: %d bytes, %v; want the 1 MiB body", path, len(b), err)
			}
		}
		_, b, err := get(t, "POST", "/echo", io.MultiReader(bytes.NewReader(big[:300<<10]), strings.NewReader("end")), nil)
		if err != nil || !bytes.Equal(b, append(big[:300<<10:300<<10], "end"...)) {
			t.Errorf("a 300 KiB body of unknown length echoed: %d bytes, %v", len(b), err)
		}
	})
	t.Run("trailers", func(t *testing.T) {
		resp, b, err := get(t, "GET", "/trailers", nil, nil)
		if err != nil || string(b) != "body" || resp.Trailer.Get("X-Sum") != "42" {
			t.Errorf("%q, %v, trailers %v", b, err, resp.Trailer)
		}
	})
	t.Run("early hints", func(t *testing.T) {
		var hints []string
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			hints = append(hints, fmt.Sprint(code, " ", h.Get("Link")))
			return nil
		}}
		resp, b, err := get(t, "GET", "/hints", nil, trace)
		if err != nil || string(b) != "page" || resp.Header.Get("Link") != "" {
			t.Errorf("%q, %v, Link %q", b, err, resp.Header.Get("Link"))
		}
		if len(hints) != 1 || hints[0] != "103 </a.css>; rel=preload" {
			t.Errorf("1xx responses %q", hints)
		}
	})
	t.Run("HEAD and 204", func(t *testing.T) {
		resp, b, err := get(t, "HEAD", "/head", nil, nil)
		if err != nil || len(b) != 0 || resp.StatusCode != 200 || resp.Header.Get("Content-Length") != "11" {
			t.Errorf("HEAD: %d %q %v, Content-Length %q", resp.StatusCode, b, err, resp.Header.Get("Content-Length"))
		}
		resp, b, err = get(t, "GET", "/none", nil, nil)
		if err != nil || len(b) != 0 || resp.StatusCode != 204 {
			t.Errorf("204: %d %q %v", resp.StatusCode, b, err)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		if _, b, err := get(t, "GET", "/short", nil, nil); err == nil {
			t.Errorf("read %q in full; want the stream reset", b)
		}
	})
	t.Run("refused by h1", func(t *testing.T) {
		// An :authority that net/http's HTTP/2 server lets through and h1 refuses: its
		// port is not a number.
		req, _ := http.NewRequest("GET", base+"/echo", nil)
		req.Host = "shop.example.com:x"
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Invalid Host") {
			t.Errorf("%d %q, want h1's 400 Invalid Host", resp.StatusCode, b)
		}
	})
}

// TestHTTP2StreamReset: a client that resets its stream while the worker is still
// answering ends the request as a closed HTTP/1.1 connection does: the worker's
// connection is closed (the worker sees its request end), and the lease ends not
// failed.
func TestHTTP2StreamReset(t *testing.T) {
	pools := newFakePools()
	ended, gone := make(chan struct{}), make(chan struct{})
	pools.set("*", backend(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			close(ended)
		case <-gone:
		}
	}))
	t.Cleanup(func() { close(gone) }) // before the backend's Close: a failed test does not hang
	pki := newTestPKI(t, "shop.example.com")
	s := New([]*spec.Site{site("Shop", []spec.Binding{tlsBind("127.0.0.1", 0, "shop.example.com", 10)})}, pools, nil)
	s.UseCertificates(pki.byServerName)
	startServer(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://"+s.Addrs()[0].String()+"/", nil)
	req.Host = "shop.example.com"
	resp, err := h2Client(t, pki, "shop.example.com").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line := make([]byte, len("first\n"))
	if _, err := io.ReadFull(resp.Body, line); err != nil || resp.ProtoMajor != 2 {
		t.Fatalf("read %q over %s, %v", line, resp.Proto, err)
	}
	cancel() // RST_STREAM
	select {
	case <-ended:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker's request did not end after the client reset the stream")
	}
	if d := pools.waitDone(t); d.failed {
		t.Error("Done(true) after the client reset the stream, want Done(false)")
	}
}

// FuzzStreamRequest: whatever a stream's body and however its reads come, the bytes a
// stream's request reads as are a request h1 reads back whole: the same method,
// target and body, with a known length or chunked.
func FuzzStreamRequest(f *testing.F) {
	f.Add([]byte("hello stream"), uint8(3), false)
	f.Add([]byte(""), uint8(1), true)
	f.Fuzz(func(t *testing.T, body []byte, piece uint8, known bool) {
		length := int64(-1)
		if known {
			length = int64(len(body))
		}
		r := &http.Request{Method: "POST", RequestURI: "/up", Host: "h", Header: http.Header{}, ContentLength: length,
			Body: io.NopCloser(iotest.HalfReader(bytes.NewReader(body)))}
		if len(body) == 0 && known {
			r.Body = http.NoBody
		}
		br := bufio.NewReaderSize(newStreamRequest(r), 16)
		var req h1.Request
		if err := h1.ReadRequest(br, &req); err != nil {
			t.Fatalf("h1 refused the request: %v", err)
		}
		if req.Method != "POST" || req.URI != "/up" || req.Host != "h" {
			t.Fatalf("read back %s %s, Host %q", req.Method, req.URI, req.Host)
		}
		got, err := readInPieces(h1.Body(br, &req), int(piece)+1)
		if !errors.Is(err, io.EOF) || !bytes.Equal(got, body) {
			t.Fatalf("body read back: %d bytes, %v; want %d bytes", len(got), err, len(body))
		}
	})
}
