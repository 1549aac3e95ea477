//go:build unix

package frontend

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
)

// serveStream serves one HTTP/2 stream on the handler's goroutine, as a connection of
// its own (newStream) that carries one request: the stream's request is written out
// as HTTP/1.1 and read back by h1, so that a request h1 refuses is refused on HTTP/2
// too (its 400 is the stream's answer), and routing, queueing and forwarding to the
// worker's keep-alive HTTP/1.1 connections are the same for both protocols. The
// answer goes straight to the stream (streamReply); a response that cannot be
// completed resets the stream.
func (c *clientConn) serveStream(w http.ResponseWriter, r *http.Request) {
	v, sc := c.newStream(w, r)
	c.addStream(v)
	defer c.removeStream(v)
	stop := context.AfterFunc(r.Context(), v.abort) // the client reset the stream
	ok := v.answerStream()
	stop()
	sc.end() // before the handler returns: its ResponseController is no longer used
	if !ok {
		panic(http.ErrAbortHandler) // net/http resets the stream
	}
}

// newStream returns the connection of a stream of c, with the stream's request to
// read and w to answer on.
func (c *clientConn) newStream(w http.ResponseWriter, r *http.Request) (*clientConn, *streamConn) {
	rc := http.NewResponseController(w)
	sc := &streamConn{local: c.conn.LocalAddr(), remote: c.conn.RemoteAddr(), rc: rc}
	req := newStreamRequest(r)
	v := &clientConn{
		srv:  c.srv,
		conn: sc,
		// Room for the head: a body's long reads bypass the buffer.
		br:     bufio.NewReaderSize(req, max(len(req.head), streamMinBuf)),
		local:  c.local,
		client: c.client,
		tls:    true,
		sni:    c.sni,
		out:    &streamReply{w: w, rc: rc},
	}
	// The stream's context ends when the stream is reset or the connection ends (it
	// comes from c.ctx); abort, which that triggers, has nothing more to cancel.
	v.ctx, v.cancel = r.Context(), nothingToCancel
	v.watch.c = v
	return v, sc
}

// nothingToCancel is the cancel function of a stream's connection, whose context is
// the stream's own.
func nothingToCancel() {}

// answerStream reads the stream's request with h1 and answers it. It reports whether
// the answer is complete.
func (c *clientConn) answerStream() bool {
	if err := h1.ReadRequest(c.br, &c.req); err != nil {
		c.refuse(err)
		return c.rep.status != 0
	}
	c.answer()
	return c.rep.status != 0 && !c.rep.ended
}

// addStream counts v, the connection of a stream, among c's for the requests in
// flight.
func (c *clientConn) addStream(v *clientConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.streams == nil {
		c.streams = make(map[*clientConn]struct{})
	}
	c.streams[v] = struct{}{}
}

// removeStream forgets v, a stream's connection that ended.
func (c *clientConn) removeStream(v *clientConn) {
	c.mu.Lock()
	delete(c.streams, v)
	c.mu.Unlock()
}

// hopHeaders are the fields of one connection, which HTTP/2 does not carry (RFC 9113
// §8.2.2) and which a relay drops either way; the request's framing is written anew.
// Expect is left out too: net/http answers 100-continue on the stream as the body is
// read.
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Transfer-Encoding": true,
	"Upgrade": true, "Te": true, "Content-Length": true, "Host": true, "Expect": true,
}

// streamRequest is a stream's request as HTTP/1.1 bytes: its head, then its body,
// chunked when its length is unknown. It encodes the body as it is read, on the
// reader's goroutine.
type streamRequest struct {
	head    []byte
	body    io.Reader // nil without a body
	chunked bool
	pend    []byte // encoded body bytes not yet read
	buf     []byte // where pend is encoded, made for the first chunk
	err     error  // the body's error, once pend is read
}

// Sizes of a chunk of a stream's request body, of the room before it for its size
// line, and the least read buffer of a stream's connection.
const (
	streamChunk     = 16 << 10
	streamChunkRoom = 18
	streamMinBuf    = 512
)

