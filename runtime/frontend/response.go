package frontend

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// maxHeadBytes bounds a worker's response head (and trailer).
const maxHeadBytes = 1 << 20

var (
	errMalformed    = errors.New("frontend: malformed response from the worker")
	errHeadTooLarge = errors.New("frontend: the worker's response head is too large")
)

// Ways a response body is framed (RFC 9112, 6.3).
const (
	bodyNone       = iota // HEAD, 1xx, 204, 304
	bodyFixed             // Content-Length
	bodyChunked           // Transfer-Encoding: chunked
	bodyUntilClose        // neither: the body ends when the worker closes the connection
)

// respHead is what the front end needs of a response's head besides its header.
type respHead struct {
	status int
	body   int   // bodyNone...
	length int64 // bodyFixed
	close  bool  // the connection cannot carry another request
}

// readResponseHead reads a response head from br, puts its header into dst (without
// hop-by-hop headers, except for 101 Switching Protocols) and returns the rest.
func readResponseHead(br *bufio.Reader, dst http.Header, method string) (respHead, error) {
	block, err := readHeadBlock(br)
	if err != nil {
		return respHead{}, err
	}
	return parseHead(block, dst, method)
}

// readHeadBlock returns the bytes of a head, through its empty line, as one string
// (the header's keys and values are substrings of it: one allocation).
func readHeadBlock(br *bufio.Reader) (string, error) {
	for {
		n := br.Buffered()
		buf, _ := br.Peek(n)
		if end := headEnd(buf); end > 0 {
			s := string(buf[:end])
			br.Discard(end)
			return s, nil
		}
		if n == br.Size() {
			return readLongHead(br)
		}
		if _, err := br.Peek(n + 1); err != nil {
			if n > 0 && err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
	}
}

// headEnd returns the length of the head at the start of buf, or 0 when its empty
// line has not arrived yet.
func headEnd(buf []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(buf[i:], '\n')
		if j < 0 {
			return 0
		}
		i += j + 1
		switch {
		case i < len(buf) && buf[i] == '\n':
			return i + 1
		case i+1 < len(buf) && buf[i] == '\r' && buf[i+1] == '\n':
			return i + 2
		}
	}
}

// readLongHead reads a head larger than br's buffer, line by line.
func readLongHead(br *bufio.Reader) (string, error) {
	var b []byte
	partial := false
	for len(b) <= maxHeadBytes {
		line, err := br.ReadSlice('\n')
		b = append(b, line...)
		if err == bufio.ErrBufferFull {
			partial = true
			continue
		}
		if err != nil {
			return "", err
		}
		if !partial && len(b) > len(line) && (string(line) == "\r\n" || string(line) == "\n") {
			return string(b), nil
		}
		partial = false
	}
	return "", errHeadTooLarge
}

// parseHead parses a head block; see readResponseHead.
func parseHead(block string, dst http.Header, method string) (respHead, error) {
	line, rest := cutLine(block)
	h, http10, err := parseStatusLine(line)
	if err != nil {
		return h, err
	}
	var conn []string
	te := ""
	keepHop := h.status == http.StatusSwitchingProtocols
	vals := make([]string, 0, strings.Count(rest, "\n"))
	for rest != "" {
		line, rest = cutLine(rest)
		if line == "" {
			break
		}
		k, v, err := parseField(line)
		if err != nil {
			return h, err
		}
		switch k {
		case "Content-Length":
			if h.length, err = parseLength(v, h.length); err != nil {
				return h, err
			}
		case "Transfer-Encoding":
			te = v
		case "Connection":
			conn = append(conn, v)
		}
		if !keepHop && hopHeader(k) && k != "Trailer" {
			continue
		}
		vals = append(vals, v)
		if old := dst[k]; old != nil {
			dst[k] = append(old, v)
		} else {
			dst[k] = vals[len(vals)-1 : len(vals) : len(vals)]
		}
	}
	frame(&h, dst, method, te, http10, conn, keepHop)
	return h, nil
}

