package h1

import (
	"bufio"
	"io"
)

// Body returns a reader of r's body from br: exactly r.Length bytes, the last
// of them with io.EOF (io.ErrUnexpectedEOF if br ends first), or the chunked
// body decoded, its trailer section read, checked as fields, bounded by
// MaxHeadBytes and dropped, then io.EOF; malformed chunked framing gives a
// *Error with status 400. A request without a body gives a reader at io.EOF.
func Body(br *bufio.Reader, r *Request) io.Reader {
	switch {
	case r.Chunked:
		return &chunkedBody{br: br}
	case r.Length > 0:
		return &fixedBody{br: br, left: r.Length}
	}
	return noBody{}
}

// noBody is the body of a request without one.
type noBody struct{}

func (noBody) Read([]byte) (int, error) { return 0, io.EOF }

// fixedBody is a body of a length given by Content-Length.
type fixedBody struct {
	br   *bufio.Reader
	left int64 // bytes not read yet
}

func (b *fixedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.br.Read(p)
	b.left -= int64(n)
	if b.left > 0 {
		return n, unexpected(err)
	}
	return n, io.EOF // with the last byte: the caller knows at once that the body is complete
}
