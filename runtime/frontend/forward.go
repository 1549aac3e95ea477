//go:build unix

package frontend

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
	"github.com/poolctl/poolctl/runtime/spec"
)

// errBodyClosed is what a request body read after its exchange ended returns.
var errBodyClosed = errors.New("frontend: read of a request body after its exchange ended")

// exchange is one request forwarded to a worker over one of its connections.
type exchange struct {
	h     *handler
	c     *clientConn
	r     *h1.Request
	uri   string // the request target to send
	bc    *backendConn
	began time.Time  // when the request was sent to bc
	body  *reqBody   // the request body, when there is one
	wrote chan error // the request body writer's result
}

// forward sends c's request to the worker at addr, with uri as its target, and the
// response to the client. It reports the outcome for the worker's pool (the worker's
// status, whether it failed: could not be reached, broke off) and whether the
// client's response must be cut short.
func (h *handler) forward(c *clientConn, uri, addr string) (out Outcome, abort bool) {
	x := &exchange{h: h, c: c, r: &c.req, uri: uri}
	defer x.end()
	head, err := x.roundTrip(addr)
	if err != nil {
		return Outcome{Failed: x.fail(err)}, false
	}
	out.Status = head.status
	if head.status == http.StatusSwitchingProtocols {
		out.Failed = x.upgrade(head)
		return out, false
	}
	out.Failed, abort = x.copyResponse(head)
	return out, abort
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
	for attempt := 0; ; attempt++ {
		now := time.Now()
		bc, reused, err := x.h.conns.get(x.c.ctx, addr, now)
		if err != nil {
			return respHead{}, err
		}
		x.bc, x.began = bc, now
		// Before setBack, which may interrupt bc at once: the interruption must win.
		x.headBy(now)
		x.c.setBack(bc)
		head, err := x.send()
		if err == nil {
			if !head.complete(bc.br) {
				x.c.clearBackDeadline(bc) // the body may take as long as the worker streams it
			}
			return head, nil
		}
		x.release(false)
		if !reused || attempt > 0 || !replayable(x.r) || x.c.ctx.Err() != nil || errors.Is(err, errMalformed) {
			return head, err
		}
	}
}

// headBy sets the read deadline by which the worker must send the response's head,
// from now: after the application's aspNetCore requestTimeout, else the front end's
// default (timeouts.responseHead); none for a requestTimeout of 00:00:00.
func (x *exchange) headBy(now time.Time) {
	d := x.h.times.responseHead
	if x.c.app != nil && x.c.app.Program.RequestTimeout != 0 {
		d = x.c.app.Program.RequestTimeout
	}
	if d == spec.NoTimeout {
		if !x.bc.rdl.IsZero() {
			x.bc.setReadDeadline(time.Time{})
		}
		return
	}
	x.bc.readBy(now.Add(d), headSlack(d))
}

// replayable reports whether a request may be sent twice: idempotent, without a body.
func replayable(r *h1.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return !hasBody(r)
	}
	return false
}

// release gives the connection back to the pool when reuse is true and the client's
// going away did not interrupt it, else closes it.
func (x *exchange) release(reuse bool) {
	if x.bc == nil {
		return
	}
	if x.c.clearBack() {
		reuse = false // interrupted: the connection has a deadline in the past
	}
	if reuse {
		x.h.conns.put(x.bc, x.began)
	} else {
		x.bc.conn.Close()
	}
	x.bc = nil
}

