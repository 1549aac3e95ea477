//go:build unix

package frontend

import (
	"bufio"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/poolctl/poolctl/runtime/frontend/h1"
)

// reply is the state of the response to the request being served.
type reply struct {
	minor   int  // the request's HTTP/1.minor
	head    bool // the request is HEAD: the response has no body
	status  int  // the final status written; 0 until then
	chunked bool // the body goes chunked
	close   bool // the connection ends after the response
	ended   bool // the connection must end now: upgraded, reset, or the response cut short
}

// respond writes a final response's head: the status line, fields (the worker's,
// hop-by-hop ones already removed), a Date when fields have none, and the framing:
// Content-Length when length >= 0, else chunked to an HTTP/1.1 client and the
// connection's end to an HTTP/1.0 one. body is false for a response without a body
// (HEAD, 204, 304), whose Content-Length (length >= 0) is passed on as it is.
func (c *clientConn) respond(status int, reason string, fields []h1.Field, body bool, length int64) {
	rep := &c.rep
	rep.status = status
	body = body && !rep.head
	if body && length < 0 {
		rep.chunked = rep.minor > 0
		rep.close = rep.close || !rep.chunked
	}
	if c.req.Close || c.srv.shutting.Load() || !c.bodyDone() {
		rep.close = true
	}
	if c.out != nil {
		rep.chunked = false // HTTP/2 frames the body itself
		c.out.head(status, fields, length)
		return
	}
	bw := c.bw
	writeStatusLine(bw, status, reason)
	hasDate := false
	for _, f := range fields {
		hasDate = hasDate || f.Name == "Date"
		writeField(bw, f.Name, f.Value)
	}
	if !hasDate {
		writeField(bw, "Date", c.srv.l.h.dates.get())
	}
	switch {
	case length >= 0 && status != http.StatusNoContent && status >= 200:
		writeLength(bw, length)
	case rep.chunked:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	switch {
	case rep.close:
		bw.WriteString("Connection: close\r\n")
	case rep.minor == 0:
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
}

// interim writes a 1xx response (103 Early Hints) and sends it at once; a write error
// shows again on the final response.
func (c *clientConn) interim(status int, reason string, fields []h1.Field) {
	if c.rep.minor == 0 {
		return // HTTP/1.0 knows no 1xx responses
	}
	if c.out != nil {
		c.out.interim(status, fields)
		return
	}
	writeStatusLine(c.bw, status, reason)
	for _, f := range fields {
		writeField(c.bw, f.Name, f.Value)
	}
	c.bw.WriteString("\r\n")
	c.bw.Flush()
}

// text writes a short plain-text answer of the front end itself.
func (c *clientConn) text(status int, msg string) {
	c.respond(status, "", []h1.Field{
		{Name: "Content-Type", Value: "text/plain; charset=utf-8"},
		{Name: "X-Content-Type-Options", Value: "nosniff"},
	}, true, int64(len(msg)))
	switch {
	case c.rep.head:
	case c.out != nil:
		c.out.writeString(msg)
	default:
		c.bw.WriteString(msg)
	}
}

// writeBody writes a piece of the response body, as a chunk when the body is chunked.
func (c *clientConn) writeBody(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if c.out != nil {
		return c.out.write(p)
	}
	if c.rep.chunked {
		var num [16]byte
		c.bw.Write(strconv.AppendInt(num[:0], int64(len(p)), 16))
		c.bw.WriteString("\r\n")
	}
	_, err := c.bw.Write(p)
	if c.rep.chunked {
		_, err = c.bw.WriteString("\r\n")
	}
	return err
}

// endBody ends a chunked body with its trailer fields.
func (c *clientConn) endBody(trailer []h1.Field) error {
	if c.out != nil {
		c.out.trailer(trailer)
		return nil
	}
	if !c.rep.chunked {
		return nil
	}
	c.bw.WriteString("0\r\n")
	for _, f := range trailer {
		writeField(c.bw, f.Name, f.Value)
	}
	_, err := c.bw.WriteString("\r\n")
	return err
}

// flush sends what the response has buffered.
func (c *clientConn) flush() error {
	if c.out != nil {
		return c.out.flush()
	}
	return c.bw.Flush()
}

// flushPending sends what the response has buffered, if anything: before a wait for
// more of the worker's response.
func (c *clientConn) flushPending() error {
	if c.out != nil {
		return c.out.flushPending()
	}
	if c.bw.Buffered() == 0 {
		return nil
	}
	return c.bw.Flush()
}

// writeStatusLine writes "HTTP/1.1 200 OK"; an empty reason becomes the status's
// standard text.
func writeStatusLine(bw *bufio.Writer, status int, reason string) {
	if reason == "" {
		reason = http.StatusText(status)
	}
	bw.WriteString("HTTP/1.1 ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(status), 10)) // in place: no copy, no allocation
	bw.WriteString(" ")
	bw.WriteString(reason)
	bw.WriteString("\r\n")
}

// writeLength writes a Content-Length field.
func writeLength(bw *bufio.Writer, n int64) {
	bw.WriteString("Content-Length: ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), n, 10)) // in place: no copy, no allocation
	bw.WriteString("\r\n")
}

// dateCache formats the Date field once a second.
type dateCache struct{ p atomic.Pointer[dateEntry] }

type dateEntry struct {
	sec  int64
	text string
}

// get returns the current time as a Date field's value.
func (d *dateCache) get() string {
	now := time.Now()
	if e := d.p.Load(); e != nil && e.sec == now.Unix() {
		return e.text
	}
	e := &dateEntry{sec: now.Unix(), text: now.UTC().Format(http.TimeFormat)}
	d.p.Store(e)
	return e.text
}
