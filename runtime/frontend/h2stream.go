//go:build unix

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
	"time"
)

// serveStream serves one HTTP/2 stream: it writes the request as HTTP/1.1 into a
// connection of its own (streamConn), which the front end serves as it serves any
// client's, and relays the HTTP/1.1 response back on the stream. So h1 reads every
// request, whichever protocol it came in: a request h1 refuses is refused on HTTP/2
// too (its 400 is the stream's answer), and routing, queueing and forwarding to the
// worker's keep-alive HTTP/1.1 connections are the same.
func (c *clientConn) serveStream(w http.ResponseWriter, r *http.Request) {
	sc := newStreamConn(c.conn.LocalAddr(), c.conn.RemoteAddr())
	stop := context.AfterFunc(r.Context(), func() { sc.Close() }) // the client reset the stream
	defer stop()
	defer sc.Close()
	v := newClientConn(c.srv, sc)
	v.tls, v.sni = true, c.sni
	c.addStream(v)
	defer c.removeStream(v)
	go v.serveOne()
	bufs := c.srv.l.h.bufs
	go writeRequest(sc.client, r, bufs)
	if !relayResponse(w, bufio.NewReader(sc.clientResp), r, bufs) {
		panic(http.ErrAbortHandler) // net/http resets the stream
	}
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

// serveOne serves the requests of a stream's connection (one), as serve does for a
// client connection, without the accounting of a connection of the listener.
func (c *clientConn) serveOne() {
	defer c.abort()
	c.serveRequests()
}

// hopHeaders are the fields of one connection, which HTTP/2 does not carry (RFC 9113
// §8.2.2) and which a relay drops either way; the request's framing is written anew.
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Transfer-Encoding": true,
	"Upgrade": true, "Te": true, "Content-Length": true, "Host": true, "Expect": true,
}

// writeRequest writes r as an HTTP/1.1 request to w: request line, Host (HTTP/2's
// :authority), the fields (cookies joined with "; " as RFC 9113 §8.2.3 says), the
// framing (Content-Length when known, else chunked), and the body; then it closes w,
// whose reader sees the end. Expect is left out: net/http answers 100-continue on the
// stream as the body is read.
func writeRequest(w net.Conn, r *http.Request, bufs *bufferPool) {
	bw := bufio.NewWriterSize(w, 4<<10)
	bw.WriteString(r.Method + " " + r.RequestURI + " HTTP/1.1\r\nHost: " + r.Host + "\r\n")
	for name, values := range r.Header {
		if hopHeaders[name] {
			continue
		}
		if name == "Cookie" && len(values) > 1 {
			values = []string{strings.Join(values, "; ")}
		}
		for _, v := range values {
			bw.WriteString(name + ": " + v + "\r\n")
		}
	}
	hasBody := r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
	chunked := hasBody && r.ContentLength < 0
	switch {
	case chunked:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	case hasBody:
		bw.WriteString("Content-Length: " + strconv.FormatInt(r.ContentLength, 10) + "\r\n")
	}
	bw.WriteString("\r\n")
	if bw.Flush() == nil { // the head goes at once: the body may be long in coming
		writeBody(bw, r.Body, hasBody, chunked, bufs)
	}
	w.Close() // after an error, the front end finds the body short and answers 400
}

// writeBody copies body to bw, chunked when asked, flushing what each read brings,
// so that the front end gets the body as the client sends it (and times it).
func writeBody(bw *bufio.Writer, body io.Reader, hasBody, chunked bool, bufs *bufferPool) error {
	if !hasBody {
		return nil
	}
	var out io.Writer = bw
	var cw io.WriteCloser
	if chunked {
		cw = httputil.NewChunkedWriter(bw)
		out = cw
	}
	buf := bufs.Get()
	defer bufs.Put(buf)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := out.Write(buf[:n]); werr != nil {
				return werr
			}
			if ferr := bw.Flush(); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if cw != nil {
		if err := cw.Close(); err != nil {
			return err
		}
		bw.WriteString("\r\n") // no trailers
	}
	return bw.Flush()
}