// send writes the request (its body from another goroutine, so that a worker that
// answers before reading it all is heard) and reads the response's head. A client
// that expects 100 Continue gets it when its body is about to be read, as nginx does.
// A chunked body is read ahead before the head is sent (readAhead), so that a framing
// error the front end can see then never reaches the worker: the request is answered
// 400 and the worker gets nothing of it.
func (x *exchange) send() (respHead, error) {
	if !hasBody(x.r) {
		return x.sendHead()
	}
	x.body = &reqBody{rc: h1.Body(x.c.br, x.r), watch: &x.c.watch,
		clock: bodyClock{conn: x.c.conn, t: x.h.times, start: time.Now()}}
	x.c.body = x.body
	buf := x.h.bufs.Get()
	var ahead int
	var eof bool
	if x.r.Chunked {
		x.sendContinue()
		var err error
		if ahead, eof, err = x.readAhead(buf); err != nil {
			x.h.bufs.Put(buf)
			return respHead{}, err
		}
	}
	bw := x.bc.bw
	writeHead(bw, x.r, x.uri, x.c.client, x.c.scheme())
	if err := bw.Flush(); err != nil {
		x.h.bufs.Put(buf)
		return respHead{}, err
	}
	if !x.r.Chunked {
		x.sendContinue()
	}
	x.wrote = make(chan error, 1)
	go x.writeBody(x.bc, buf, ahead, eof)
	return x.readHead()
}

// sendHead writes the head of a request without a body and reads the response's head.
func (x *exchange) sendHead() (respHead, error) {
	writeHead(x.bc.bw, x.r, x.uri, x.c.client, x.c.scheme())
	if err := x.bc.flushHeld(); err != nil {
		return respHead{}, err
	}
	return x.readHead()
}

// sendContinue answers 100 Continue to a client that waits for it before its body.
func (x *exchange) sendContinue() {
	if x.r.Continue && x.r.Minor > 0 && x.c.out == nil { // net/http answers it on an HTTP/2 stream
		x.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		x.c.bw.Flush()
	}
}

// readAhead reads the start of a chunked body into buf: at least the first chunk's
// size line (one Read), and on while the client's bytes are already buffered and buf
// has room, without waiting for more. It returns how much it read and whether that
// was the whole body; an error means the body is malformed or broke off.
func (x *exchange) readAhead(buf []byte) (n int, eof bool, err error) {
	for n < len(buf) {
		m, err := x.body.Read(buf[n:])
		n += m
		switch {
		case err == io.EOF:
			return n, true, nil
		case err != nil:
			return n, false, err
		case !aheadBuffered(x.c.br):
			return n, false, nil
		}
	}
	return n, false, nil
}

// aheadBuffered reports whether br holds enough of a chunked body to read on without
// waiting for the client: three line ends, which cover the CRLF after a chunk's data,
// the next size line and a line of data or the end of the trailer. It errs towards
// waiting less: a client that pauses mid-stream is forwarded what it sent.
func aheadBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.Count(b, []byte{'\n'}) >= 3
}

