package h1

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestReadRequestEnds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"nothing", "", io.EOF},
		{"empty lines only", "\r\n\n", io.EOF},
		{"most empty lines", strings.Repeat("\r\n", maxEmptyLines), io.EOF},
		{"CR only", "\r", io.ErrUnexpectedEOF},
		{"empty lines and a CR", "\r\n\r", io.ErrUnexpectedEOF},
		{"one byte", "G", io.ErrUnexpectedEOF},
		{"request line without line end", "GET / HTTP/1.1", io.ErrUnexpectedEOF},
		{"request line", "GET / HTTP/1.1\r\n", io.ErrUnexpectedEOF},
		{"fields without the empty line", "GET / HTTP/1.1\r\nHost: a\r\n", io.ErrUnexpectedEOF},
		{"CR of the empty line", "GET / HTTP/1.1\r\nHost: a\r\n\r", io.ErrUnexpectedEOF},
		{"long head cut", "GET / HTTP/1.1\r\nHost: a\r\nCookie: " + longValue, io.ErrUnexpectedEOF},
		{"long head cut at its end", "GET / HTTP/1.1\r\nHost: a\r\nCookie: " + longValue + "\r\n\r", io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				var r Request
				if err := ReadRequest(reader(tt.in, size), &r); err != tt.want {
					t.Errorf("ReadRequest: %v, want %v", err, tt.want)
				}
			})
		})
	}
}

func TestReadRequestPassesReadErrors(t *testing.T) {
	errBroken := errors.New("connection broken")
	tests := []struct{ name, before string }{
		{"before a request", ""},
		{"after empty lines", "\r\n"},
		{"in a short head", "GET / HTTP/1.1\r\nHo"},
		{"in a long head", "GET / HTTP/1.1\r\nHost: a\r\nCookie: " + longValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				src := io.MultiReader(strings.NewReader(tt.before), iotest.ErrReader(errBroken))
				var r Request
				if err := ReadRequest(bufio.NewReaderSize(src, size), &r); err != errBroken {
					t.Errorf("ReadRequest: %v, want %v", err, errBroken)
				}
			})
		})
	}
}

// exchange is one request of a pipeline: its head, what its body reads.
type exchange struct {
	in     string
	method string
	body   string
}

// pipeline is requests sent one after the other on one connection, with
// bodies of every framing.
var pipeline = []exchange{
	{wrkRequest, "GET", ""},
	{head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5") + "hello", "POST", "hello"},
	{head("PUT /b HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") +
		"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nChecksum: abc\r\nX-Trailer: 1\r\n\r\n", "PUT", "hello, world"},
	{"\r\n" + head("POST /c HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "0\r\n\r\n", "POST", ""},
	{head("POST /d HTTP/1.1", "Host: a", "Content-Length: 0"), "POST", ""},
	{head("GET /e HTTP/1.1", "Host: a", "Cookie: "+longValue), "GET", ""},
	{head("PATCH /f HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") +
		"1000\r\n" + strings.Repeat("z", 0x1000) + "\r\n0\r\nLong: " + longValue + "\r\n\r\n", "PATCH", strings.Repeat("z", 0x1000)},
	{head("DELETE /g HTTP/1.0", "Content-Length: 2") + "ok", "DELETE", "ok"},
}

func TestPipeline(t *testing.T) {
	var all strings.Builder
	for _, x := range pipeline {
		all.WriteString(x.in)
	}
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"byte by byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			forEachBufSize(t, func(t *testing.T, size int) {
				br := bufio.NewReaderSize(rd.wrap(strings.NewReader(all.String())), size)
				var r Request
				for i, x := range pipeline {
					if err := ReadRequest(br, &r); err != nil {
						t.Fatalf("request %d: ReadRequest: %v", i, err)
					}
					body, err := io.ReadAll(Body(br, &r))
					if err != nil {
						t.Fatalf("request %d: body: %v", i, err)
					}
					got := exchange{x.in, r.Method, string(body)}
					if d := cmp.Diff(x, got, cmp.AllowUnexported(exchange{})); d != "" {
						t.Errorf("request %d (-want +got):\n%s", i, d)
					}
				}
				if err := ReadRequest(br, &r); err != io.EOF {
					t.Errorf("after the pipeline: %v, want io.EOF", err)
				}
			})
		})
	}
}

func TestPipelineWithoutBodies(t *testing.T) {
	in := curlRequest + wrkRequest + browserRequest + curlRequest
	forEachBufSize(t, func(t *testing.T, size int) {
		br := reader(in, size)
		var targets []string
		var r Request
		var err error
		for err = ReadRequest(br, &r); err == nil; err = ReadRequest(br, &r) {
			targets = append(targets, r.Target)
		}
		if err != io.EOF {
			t.Errorf("ReadRequest: %v, want io.EOF", err)
		}
		want := []string{"/api/v1/items?page=2", "/index.html", "/static/app.js?v=3", "/api/v1/items?page=2"}
		if d := cmp.Diff(want, targets); d != "" {
			t.Errorf("targets (-want +got):\n%s", d)
		}
	})
}
