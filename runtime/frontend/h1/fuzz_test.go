package h1

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// readResult is what ReadRequest made of an input with a given buffer.
type readResult struct {
	r        Request
	err      error
	consumed int // bytes of the input read
}

func readWithBuffer(in []byte, size int) readResult {
	src := bytes.NewReader(in)
	br := bufio.NewReaderSize(src, size)
	var res readResult
	res.err = ReadRequest(br, &res.r)
	res.consumed = len(in) - src.Len() - br.Buffered()
	return res
}

func FuzzReadRequest(f *testing.F) {
	for _, tt := range validRequests {
		f.Add([]byte(tt.in))
	}
	for _, tt := range refusedRequests {
		f.Add([]byte(tt.in))
	}
	for _, x := range pipeline {
		f.Add([]byte(x.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		res := readWithBuffer(in, 4096)
		small := readWithBuffer(in, 16)
		if res.err != small.err || res.err == nil && res.consumed != small.consumed {
			t.Fatalf("4096-byte buffer: %v after %d bytes, 16-byte buffer: %v after %d bytes",
				res.err, res.consumed, small.err, small.consumed)
		}
		if d := cmp.Diff(res.r, small.r, cmpopts.EquateEmpty()); res.err == nil && d != "" {
			t.Fatalf("requests read with 4096- and 16-byte buffers differ (-4096 +16):\n%s", d)
		}
		if res.err != nil {
			checkError(t, res.err)
			return
		}
		checkRequest(t, &res.r)
		checkConsumed(t, in[:res.consumed])
		compareNetHTTP(t, in, &res.r)
	})
}

// checkError fails t unless err is one ReadRequest may return for an input
// held in memory.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	switch e.Status {
	case 400, 417, 501, 505:
	default:
		t.Fatalf("error %v with status %d", e, e.Status)
	}
}

// checkRequest fails t unless r holds what ReadRequest promises.
func checkRequest(t *testing.T, r *Request) {
	t.Helper()
	if !isToken(r.Method) {
		t.Errorf("method %q is not a token", r.Method)
	}
	if !validHost(r.Host) || strings.ContainsAny(r.Host, " \t/@\\?#") {
		t.Errorf("host %q is not valid", r.Host)
	}
	if r.Length < -1 || r.Chunked != (r.Length == -1) {
		t.Errorf("length %d, chunked %t", r.Length, r.Chunked)
	}
	if r.Minor != 0 && r.Minor != 1 {
		t.Errorf("minor version %d", r.Minor)
	}
	if r.URI == "" || r.URI[0] != '/' && r.URI != "*" && r.Method != "CONNECT" {
		t.Errorf("URI %q", r.URI)
	}
	for _, f := range r.Fields {
		if !isToken(f.Name) || f.Name != textproto.CanonicalMIMEHeaderKey(f.Name) {
			t.Errorf("field name %q is not a canonical token", f.Name)
		}
		if strings.ContainsAny(f.Value, "\r\n\x00") || f.Value != trimOWS(f.Value) {
			t.Errorf("field value %q", f.Value)
		}
	}
}

// checkConsumed fails t unless head, the bytes ReadRequest read, ends with an
// empty line after at most MaxHeadBytes bytes of request.
func checkConsumed(t *testing.T, head []byte) {
	t.Helper()
	request := skipEmpty(head)
	if !bytes.HasSuffix(request, []byte("\n\n")) && !bytes.HasSuffix(request, []byte("\n\r\n")) {
		t.Errorf("read %q, which does not end with an empty line", head)
	}
	if len(request) > MaxHeadBytes {
		t.Errorf("read a head of %d bytes", len(request))
	}
}

// skipEmpty returns in without the empty lines ReadRequest skips.
func skipEmpty(in []byte) []byte {
	for range maxEmptyLines {
		if rest, ok := bytes.CutPrefix(in, []byte("\n")); ok {
			in = rest
		} else if rest, ok := bytes.CutPrefix(in, []byte("\r\n")); ok {
			in = rest
		}
	}
	return in
}