// writeBody sends the request body to bc, chunked when the client sent it so: first
// the ahead bytes of buf that send read ahead (all of it when eof), then the rest.
// When the client's body breaks off, the worker will never have it all: bc is
// interrupted, so that the wait for its answer ends, and no last chunk is sent.
func (x *exchange) writeBody(bc *backendConn, buf []byte, ahead int, eof bool) {
	defer x.h.bufs.Put(buf)
	bw, chunked := bc.bw, x.r.Chunked
	var err error
	if ahead > 0 {
		err = writeChunk(bw, buf[:ahead], chunked)
	}
	for err == nil && !eof {
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
	if x.body.broken.Load() {
		bc.interrupt()
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

// readHead reads the response's head, passing 1xx responses (103 Early Hints) on to
// the client; 100 Continue is the front end's own business with the client.
func (x *exchange) readHead() (respHead, error) {
	for {
		head, fields, err := readResponseHead(x.bc.br, x.c.fields[:0], x.r.Method)
		x.c.fields = fields
		if err != nil || head.status >= 200 || head.status == http.StatusSwitchingProtocols {
			return head, err
		}
		if head.status != http.StatusContinue {
			x.c.interim(head.status, head.reason, fields)
		}
	}
}

// fail answers a request the worker did not answer, and reports whether that is the
// worker's failure: 408 when the client's body did not arrive in time, 400 when it
// broke off, nothing when the client went away, 504 when the worker did not answer in
// time (not its failure), else 502.
func (x *exchange) fail(err error) bool {
	switch {
	case x.body != nil && x.body.timedOut.Load():
		x.c.text(http.StatusRequestTimeout, slowBody)
		return false
	case x.body != nil && x.body.broken.Load():
		x.c.text(http.StatusBadRequest, badBody)
		return false
	case x.c.ctx.Err() != nil:
		return false
	case errors.Is(err, os.ErrDeadlineExceeded):
		// A slow application, not a failed worker (the ASP.NET Core Module does not
		// end the process on requestTimeout either).
		x.c.text(http.StatusGatewayTimeout, slowWorker)
		return false
	}
	msg := badGateway
	if errors.Is(err, errMalformed) || errors.Is(err, errHeadTooLarge) {
		msg = badResponse
	}
	x.c.text(http.StatusBadGateway, msg)
	return true
}

// copyResponse sends the response to the client; see forward.
func (x *exchange) copyResponse(head respHead) (failed, abort bool) {
	x.c.respond(head.status, head.reason, x.c.fields, head.body != bodyNone, head.length)
	rerr, werr := x.copyBody(head)
	switch {
	case werr != nil: // the client went away
		return false, true
	case rerr != nil:
		return x.c.ctx.Err() == nil, true
	}
	x.release(!head.close && x.bodySent())
	return false, false
}

// copyBody copies the response body to the client, flushing at once when it streams
// (no Content-Length). It returns the error of reading, or of writing.
func (x *exchange) copyBody(head respHead) (rerr, werr error) {
	switch head.body {
	case bodyNone:
		return nil, nil
	case bodyFixed:
		return x.copyFixed(head.length)
	case bodyChunked:
		if rerr, werr = x.pump(httputil.NewChunkedReader(x.bc.br)); rerr != nil || werr != nil {
			return rerr, werr
		}
		var trailer []h1.Field
		if trailer, rerr = readTrailer(x.bc.br, x.c.fields[:0]); rerr != nil {
			return rerr, nil
		}
		return nil, x.c.endBody(trailer)
	}
	if rerr, werr = x.pump(x.bc.br); rerr != nil || werr != nil {
		return rerr, werr
	}
	return nil, x.c.endBody(nil)
}

// copyFixed copies n bytes of the worker's response to the client straight from the
// worker connection's buffer. Before it waits for more, what it has goes out.
func (x *exchange) copyFixed(n int64) (rerr, werr error) {
	br := x.bc.br
	for n > 0 {
		if br.Buffered() == 0 {
			if err := x.c.flushPending(); err != nil {
				return nil, err
			}
			if _, err := br.Peek(1); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return err, nil
			}
		}
		p, _ := br.Peek(int(min(int64(br.Buffered()), n)))
		if err := x.c.writeBody(p); err != nil {
			return nil, err
		}
		br.Discard(len(p))
		n -= int64(len(p))
	}
	return nil, nil
}

// pump copies src to the client until io.EOF, sending each piece at once.
func (x *exchange) pump(src io.Reader) (rerr, werr error) {
	buf := x.h.bufs.Get()
	defer x.h.bufs.Put(buf)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if werr = x.c.writeBody(buf[:n]); werr == nil {
				werr = x.c.flush()
			}
			if werr != nil {
				return nil, werr
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
func (x *exchange) upgrade(head respHead) bool {
	want := upgradeType(x.r)
	if want == "" || !strings.EqualFold(want, head.upgrade) {
		x.c.text(http.StatusBadGateway, badGateway)
		return true
	}
	c := x.c
	c.watch.stop()
	c.srv.remove(c) // Shutdown does not wait for it; the end of the base context closes it
	c.rep.status, c.rep.ended = head.status, true
	writeStatusLine(c.bw, head.status, head.reason)
	for _, f := range c.fields {
		writeField(c.bw, f.Name, f.Value)
	}
	c.bw.WriteString("\r\n")
	if c.bw.Flush() != nil {
		return false
	}
	c.setReadDeadline(time.Time{})
	back := x.bc.conn
	stop := context.AfterFunc(c.ctx, func() { c.conn.Close(); back.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	go splice(back, c.br, done)
	go splice(c.conn, x.bc.br, done)
	<-done
	c.conn.Close()
	back.Close()
	<-done
	return false
}

// splice copies src to dst and says when it is over.
func splice(dst net.Conn, src io.Reader, done chan<- struct{}) {
	io.Copy(dst, src)
	done <- struct{}{}
}

// reqBody is a request body that remembers how it ended: a read error (the client's
// body broke off) or its end (the next request can be read; the client's connection
// is watched from then on). It cannot be read once its exchange has ended.
type reqBody struct {
	rc       io.Reader
	watch    *watcher
	clock    bodyClock
	broken   atomic.Bool
	timedOut atomic.Bool // broken because the body did not arrive in time
	closed   atomic.Bool
	eof      atomic.Bool
}

// Read reads from the body.
func (b *reqBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	b.clock.before()
	n, err := b.rc.Read(p)
	b.clock.n += int64(n)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.timedOut.Store(true)
		b.broken.Store(true)
	case err == io.EOF:
		b.watch.arm(time.Now(), false) // before eof: the client's reader is this goroutine's until then
		b.eof.Store(true)
	case err != nil:
		b.broken.Store(true)
	}
	return n, err
}

// hasBody reports whether the request has a body to send.
func hasBody(r *h1.Request) bool { return r.Length != 0 }

// writeHead writes the request line and header of r, as it goes to the worker, with
// uri as its target, client as the address it came from and proto ("http" or
// "https") as the scheme the client used.
func writeHead(bw *bufio.Writer, r *h1.Request, uri, client, proto string) {
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(uri)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(r.Host)
	bw.WriteString("\r\n")
	conn := r.Get("Connection") != ""
	for _, f := range r.Fields {
		if dropRequestHeader(f.Name) || (conn && fieldHasToken(r, "Connection", f.Name)) {
			continue
		}
		writeField(bw, f.Name, f.Value)
	}
	if up := upgradeType(r); up != "" {
		writeField(bw, "Connection", "Upgrade")
		writeField(bw, "Upgrade", up)
	}
	if fieldHasToken(r, "Te", "trailers") {
		writeField(bw, "Te", "trailers")
	}
	writeForwarded(bw, r, client, proto)
	writeFraming(bw, r)
	bw.WriteString("\r\n")
}

// writeForwarded writes X-Forwarded-For (the client's address appended to what the
// client sent), X-Forwarded-Host and X-Forwarded-Proto (proto).
func writeForwarded(bw *bufio.Writer, r *h1.Request, client, proto string) {
	if client != "" {
		bw.WriteString("X-Forwarded-For: ")
		for _, f := range r.Fields {
			if f.Name == "X-Forwarded-For" {
				bw.WriteString(f.Value)
				bw.WriteString(", ")
			}
		}
		bw.WriteString(client)
		bw.WriteString("\r\n")
	}
	if r.Host != "" {
		writeField(bw, "X-Forwarded-Host", r.Host)
	}
	writeField(bw, "X-Forwarded-Proto", proto)
}

// writeFraming writes Content-Length or Transfer-Encoding.
func writeFraming(bw *bufio.Writer, r *h1.Request) {
	switch {
	case r.Length > 0:
		writeLength(bw, r.Length)
	case r.Chunked:
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

// upgradeType returns the protocol a request asks to upgrade to, or "".
func upgradeType(r *h1.Request) string {
	if !fieldHasToken(r, "Connection", "upgrade") {
		return ""
	}
	return r.Get("Upgrade")
}

// fieldHasToken reports whether the comma-separated values of r's fields named name
// hold token, case-insensitively.
func fieldHasToken(r *h1.Request, name, token string) bool {
	for _, f := range r.Fields {
		if f.Name == name && tokenIn(f.Value, token) {
			return true
		}
	}
	return false
}

// hasToken reports whether comma-separated header values hold token,
// case-insensitively.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		if tokenIn(v, token) {
			return true
		}
	}
	return false
}

// tokenIn reports whether the comma-separated value v holds token, case-insensitively.
func tokenIn(v, token string) bool {
	for v != "" {
		var t string
		t, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.Trim(t, " \t"), token) {
			return true
		}
	}
	return false
}