// newStreamRequest returns r as HTTP/1.1 bytes: the request line, Host (HTTP/2's
// :authority), the fields (cookies joined with "; " as RFC 9113 §8.2.3 says), the
// framing (Content-Length when known, else chunked), and the body.
func newStreamRequest(r *http.Request) *streamRequest {
	b := make([]byte, 0, 512)
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.RequestURI...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, r.Host...)
	b = append(b, "\r\n"...)
	for name, values := range r.Header {
		if hopHeaders[name] {
			continue
		}
		if name == "Cookie" && len(values) > 1 {
			values = []string{strings.Join(values, "; ")}
		}
		for _, v := range values {
			b = append(append(append(append(b, name...), ": "...), v...), "\r\n"...)
		}
	}
	s := &streamRequest{}
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		s.body, s.chunked = r.Body, r.ContentLength < 0
		if s.chunked {
			b = append(b, "Transfer-Encoding: chunked\r\n"...)
		} else {
			b = strconv.AppendInt(append(b, "Content-Length: "...), r.ContentLength, 10)
			b = append(b, "\r\n"...)
		}
	}
	s.head = append(b, "\r\n"...)
	return s
}

// Read reads the request's bytes.
func (s *streamRequest) Read(p []byte) (int, error) {
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	switch {
	case s.body == nil:
		return 0, io.EOF
	case !s.chunked:
		return s.body.Read(p)
	}
	if len(s.pend) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		s.encode()
	}
	n := copy(p, s.pend)
	s.pend = s.pend[n:]
	return n, nil
}

// encode reads the body once and encodes what it brings as a chunk, the last chunk
// after its end. The error of the read waits in s.err until pend is read.
func (s *streamRequest) encode() {
	if s.buf == nil {
		s.buf = make([]byte, streamChunkRoom+streamChunk+len("\r\n0\r\n\r\n"))
	}
	n, err := s.body.Read(s.buf[streamChunkRoom : streamChunkRoom+streamChunk])
	s.pend = s.buf[streamChunkRoom:streamChunkRoom]
	if n > 0 {
		var num [streamChunkRoom]byte
		line := append(strconv.AppendInt(num[:0], int64(n), 16), "\r\n"...)
		start := streamChunkRoom - len(line)
		copy(s.buf[start:], line)
		s.pend = append(s.buf[start:streamChunkRoom+n], "\r\n"...)
	}
	switch {
	case errors.Is(err, io.EOF):
		s.pend = append(s.pend, "0\r\n\r\n"...) // no trailers
		s.err = io.EOF
	case err != nil:
		s.err = err // h1 finds the body broken off: the request is answered 400 (408 for a timeout)
	}
}

// streamConn stands for a stream's connection where the front end wants one: its
// addresses are those of the client's connection (for routing and X-Forwarded-For),
// and its read deadline is that of the stream's request body (the front end's body
// timeouts hold for streams as for connections). The request comes in through the
// connection's reader and the answer goes out through streamReply, never through it.
type streamConn struct {
	local, remote net.Addr
	rc            *http.ResponseController

	mu       sync.Mutex
	ended    bool        // the handler is returning: rc may not be used any more
	deadline time.Time   // of reading the body
	timer    *time.Timer // ends the body's reads at deadline
}

// errStreamIO is what reading or writing a stream's connection itself returns.
var errStreamIO = errors.New("frontend: an HTTP/2 stream is read and written through its request and reply")

// Read reads nothing: the request comes through the connection's reader.
func (sc *streamConn) Read([]byte) (int, error) { return 0, errStreamIO }

// Write writes nothing: the answer goes through streamReply.
func (sc *streamConn) Write([]byte) (int, error) { return 0, errStreamIO }

// Close ends the connection's use of the stream.
func (sc *streamConn) Close() error {
	sc.end()
	return nil
}

// end stops the body's deadline for good; rc is not used after it.
func (sc *streamConn) end() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.ended = true
	if sc.timer != nil {
		sc.timer.Stop()
	}
}

