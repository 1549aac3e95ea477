package frontend

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync/atomic"
)

// errBodyClosed is what a request body read after its handler ended returns.
var errBodyClosed = errors.New("frontend: read of a request body after its handler returned")

// exchange is one request forwarded to a worker over one of its connections.
type exchange struct {
	h     *handler
	w     http.ResponseWriter
	r     *http.Request
	bc    *backendConn
	stop  func() bool // stops the interrupt that the request's context would trigger
	body  *reqBody    // the request body, when there is one
	wrote chan error  // the request body writer's result
}

// forward sends the request to the worker at addr and its response to the client. It
// reports whether the worker failed (could not be reached, broke off) and whether the
// client's response must be aborted.
func (h *handler) forward(w http.ResponseWriter, r *http.Request, addr string) (failed, abort bool) {
	x := &exchange{h: h, w: w, r: r}
	defer x.end()
	head, err := x.roundTrip(addr)
	if err != nil {
		return x.fail(err), false
	}
	if head.status == http.StatusSwitchingProtocols {
		return x.upgrade(), false
	}
	return x.copyResponse(head)
}

// end releases what the exchange still holds; the request body cannot be read any more.
func (x *exchange) end() {
	x.release(false)
	if x.body != nil {
		x.body.closed.Store(true)
	}
}

// roundTrip sends the request and reads the response's head. An idempotent request
// without a body that fails on a reused connection (the worker closed it meanwhile) is
// sent once more on a new one, as net/http's Transport does.
func (x *exchange) roundTrip(addr string) (respHead, error) {
	ctx := x.r.Context()
	for attempt := 0; ; attempt++ {
		bc, reused, err := x.h.conns.get(ctx, addr)
		if err != nil {
			return respHead{}, err
		}
		x.bc, x.stop = bc, context.AfterFunc(ctx, bc.abort)
		head, err := x.send()
		if err == nil {
			return head, nil
		}
		x.release(false)
		if !reused || attempt > 0 || !replayable(x.r) || ctx.Err() != nil || errors.Is(err, errMalformed) {
			return head, err
		}
	}
}

// replayable reports whether a request may be sent twice: idempotent, without a body.
func replayable(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return !hasBody(r)
	}
	return false
}

// release gives the connection back to the pool when reuse is true and nothing
// interrupted it, else closes it.
func (x *exchange) release(reuse bool) {
	if x.bc == nil {
		return
	}
	if !x.stop() {
		reuse = false // the interrupt ran: the connection has a deadline in the past
	}
	if reuse {
		x.h.conns.put(x.bc)
	} else {
		x.bc.conn.Close()
	}
	x.bc = nil
}

// send writes the request (its body from another goroutine, so that a worker that
// answers before reading it all is heard) and reads the response's head.
func (x *exchange) send() (respHead, error) {
	bw := x.bc.bw
	writeHead(bw, x.r)
	if err := bw.Flush(); err != nil {
		return respHead{}, err
	}
	if !hasBody(x.r) {
		return x.readHead()
	}
	x.body = &reqBody{rc: x.r.Body}
	x.wrote = make(chan error, 1)
	go x.writeBody(bw, x.r.ContentLength < 0)
	return x.readHead()
}

// writeBody sends the request body, chunked when its length is unknown.
func (x *exchange) writeBody(bw *bufio.Writer, chunked bool) {
	buf := x.h.bufs.Get()
	defer x.h.bufs.Put(buf)
	var err error
	for err == nil {
		n, rerr := x.body.Read(buf)
		if n > 0 {
			err = writeChunk(bw, buf[:n], chunked)
		}
		if rerr == io.EOF {
			break
		}
		if err == nil {
			err = rerr
		}
	}
	if err == nil && chunked {
		_, err = bw.WriteString("0\r\n\r\n")
	}
	if err == nil {
		err = bw.Flush()
	}
	x.wrote <- err
}

// writeChunk writes p, as a chunk when chunked.
func writeChunk(bw *bufio.Writer, p []byte, chunked bool) error {
	if chunked {
		var num [16]byte
		bw.Write(strconv.AppendInt(num[:0], int64(len(p)), 16))
		bw.WriteString("\r\n")
	}
	bw.Write(p)
	if chunked {
		bw.WriteString("\r\n")
	}
	return bw.Flush()
}

