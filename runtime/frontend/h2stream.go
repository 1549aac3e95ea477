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
	go v.serveOne()
	go writeRequest(sc.reqW, r)
	if !relayResponse(w, bufio.NewReader(sc.respR), r) {
		panic(http.ErrAbortHandler) // net/http resets the stream
	}
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
// framing (Content-Length when known, else chunked), and the body. Expect is left
// out: net/http answers 100-continue on the stream as the body is read.
func writeRequest(w *io.PipeWriter, r *http.Request) {
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
	err := writeBody(bw, r.Body, hasBody, chunked)
	if err == nil {
		err = bw.Flush()
	}
	w.CloseWithError(err) // nil: the request is all there; the response may follow
}

// writeBody copies body to bw, chunked when asked.
func writeBody(bw *bufio.Writer, body io.Reader, hasBody, chunked bool) error {
	if !hasBody {
		return nil
	}
	if !chunked {
		_, err := io.Copy(bw, body)
		return err
	}
	cw := httputil.NewChunkedWriter(bw)
	if _, err := io.Copy(cw, body); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return err
	}
	_, err := bw.WriteString("\r\n") // no trailers
	return err
}

// responseHopHeaders are the response fields HTTP/2 does not carry.
var responseHopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Te"}

// relayResponse reads the HTTP/1.1 response to r from br and writes it on the
// stream: 103 Early Hints as they come, then the head, the body (flushed as it
// arrives) and the trailers. It reports false when the response broke off.
func relayResponse(w http.ResponseWriter, br *bufio.Reader, r *http.Request) bool {
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
	if err := copyFlushing(w, resp.Body); err != nil {
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

// copyFlushing copies body to w, flushing after each read, so that a response the
// worker streams (server-sent events) streams on.
func copyFlushing(w http.ResponseWriter, body io.Reader) error {
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			rc.Flush()
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// streamConn is the connection of one HTTP/2 stream's HTTP/1.1 exchange: the
// request comes from reqR, the response goes to respW. Its addresses are those of the
// client's connection, for routing and X-Forwarded-For. It has no deadlines: the
// stream's own context (a reset, the connection's end) closes it.
type streamConn struct {
	reqR          *io.PipeReader
	reqW          *io.PipeWriter
	respR         *io.PipeReader
	respW         *io.PipeWriter
	local, remote net.Addr
}

// newStreamConn returns a stream connection with the client connection's addresses.
func newStreamConn(local, remote net.Addr) *streamConn {
	sc := &streamConn{local: local, remote: remote}
	sc.reqR, sc.reqW = io.Pipe()
	sc.respR, sc.respW = io.Pipe()
	return sc
}

// Read reads the request.
func (sc *streamConn) Read(p []byte) (int, error) { return sc.reqR.Read(p) }

// Write writes the response.
func (sc *streamConn) Write(p []byte) (int, error) { return sc.respW.Write(p) }

// Close ends both directions: a reader of either side then sees the end.
func (sc *streamConn) Close() error {
	sc.reqR.CloseWithError(net.ErrClosed)
	sc.respW.Close()
	return nil
}

// LocalAddr returns the client connection's local address.
func (sc *streamConn) LocalAddr() net.Addr { return sc.local }

// RemoteAddr returns the client's address.
func (sc *streamConn) RemoteAddr() net.Addr { return sc.remote }

// SetDeadline does nothing: see streamConn.
func (sc *streamConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline does nothing: see streamConn.
func (sc *streamConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline does nothing: see streamConn.
func (sc *streamConn) SetWriteDeadline(time.Time) error { return nil }