// LocalAddr returns the client connection's local address.
func (sc *streamConn) LocalAddr() net.Addr { return sc.local }

// RemoteAddr returns the client's address.
func (sc *streamConn) RemoteAddr() net.Addr { return sc.remote }

// SetDeadline sets the deadline of reading the request's body.
func (sc *streamConn) SetDeadline(t time.Time) error { return sc.SetReadDeadline(t) }

// SetWriteDeadline does nothing: the front end sets no write deadline on a client's
// connection, and net/http's flow control bounds a stream's writes.
func (sc *streamConn) SetWriteDeadline(time.Time) error { return nil }

// SetReadDeadline sets the deadline of reading the request's body; the zero time
// lifts it. Past it, the body's read fails with os.ErrDeadlineExceeded. The deadline
// is kept by a timer of the connection, not by net/http's, whose every change is a
// message to the connection's goroutine.
func (sc *streamConn) SetReadDeadline(t time.Time) error {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.ended {
		return net.ErrClosed
	}
	sc.deadline = t
	switch {
	case t.IsZero():
		if sc.timer != nil {
			sc.timer.Stop()
		}
	case sc.timer == nil:
		sc.timer = time.AfterFunc(time.Until(t), sc.expire)
	default:
		sc.timer.Reset(time.Until(t))
	}
	return nil
}

// expire ends the body's reads when the deadline has passed (it may have moved while
// the timer fired).
func (sc *streamConn) expire() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.ended || sc.deadline.IsZero() || time.Now().Before(sc.deadline) {
		return
	}
	sc.rc.SetReadDeadline(aLongTimeAgo) // a deadline in the past ends the body's reads at once
}

// streamReply writes the response to a stream's request through net/http's
// ResponseWriter: the fields go into its header, the body into its writes, and a
// flush sends a DATA frame. What is left when the handler returns goes with the end
// of the stream, in one frame (with the HEADERS frame, for a small response, in one
// TLS record).
type streamReply struct {
	w         http.ResponseWriter
	rc        *http.ResponseController
	unflushed bool // a write since the last flush
}

// head writes a final response's head: the fields (hop-by-hop ones already removed)
// and Content-Length when length >= 0 (net/http adds a Date when there is none).
func (o *streamReply) head(status int, fields []h1.Field, length int64) {
	h := o.w.Header()
	addFields(h, fields)
	if length >= 0 && status != http.StatusNoContent && status >= 200 {
		h["Content-Length"] = []string{strconv.FormatInt(length, 10)}
	}
	o.w.WriteHeader(status)
}

// interim writes 103 Early Hints at once; other 1xx responses stay with the front end.
func (o *streamReply) interim(status int, fields []h1.Field) {
	if status != http.StatusEarlyHints {
		return
	}
	h := o.w.Header()
	addFields(h, fields)
	o.w.WriteHeader(status)
	clear(h)
}

// addFields adds fields to h.
func addFields(h http.Header, fields []h1.Field) {
	for _, f := range fields {
		h[f.Name] = append(h[f.Name], f.Value)
	}
}

// write writes a piece of the body.
func (o *streamReply) write(p []byte) error {
	o.unflushed = true
	_, err := o.w.Write(p)
	return err
}

// writeString writes a piece of the body.
func (o *streamReply) writeString(s string) error {
	o.unflushed = true
	_, err := io.WriteString(o.w, s)
	return err
}

// trailer sets the trailer fields, sent with the end of the stream.
func (o *streamReply) trailer(fields []h1.Field) {
	h := o.w.Header()
	for _, f := range fields {
		h[http.TrailerPrefix+f.Name] = append(h[http.TrailerPrefix+f.Name], f.Value)
	}
}

// flush sends what the stream has buffered.
func (o *streamReply) flush() error {
	o.unflushed = false
	return o.rc.Flush()
}

// flushPending sends what the stream has buffered, if it was written since the last
// flush.
func (o *streamReply) flushPending() error {
	if !o.unflushed {
		return nil
	}
	return o.flush()
}