// bodySent reports whether the request body, if any, was sent in full.
func (x *exchange) bodySent() bool {
	if x.wrote == nil {
		return true
	}
	select {
	case err := <-x.wrote:
		x.wrote = nil
		return err == nil
	default:
		return false // still being written: the connection cannot be reused
	}
}

// readHead reads the response's head into the client's header, passing 1xx responses
// (103 Early Hints) on to the client; 100 Continue is the front end's own business
// with the client.
func (x *exchange) readHead() (respHead, error) {
	h := x.w.Header()
	for {
		head, err := readResponseHead(x.bc.br, h, x.r.Method)
		if err != nil || head.status >= 200 || head.status == http.StatusSwitchingProtocols {
			return head, err
		}
		if head.status != http.StatusContinue {
			x.w.WriteHeader(head.status)
		}
		clear(h)
	}
}

// fail answers a request the worker did not answer, and reports whether that is the
// worker's failure: 400 when the client's body broke off, nothing useful when the
// client went away, else 502.
func (x *exchange) fail(err error) bool {
	clear(x.w.Header()) // what a malformed head left
	switch {
	case x.body != nil && x.body.broken.Load():
		writeText(x.w, http.StatusBadRequest, badBody)
		return false
	case x.r.Context().Err() != nil:
		x.w.WriteHeader(http.StatusBadGateway)
		return false
	}
	msg := badGateway
	if errors.Is(err, errMalformed) || errors.Is(err, errHeadTooLarge) {
		msg = badResponse
	}
	writeText(x.w, http.StatusBadGateway, msg)
	return true
}

// copyResponse sends the response to the client; see forward.
func (x *exchange) copyResponse(head respHead) (failed, abort bool) {
	x.w.WriteHeader(head.status)
	rerr, werr := x.copyBody(head)
	switch {
	case werr != nil: // the client went away
		return false, true
	case rerr != nil:
		return x.r.Context().Err() == nil, true
	}
	x.release(!head.close && x.bodySent())
	return false, false
}

// copyBody copies the response body to the client, flushing at once when it streams
// (no Content-Length). It returns the error of reading, or of writing.
func (x *exchange) copyBody(head respHead) (rerr, werr error) {
	var src io.Reader
	switch head.body {
	case bodyNone:
		return nil, nil
	case bodyFixed:
		src = io.LimitReader(x.bc.br, head.length)
	case bodyChunked:
		src = httputil.NewChunkedReader(x.bc.br)
	default:
		src = x.bc.br
	}
	rerr, werr = x.pump(src, head.body != bodyFixed)
	switch {
	case rerr != nil || werr != nil:
		return rerr, werr
	case head.body == bodyFixed && src.(*io.LimitedReader).N > 0:
		return io.ErrUnexpectedEOF, nil
	case head.body == bodyChunked:
		return readTrailer(x.bc.br, x.w.Header()), nil
	}
	return nil, nil
}

// pump copies src to the client until io.EOF.
func (x *exchange) pump(src io.Reader, flush bool) (rerr, werr error) {
	buf := x.h.bufs.Get()
	defer x.h.bufs.Put(buf)
	flusher, _ := x.w.(http.Flusher)
	if !flush {
		flusher = nil
	}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr = x.w.Write(buf[:n]); werr != nil {
				return nil, werr
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return err, nil
		}
	}
}