// compareNetHTTP fails t unless net/http reads the request r, read from in,
// the same way, where both should: same method, host, target, path, framing
// and connection handling.
func compareNetHTTP(t *testing.T, in []byte, r *Request) {
	t.Helper()
	if lengthsNetHTTPRefuses(r) || hostNetHTTPDiffers(r) {
		return
	}
	// net/http does not skip empty lines before the request line; h1 does
	// (RFC 9112 2.2).
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(skipEmpty(in))))
	if err != nil {
		t.Fatalf("net/http refuses what h1 accepts as %+v: %v", r, err)
	}
	host := r.Host
	if r.Method == "CONNECT" {
		// net/http takes the authority of a CONNECT as its host; h1 keeps the
		// Host field's value as Host, and the authority as URI.
		host = r.URI
	}
	chunked := len(req.TransferEncoding) == 1 && req.TransferEncoding[0] == "chunked"
	got := []any{req.Method, req.Host, req.RequestURI, req.ContentLength, chunked, req.Close}
	want := []any{r.Method, host, r.Target, r.Length, r.Chunked, r.Close}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("net/http reads (-h1 +net/http):\n%s", d)
	}
	if r.Target[0] == '/' && req.URL.Path != r.Path {
		t.Errorf("path %q, net/http's %q", r.Path, req.URL.Path)
	}
}

// lengthsNetHTTPRefuses reports whether r has Content-Length values that h1
// takes as one number (RFC 9110 8.6 allows it) but net/http refuses: a list
// ("5, 5"), or fields whose values differ as text ("5" and "05").
func lengthsNetHTTPRefuses(r *Request) bool {
	first := ""
	for _, f := range r.Fields {
		if f.Name != "Content-Length" {
			continue
		}
		if strings.Contains(f.Value, ",") || first != "" && f.Value != first {
			return true
		}
		first = f.Value
	}
	return false
}

// hostNetHTTPDiffers reports whether r has an absolute-form target whose
// authority holds a pct-encoding: RFC 3986 allows any in a reg-name, and h1
// keeps the authority as sent; net/url refuses those of bytes below 0x80
// (but "%25" in an IPv6 zone) and decodes the others into net/http's Host.
func hostNetHTTPDiffers(r *Request) bool {
	return r.Target[0] != '/' && r.Method != "CONNECT" && strings.Contains(r.Host, "%")
}

func FuzzBody(f *testing.F) {
	for _, tt := range chunkedBodies {
		f.Add([]byte(tt.in))
	}
	for _, tt := range refusedChunkedBodies {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, consumed, err := decodeChunked(in, 4096)
		small, smallConsumed, smallErr := decodeChunked(in, 16)
		if err != smallErr || !bytes.Equal(got, small) || err == nil && consumed != smallConsumed {
			t.Fatalf("4096-byte buffer: %q, %v after %d bytes; 16-byte buffer: %q, %v after %d bytes",
				got, err, consumed, small, smallErr, smallConsumed)
		}
		if err != nil {
			if err != io.ErrUnexpectedEOF && status(err) != 400 {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !bytes.HasSuffix(in[:consumed], []byte("\r\n")) {
			t.Errorf("read %q, which does not end with CRLF", in[:consumed])
		}
		want, err := io.ReadAll(httputil.NewChunkedReader(bufio.NewReader(bytes.NewReader(in))))
		if err != nil {
			if strings.Contains(err.Error(), "too much non-data") {
				return // net/http's limit on the overhead of chunk lines; h1 has none
			}
			if spaceBeforeExtension(in[:consumed]) {
				// RFC 9112 7.1.1 allows BWS before a chunk extension's ";"
				// (and RFC 9110 5.6.3 has recipients accept it); net/http
				// refuses it.
				return
			}
			t.Fatalf("httputil refuses what h1 decodes as %q: %v", got, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("h1 decodes %q, httputil %q", got, want)
		}
	})
}

// decodeChunked reads in as a chunked body with a buffer of size bytes, and
// returns the body, the bytes of in read and the error.
func decodeChunked(in []byte, size int) ([]byte, int, error) {
	src := bytes.NewReader(in)
	br := bufio.NewReaderSize(src, size)
	body, err := io.ReadAll(Body(br, &Request{Chunked: true, Length: -1}))
	return body, len(in) - src.Len() - br.Buffered(), err
}

// spaceBeforeExtension reports whether a chunk-size line of body, a chunked
// body that h1 decodes, has a space or tab between the size and a ";".
func spaceBeforeExtension(body []byte) bool {
	for {
		line, rest, _ := bytes.Cut(body, []byte("\r\n"))
		digits := bytes.TrimLeft(line, "0123456789abcdefABCDEF")
		if ext := bytes.TrimLeft(digits, " \t"); len(ext) < len(digits) && len(ext) > 0 {
			return true
		}
		size, err := strconv.ParseInt(string(line[:len(line)-len(digits)]), 16, 64)
		if err != nil || size == 0 {
			return false
		}
		body = rest[size+2:]
	}
}
