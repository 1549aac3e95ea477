package h1

import "strings"

// codings gathers the transfer codings of the Transfer-Encoding fields of a
// request, all fields taken as one list (RFC 9112 6.1).
type codings struct {
	seen        bool // a Transfer-Encoding field
	invalid     bool // an empty or malformed coding
	chunked     int  // how many times chunked is listed
	chunkedLast bool // whether the last coding is chunked
	others      int  // codings other than chunked
}

// add takes the codings listed in the value of one Transfer-Encoding field.
func (c *codings) add(v string) {
	c.seen = true
	eachElement(v, func(coding string) bool {
		c.chunkedLast = equalFold(coding, "chunked")
		if c.chunkedLast {
			c.chunked++
			return true
		}
		c.others++
		name, _, _ := strings.Cut(coding, ";")
		c.invalid = c.invalid || !isToken(trimOWS(name))
		return true
	})
}

// check refuses any list but a lone chunked: with 400 when the message's
// length cannot be told (RFC 9112 6.3), with 501 for codings this server does
// not decode before the final chunked (RFC 9112 6.1).
func (c *codings) check() *Error {
	if c.invalid || !c.chunkedLast || c.chunked > 1 {
		return errCoding
	}
	if c.others > 0 {
		return errCodingUnknown
	}
	return nil
}