// upgrade connects the client and the worker after a 101 Switching Protocols
// (WebSocket) until either side ends or the front end shuts down. It reports whether
// the worker failed: it switched to a protocol the client did not ask for.
func (x *exchange) upgrade() bool {
	h := x.w.Header()
	want, got := upgradeType(x.r.Header), upgradeType(h)
	if want == "" || !strings.EqualFold(want, got) {
		clear(h)
		writeText(x.w, http.StatusBadGateway, badGateway)
		return true
	}
	conn, brw, err := http.NewResponseController(x.w).Hijack()
	if err != nil {
		clear(h)
		writeText(x.w, http.StatusInternalServerError, "500 Internal Server Error\n")
		return false
	}
	defer conn.Close()
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\n")
	h.Write(brw)
	brw.WriteString("\r\n")
	if brw.Flush() != nil {
		return false
	}
	back := x.bc.conn
	stop := context.AfterFunc(x.r.Context(), func() { conn.Close(); back.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	go splice(back, brw.Reader, done)
	go splice(conn, x.bc.br, done)
	<-done
	conn.Close()
	back.Close()
	<-done
	return false
}

// splice copies src to dst and says when it is over.
func splice(dst net.Conn, src io.Reader, done chan<- struct{}) {
	io.Copy(dst, src)
	done <- struct{}{}
}

// reqBody is a request body that remembers a read error (the client's body broke off)
// and cannot be read once its handler has returned.
type reqBody struct {
	rc     io.ReadCloser
	broken atomic.Bool
	closed atomic.Bool
}

// Read reads from the body.
func (b *reqBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		b.broken.Store(true)
	}
	return n, err
}

// hasBody reports whether the request has a body to send.
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// writeHead writes the request line and header of r, as it goes to the worker.
func writeHead(bw *bufio.Writer, r *http.Request) {
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(requestURI(r))
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(r.Host)
	bw.WriteString("\r\n")
	conn := r.Header["Connection"]
	for k, vv := range r.Header {
		if dropRequestHeader(k) || (len(conn) > 0 && hasToken(conn, k)) {
			continue
		}
		for _, v := range vv {
			writeField(bw, k, v)
		}
	}
	if up := upgradeType(r.Header); up != "" {
		writeField(bw, "Connection", "Upgrade")
		writeField(bw, "Upgrade", up)
	}
	if hasToken(r.Header["Te"], "trailers") {
		writeField(bw, "Te", "trailers")
	}
	writeForwarded(bw, r)
	writeFraming(bw, r)
	bw.WriteString("\r\n")
}

// requestURI returns the request target to send: the client's (with the path
// routePath cleaned), in origin form when the client sent an absolute URL.
func requestURI(r *http.Request) string {
	if u := r.RequestURI; u == "*" || strings.HasPrefix(u, "/") {
		return u
	}
	return r.URL.RequestURI()
}

// writeForwarded writes X-Forwarded-For (the client's address appended to what the
// client sent), X-Forwarded-Host and X-Forwarded-Proto.
func writeForwarded(bw *bufio.Writer, r *http.Request) {
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		bw.WriteString("X-Forwarded-For: ")
		for _, v := range r.Header["X-Forwarded-For"] {
			bw.WriteString(v)
			bw.WriteString(", ")
		}
		bw.WriteString(ip)
		bw.WriteString("\r\n")
	}
	if r.Host != "" {
		writeField(bw, "X-Forwarded-Host", r.Host)
	}
	writeField(bw, "X-Forwarded-Proto", "http")
}

// writeFraming writes Content-Length or Transfer-Encoding.
func writeFraming(bw *bufio.Writer, r *http.Request) {
	switch {
	case r.ContentLength > 0:
		var num [20]byte
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(num[:0], r.ContentLength, 10))
		bw.WriteString("\r\n")
	case hasBody(r):
		writeField(bw, "Transfer-Encoding", "chunked")
	case r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch:
		writeField(bw, "Content-Length", "0")
	}
}

// writeField writes one header field.
func writeField(bw *bufio.Writer, k, v string) {
	bw.WriteString(k)
	bw.WriteString(": ")
	bw.WriteString(v)
	bw.WriteString("\r\n")
}

// dropRequestHeader reports whether a client's header stays out of the request to the
// worker: hop-by-hop headers, the framing and forwarding headers the front end writes
// itself, and the runtime's own ping headers.
func dropRequestHeader(k string) bool {
	switch k {
	case "Content-Length", "Expect", "Host", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto":
		return true
	}
	return hopHeader(k) || strings.EqualFold(k, pingHeader) || strings.EqualFold(k, unhealthyHeader)
}

// hopHeader reports whether k is a hop-by-hop header (RFC 9110, 7.6.1).
func hopHeader(k string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade":
		return true
	}
	return false
}

// upgradeType returns the protocol a message asks to upgrade to, or "".
func upgradeType(h http.Header) string {
	if !hasToken(h["Connection"], "upgrade") || len(h["Upgrade"]) == 0 {
		return ""
	}
	return h["Upgrade"][0]
}

// hasToken reports whether comma-separated header values hold token,
// case-insensitively.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.Trim(t, " \t"), token) {
				return true
			}
		}
	}
	return false
}
