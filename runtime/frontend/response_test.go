//go:build unix

package frontend

import (
	"bufio"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
)

func TestParseHead(t *testing.T) {
	tests := []struct {
		name   string
		head   string
		method string
		want   respHead
		fields []h1.Field
	}{
		{"fixed", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyFixed, length: 5},
			fields("Content-Type", "text/plain")},
		{"chunked wins over Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyChunked, length: -1}, nil},
		{"other transfer coding: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyUntilClose, length: -1, close: true}, nil},
		{"no length: until close", "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyUntilClose, length: -1, close: true}, fields("X-A", "1")},
		{"HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyFixed, length: 0, close: true}, nil},
		{"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyFixed, length: 0}, nil},
		{"Connection close and listed headers", "HTTP/1.1 204 No Content\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-End: 2\r\n\r\n", "GET",
			respHead{status: 204, reason: "No Content", body: bodyNone, length: -1, close: true}, fields("X-End", "2")},
		{"HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD",
			respHead{status: 200, reason: "OK", body: bodyNone, length: 100}, nil},
		{"304 has no body", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", "GET",
			respHead{status: 304, reason: "Not Modified", body: bodyNone, length: -1}, fields("Etag", `"x"`)},
		{"repeated header, lower case, bare LF", "HTTP/1.1 200 OK\nset-cookie: a=1\nSet-Cookie: b=2\ncontent-length:  3 \n\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyFixed, length: 3},
			fields("Set-Cookie", "a=1", "Set-Cookie", "b=2")},
		{"trailer announced", "HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
			respHead{status: 200, reason: "OK", body: bodyChunked, length: -1}, fields("Trailer", "X-Sum")},
		{"101 keeps hop-by-hop", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "GET",
			respHead{status: 101, reason: "Switching Protocols", body: bodyNone, length: -1, upgrade: "websocket"},
			fields("Connection", "Upgrade", "Upgrade", "websocket")},
		{"103", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", "GET",
			respHead{status: 103, reason: "Early Hints", body: bodyNone, length: -1}, fields("Link", "</a.css>; rel=preload")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fields, err := readResponseHead(bufio.NewReader(strings.NewReader(tt.head+"body")), nil, tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("head = %+v, want %+v", got, tt.want)
			}
			if d := cmp.Diff(tt.fields, fields, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("header (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseHeadErrors(t *testing.T) {
	for _, head := range []string{
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 099 Low\r\n\r\n",
		"ICY 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Key: 1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
	} {
		_, _, err := readResponseHead(bufio.NewReader(strings.NewReader(head)), nil, "GET")
		if !errors.Is(err, errMalformed) {
			t.Errorf("%q: error %v, want errMalformed", head, err)
		}
	}
}

// TestLongHead: a head larger than the connection's buffer is read line by line.
func TestLongHead(t *testing.T) {
	big := strings.Repeat("x", 3*backendBufSize)
	head := "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nX-After: 1\r\nContent-Length: 2\r\n\r\nok"
	br := bufio.NewReaderSize(strings.NewReader(head), backendBufSize)
	got, fs, err := readResponseHead(br, nil, "GET")
	if err != nil {
		t.Fatal(err)
	}
	want := fields("X-Big", big, "X-After", "1")
	if got.length != 2 || !cmp.Equal(fs, want) {
		t.Errorf("head %+v, fields %d, want X-Big and X-After", got, len(fs))
	}
	if rest, _ := br.Peek(2); string(rest) != "ok" {
		t.Errorf("body starts %q", rest)
	}
}

// fields returns header fields from names and values.
func fields(kv ...string) []h1.Field {
	var fs []h1.Field
	for i := 0; i+1 < len(kv); i += 2 {
		fs = append(fs, h1.Field{Name: kv[i], Value: kv[i+1]})
	}
	return fs
}

// FuzzResponseHead: any head a worker sends parses without a panic, and a head that
// parses is consistent: a status of 100 to 999, fields that are tokens with clean
// values and none the front end writes itself, a framing that says its length, and
// the status and framing net/http finds in the same HTTP/1.1 head.
func FuzzResponseHead(f *testing.F) {
	for _, seed := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.1 200 OK\nset-cookie: a=1\ncontent-length:  3 \n\nabc",
		"HTTP/1.1 204 No Content\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, head string, isHead bool) {
		method := http.MethodGet
		if isHead {
			method = http.MethodHead
		}
		h, fs, err := readResponseHead(bufio.NewReader(strings.NewReader(head)), nil, method)
		if err != nil {
			return
		}
		checkParsedHead(t, h, fs)
		if !strings.HasPrefix(head, "HTTP/1.1 ") || h.status < 200 {
			return
		}
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(head)), &http.Request{Method: method})
		if err != nil {
			return // net/http is stricter about some codings and lengths
		}
		resp.Body.Close()
		chunked := len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked"
		switch {
		case resp.StatusCode != h.status:
			t.Errorf("status %d, net/http %d", h.status, resp.StatusCode)
		case h.body == bodyFixed && resp.ContentLength != h.length:
			t.Errorf("length %d, net/http %d", h.length, resp.ContentLength)
		case h.body == bodyChunked && !chunked:
			t.Errorf("chunked, net/http reads %v", resp.TransferEncoding)
		}
	})
}

// checkParsedHead checks what readResponseHead returned for a head it accepted.
func checkParsedHead(t *testing.T, h respHead, fs []h1.Field) {
	t.Helper()
	if h.status < 100 || h.status > 999 || !h1.ValidValue(h.reason) {
		t.Errorf("status %d %q", h.status, h.reason)
	}
	streams := h.body == bodyChunked || h.body == bodyUntilClose
	if (h.body == bodyFixed && h.length < 0) || (streams && (h.length != -1 || !h.close && h.body == bodyUntilClose)) {
		t.Errorf("body %d with length %d", h.body, h.length)
	}
	for _, f := range fs {
		hop := hopHeader(f.Name) && f.Name != "Trailer" && h.status != http.StatusSwitchingProtocols
		if !h1.ValidName(f.Name) || !h1.ValidValue(f.Value) || f.Name == "Content-Length" || hop {
			t.Errorf("field %q: %q passed on", f.Name, f.Value)
		}
	}
}
