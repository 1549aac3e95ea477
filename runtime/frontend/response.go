//go:build unix

package frontend

import (
	"bufio"
	"errors"
	"net/http"

	"strconv"
	"strings"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
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

// respHead is what the front end needs of a response's head besides its fields.
type respHead struct {
	status  int
	reason  string
	body    int    // bodyNone...
	length  int64  // bodyFixed, and a HEAD or 304 response's Content-Length; else -1
	close   bool   // the connection cannot carry another request
	upgrade string // a 101's Upgrade field
}

// readResponseHead reads a response head from br and appends its fields to dst:
// without hop-by-hop fields (except for 101 Switching Protocols) and without
// Content-Length, which respHead.length carries.
func readResponseHead(br *bufio.Reader, dst []h1.Field, method string) (respHead, []h1.Field, error) {
	raw, err := h1.ReadHead(br, maxHeadBytes)
	if errors.Is(err, h1.ErrTooLong) {
		err = errHeadTooLarge
	}
	if err != nil {
		return respHead{}, dst, err
	}
	// One string for the head: the fields' names and values are substrings of it.
	return parseHead(string(raw), dst, method)
}

// parseHead parses a head block; see readResponseHead.
func parseHead(block string, dst []h1.Field, method string) (respHead, []h1.Field, error) {
	line, rest := cutLine(block)
	h, http10, err := parseStatusLine(line)
	if err != nil {
		return h, dst, err
	}
	first := len(dst)
	var conn []string
	te := ""
	for rest != "" {
		line, rest = cutLine(rest)
		if line == "" {
			break
		}
		k, v, err := parseField(line)
		if err != nil {
			return h, dst, err
		}
		switch k {
		case "Content-Length":
			if h.length, err = parseLength(v, h.length); err != nil {
				return h, dst, err
			}
			continue
		case "Transfer-Encoding":
			te = v
		case "Connection":
			conn = append(conn, v)
		case "Upgrade":
			h.upgrade = v
		}
		dst = append(dst, h1.Field{Name: k, Value: v})
	}
	frame(&h, method, te, http10, conn)
	if h.status != http.StatusSwitchingProtocols {
		dst = append(dst[:first], dropHop(dst[first:], conn)...)
	}
	return h, dst, nil
}

// complete reports whether the whole response is in br once its head is read: no
// more reads of the worker's connection are needed for it.
func (h respHead) complete(br *bufio.Reader) bool {
	if h.status == http.StatusSwitchingProtocols { // the connection carries what follows
		return false
	}
	return h.body == bodyNone || h.body == bodyFixed && h.length <= int64(br.Buffered())
}

// frame decides how the body is framed and whether the connection stays open.
func frame(h *respHead, method, te string, http10 bool, conn []string) {
	h.close = hasToken(conn, "close") || (http10 && !hasToken(conn, "keep-alive"))
	switch {
	case method == http.MethodHead || h.status < 200 || h.status == 204 || h.status == 304:
		h.body = bodyNone
	case te != "":
		h.length = -1 // Transfer-Encoding overrides Content-Length (RFC 9112, 6.3)
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

// dropHop removes, in place, the hop-by-hop fields (but Trailer) and the fields that
// Connection values name (other than close, keep-alive and upgrade).
func dropHop(fields []h1.Field, conn []string) []h1.Field {
	keep := fields[:0]
	for _, f := range fields {
		if (hopHeader(f.Name) && f.Name != "Trailer") || listed(conn, f.Name) {
			continue
		}
		keep = append(keep, f)
	}
	return keep
}

// listed reports whether Connection values name the field k.
func listed(conn []string, k string) bool {
	return len(conn) > 0 && hasToken(conn, k)
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
	if len(line) > 13 && h1.ValidValue(line[13:]) {
		h.reason = line[13:]
	}
	return h, line[7] == '0', nil
}

// parseField parses "Key: value" into the canonical key and the trimmed value.
func parseField(line string) (k, v string, err error) {
	k, v, ok := strings.Cut(line, ":")
	if !ok || !h1.ValidName(k) || !h1.ValidValue(v) {
		return "", "", errMalformed // obs-fold (a line starting with a space) included
	}
	return h1.CanonicalName(k), strings.Trim(v, " \t"), nil
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

// readTrailer reads the trailer section after a chunked body and appends its fields
// to dst, without the fields that may not be trailers (framing, hop-by-hop).
func readTrailer(br *bufio.Reader, dst []h1.Field) ([]h1.Field, error) {
	total := 0
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return dst, err
		}
		if total += len(line); total > maxHeadBytes {
			return dst, errHeadTooLarge
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if s == "" {
			return dst, nil
		}
		k, v, err := parseField(s)
		if err != nil {
			return dst, err
		}
		if k != "Content-Length" && k != "Host" && !hopHeader(k) {
			dst = append(dst, h1.Field{Name: k, Value: v})
		}
	}
}