// responseHopHeaders are the response fields HTTP/2 does not carry.
var responseHopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Te"}

// relayResponse reads the HTTP/1.1 response to r from br and writes it on the
// stream: 103 Early Hints as they come, then the head, the body (flushed as it
// arrives) and the trailers. It reports false when the response broke off.
func relayResponse(w http.ResponseWriter, br *bufio.Reader, r *http.Request, bufs *bufferPool) bool {
	resp, err := http.ReadResponse(br, r)
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 {
		if resp.StatusCode == http.StatusEarlyHints {
			copyHeader(w.Header(), resp.Header)
			w.WriteHeader(http.StatusEarlyHints)
			clear(w.Header())
		}
		resp, err = http.ReadResponse(br, r)
	}
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	if err := copyFlushing(w, resp.Body, bufs); err != nil {
		return false
	}
	for name, values := range resp.Trailer {
		w.Header()[http.TrailerPrefix+name] = values
	}
	return true
}

// copyHeader copies the fields of from that HTTP/2 carries.
func copyHeader(to, from http.Header) {
	for name, values := range from {
		to[name] = values
	}
	for _, name := range responseHopHeaders {
		delete(to, name)
	}
}

// copyFlushing copies body to w, flushing after each read that leaves more to come,
// so that a response the worker streams (server-sent events) streams on. The last
// read is not flushed: the handler's return sends it with the end of the stream, in
// one DATA frame (with the HEADERS frame, for a small response, in one TLS record)
// rather than a DATA frame and an empty one to end the stream.
func copyFlushing(w http.ResponseWriter, body io.Reader, bufs *bufferPool) error {
	rc := http.NewResponseController(w)
	buf := bufs.Get()
	defer bufs.Put(buf)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			if err == nil {
				rc.Flush()
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// streamConn is the front end's side of the connection of one HTTP/2 stream's
// HTTP/1.1 exchange: two synchronous pipes (net.Pipe, which has deadlines, so that
// the front end's body and response timeouts hold for streams as for connections).
// The request comes in on one, the response goes out on the other; the relay holds
// their other ends (client, clientResp). Its addresses are those of the client's
// connection, for routing and X-Forwarded-For.
type streamConn struct {
	req, client      net.Conn // the request: the front end reads req, the relay writes client
	resp, clientResp net.Conn // the response: the front end writes resp, the relay reads clientResp
	local, remote    net.Addr
}

// newStreamConn returns a stream connection with the client connection's addresses.
func newStreamConn(local, remote net.Addr) *streamConn {
	sc := &streamConn{local: local, remote: remote}
	sc.req, sc.client = net.Pipe()
	sc.resp, sc.clientResp = net.Pipe()
	return sc
}

// Read reads the request.
func (sc *streamConn) Read(p []byte) (int, error) { return sc.req.Read(p) }

// Write writes the response.
func (sc *streamConn) Write(p []byte) (int, error) { return sc.resp.Write(p) }

// Close ends both pipes: the other ends then see the end.
func (sc *streamConn) Close() error {
	sc.req.Close()
	sc.resp.Close()
	return nil
}

// LocalAddr returns the client connection's local address.
func (sc *streamConn) LocalAddr() net.Addr { return sc.local }

// RemoteAddr returns the client's address.
func (sc *streamConn) RemoteAddr() net.Addr { return sc.remote }

// SetDeadline sets the deadlines of reading the request and writing the response.
func (sc *streamConn) SetDeadline(t time.Time) error {
	sc.req.SetReadDeadline(t)
	return sc.resp.SetWriteDeadline(t)
}

// SetReadDeadline sets the deadline of reading the request.
func (sc *streamConn) SetReadDeadline(t time.Time) error { return sc.req.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline of writing the response.
func (sc *streamConn) SetWriteDeadline(t time.Time) error { return sc.resp.SetWriteDeadline(t) }
