package frontend

import (
	"bufio"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseHead(t *testing.T) {
	tests := []struct {
		name   string
		head   string
		method string
		want   respHead
		header http.Header
	}{
		{"fixed", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n", "GET",
			respHead{status: 200, body: bodyFixed, length: 5},
			http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"5"}}},
		{"chunked wins over Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
			respHead{status: 200, body: bodyChunked, length: 5}, http.Header{}},
		{"other transfer coding: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "GET",
			respHead{status: 200, body: bodyUntilClose, length: -1, close: true}, http.Header{}},
		{"no length: until close", "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n", "GET",
			respHead{status: 200, body: bodyUntilClose, length: -1, close: true}, http.Header{"X-A": {"1"}}},
		{"HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "GET",
			respHead{status: 200, body: bodyFixed, length: 0, close: true}, http.Header{"Content-Length": {"0"}}},
		{"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", "GET",
			respHead{status: 200, body: bodyFixed, length: 0}, http.Header{"Content-Length": {"0"}}},
		{"Connection close and listed headers", "HTTP/1.1 204 No Content\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-End: 2\r\n\r\n", "GET",
			respHead{status: 204, body: bodyNone, length: -1, close: true}, http.Header{"X-End": {"2"}}},
		{"HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD",
			respHead{status: 200, body: bodyNone, length: 100}, http.Header{"Content-Length": {"100"}}},
		{"304 has no body", "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n", "GET",
			respHead{status: 304, body: bodyNone, length: -1}, http.Header{"Etag": {`"x"`}}},
		{"repeated header, lower case, bare LF", "HTTP/1.1 200 OK\nset-cookie: a=1\nSet-Cookie: b=2\ncontent-length:  3 \n\n", "GET",
			respHead{status: 200, body: bodyFixed, length: 3},
			http.Header{"Set-Cookie": {"a=1", "b=2"}, "Content-Length": {"3"}}},
		{"trailer announced", "HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n", "GET",
			respHead{status: 200, body: bodyChunked, length: -1}, http.Header{"Trailer": {"X-Sum"}}},
		{"101 keeps hop-by-hop", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "GET",
			respHead{status: 101, body: bodyNone, length: -1},
			http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}}},
		{"103", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", "GET",
			respHead{status: 103, body: bodyNone, length: -1}, http.Header{"Link": {"</a.css>; rel=preload"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			got, err := readResponseHead(bufio.NewReader(strings.NewReader(tt.head+"body")), h, tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("head = %+v, want %+v", got, tt.want)
			}
			if d := cmp.Diff(tt.header, h); d != "" {
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
		_, err := readResponseHead(bufio.NewReader(strings.NewReader(head)), http.Header{}, "GET")
		if !errors.Is(err, errMalformed) {
			t.Errorf("%q: error %v, want errMalformed", head, err)
		}
	}
}

// TestLongHead: a head larger than the connection's buffer is read line by line.
func TestLongHead(t *testing.T) {
	big := strings.Repeat("x", 3*backendBufSize)
	head := "HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nX-After: 1\r\nContent-Length: 2\r\n\r\nok"
	h := http.Header{}
	br := bufio.NewReaderSize(strings.NewReader(head), backendBufSize)
	got, err := readResponseHead(br, h, "GET")
	if err != nil {
		t.Fatal(err)
	}
	if got.length != 2 || h.Get("X-Big") != big || h.Get("X-After") != "1" {
		t.Errorf("head %+v, X-After %q, len(X-Big) %d", got, h.Get("X-After"), len(h.Get("X-Big")))
	}
	if rest, _ := br.Peek(2); string(rest) != "ok" {
		t.Errorf("body starts %q", rest)
	}
}

func TestCanonicalKey(t *testing.T) {
	for in, want := range map[string]string{
		"Content-Type": "Content-Type",
		"content-type": "Content-Type",
		"ETag":         "Etag",
		"X-A":          "X-A",
		"x-a-b":        "X-A-B",
	} {
		if got := canonicalKey(in); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", in, got, want)
		}
	}
}
