package h1

import (
	"bufio"
	"strings"
)

// MaxHeadBytes is the most a request head (request line and header fields,
// with line ends) may take: HTTP.sys's MaxRequestBytes default, 16384.
const MaxHeadBytes = 16 << 10

// Request is a request head as a client sent it.
type Request struct {
	Method   string  // a token, as sent (case kept)
	Target   string  // the request-target as sent
	URI      string  // the target in origin form, what a server behind a proxy gets: "/a/b?x" (the path and query of an absolute-form target, "/" when its path is empty; "*" for OPTIONS *, and for OPTIONS with an absolute-form target without path or query, RFC 9112 3.2.4; the authority for CONNECT)
	Path     string  // the target's path, percent-decoded ("/a b" for "/a%20b"); "" for "*" and CONNECT's authority form
	Host     string  // the Host header's value, or the authority of an absolute-form target (which overrides the Host header, RFC 9112 3.2.2); may be ""
	Minor    int     // HTTP/1.Minor: 0 or 1 (1 also for HTTP/1.2..1.9, which are served as 1.1)
	Fields   []Field // every header field in order as sent (Host, Content-Length, Transfer-Encoding, Connection included)
	Length   int64   // the body's length from Content-Length; 0 without a body; -1 when chunked
	Chunked  bool    // Transfer-Encoding: chunked
	Close    bool    // the connection ends after this request: "Connection: close", or HTTP/1.0 without "Connection: keep-alive"
	Continue bool    // "Expect: 100-continue" (case-insensitive)
}

// ReadRequest reads one request head from br into r, reusing r's storage
// (r.Fields[:0]; every other field overwritten). It returns io.EOF when br
// ends cleanly before any byte of a request (blank lines before the request
// line are skipped, at most a few: RFC 9112 2.2), io.ErrUnexpectedEOF when it
// ends in the middle of a head, a *Error for a malformed or refused request,
// and br's other read errors as they are.
func ReadRequest(br *bufio.Reader, r *Request) error {
	*r = Request{Fields: r.Fields[:0]}
	if err := skipEmptyLines(br); err != nil {
		return err
	}
	raw, err := ReadHead(br, MaxHeadBytes)
	if err != nil {
		return err
	}
	if e := r.parse(raw); e != nil {
		return e
	}
	return nil
}

// Get returns the value of the first field named name (canonical form), or "".
func (r *Request) Get(name string) string {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// parse checks the head raw, copies it into one string with every field name
// in canonical form, and parses that into r.
func (r *Request) parse(raw []byte) *Error {
	var store [32]fieldSpan // room for the fields of most requests
	spans, e := scanFields(raw, store[:0])
	if e != nil {
		return e
	}
	return r.parseHead(newHead(raw, spans), spans)
}

// parseHead parses head, a request line and field lines through the empty
// line that ends them, whose fields are at spans, into r.
func (r *Request) parseHead(head string, spans []fieldSpan) *Error {
	line, _ := cutLine(head)
	if e := r.parseRequestLine(line); e != nil {
		return e
	}
	var fs fieldSemantics
	for _, s := range spans {
		f := Field{Name: head[s.nameStart:s.nameEnd], Value: head[s.valueStart:s.valueEnd]}
		r.Fields = append(r.Fields, f)
		if e := fs.add(f); e != nil {
			return e
		}
	}
	return fs.apply(r)
}

// cutLine returns the line at the start of s without its line end (LF or
// CRLF), and the rest of s after it.
func cutLine(s string) (line, rest string) {
	line, rest, _ = strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r"), rest
}