// frame decides how the body is framed and whether the connection stays open, and
// removes the headers the Connection header names.
func frame(h *respHead, dst http.Header, method, te string, http10 bool, conn []string, keepHop bool) {
	h.close = hasToken(conn, "close") || (http10 && !hasToken(conn, "keep-alive"))
	if !keepHop {
		dropListed(dst, conn)
	}
	switch {
	case method == http.MethodHead || h.status < 200 || h.status == 204 || h.status == 304:
		h.body = bodyNone
	case te != "":
		delete(dst, "Content-Length") // Transfer-Encoding overrides it (RFC 9112, 6.3)
		h.body = bodyUntilClose
		if lastToken(te) == "chunked" {
			h.body = bodyChunked
		}
	case h.length >= 0:
		h.body = bodyFixed
	default:
		h.body = bodyUntilClose
	}
	if h.body == bodyUntilClose {
		h.close = true
	}
}

// dropListed removes the headers that Connection header values name (other than
// close, keep-alive and upgrade, which name no header that stays).
func dropListed(dst http.Header, conn []string) {
	for _, c := range conn {
		for c != "" {
			var t string
			t, c, _ = strings.Cut(c, ",")
			t = strings.Trim(t, " \t")
			if t != "" && !strings.EqualFold(t, "close") && !strings.EqualFold(t, "keep-alive") && !strings.EqualFold(t, "upgrade") {
				delete(dst, textproto.CanonicalMIMEHeaderKey(t))
			}
		}
	}
}

// parseStatusLine parses "HTTP/1.1 200 OK".
func parseStatusLine(line string) (h respHead, http10 bool, err error) {
	h.length = -1
	if len(line) < 12 || !strings.HasPrefix(line, "HTTP/1.") || (line[7] != '0' && line[7] != '1') ||
		line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return h, false, errMalformed
	}
	code, err := strconv.Atoi(line[9:12])
	if err != nil || code < 100 {
		return h, false, errMalformed
	}
	h.status = code
	return h, line[7] == '0', nil
}

// parseField parses "Key: value" into the canonical key and the trimmed value.
func parseField(line string) (k, v string, err error) {
	k, v, ok := strings.Cut(line, ":")
	if !ok || !validToken(k) || !validValue(v) {
		return "", "", errMalformed // obs-fold (a line starting with a space) included
	}
	return canonicalKey(k), strings.Trim(v, " \t"), nil
}

// parseLength parses a Content-Length; a second one must agree with the first (prev).
func parseLength(v string, prev int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || v[0] == '+' || (prev >= 0 && n != prev) {
		return 0, errMalformed
	}
	return n, nil
}

// cutLine returns the first line of s, without its line end, and the rest.
func cutLine(s string) (line, rest string) {
	line, rest, _ = strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r"), rest
}

// lastToken returns the last comma-separated token of v, in lower case.
func lastToken(v string) string {
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.ToLower(strings.Trim(v, " \t"))
}

// canonicalKey returns k in canonical form ("Content-Type"), without allocating when
// it already is.
func canonicalKey(k string) string {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if (upper && 'a' <= c && c <= 'z') || (!upper && 'A' <= c && c <= 'Z') {
			return textproto.CanonicalMIMEHeaderKey(k)
		}
		upper = c == '-'
	}
	return k
}

// validToken reports whether k is a header field name (RFC 9110 token).
func validToken(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validValue reports whether v holds no control character but tab.
func validValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// readTrailer reads the trailer after a chunked body into dst: trailers the response
// announced (its Trailer header) by name, others with http.TrailerPrefix.
func readTrailer(br *bufio.Reader, dst http.Header) error {
	total := 0
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if total += len(line); total > maxHeadBytes {
			return errHeadTooLarge
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if s == "" {
			return nil
		}
		k, v, err := parseField(s)
		if err != nil {
			return err
		}
		if !hasToken(dst["Trailer"], k) {
			k = http.TrailerPrefix + k
		}
		dst[k] = append(dst[k], v)
	}
}
