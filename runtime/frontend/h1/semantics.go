package h1

// fieldSemantics gathers what the fields that frame a request or steer its
// connection say: Host, Content-Length, Transfer-Encoding, Connection and
// Expect.
type fieldSemantics struct {
	hosts     int    // Host fields seen
	host      string // the first Host field's value
	lengths   int    // Content-Length values seen
	length    int64  // their number
	codings   codings
	close     bool // Connection: close
	keepAlive bool // Connection: keep-alive
	expect    bool // an Expect field
	expectBad bool // an Expect field other than 100-continue
}

// add takes note of f, refusing what no later field can mend.
func (fs *fieldSemantics) add(f Field) *Error {
	switch f.Name {
	case "Host":
		return fs.addHost(f.Value)
	case "Content-Length":
		return fs.addLength(f.Value)
	case "Transfer-Encoding":
		fs.codings.add(f.Value)
	case "Connection":
		fs.addConnection(f.Value)
	case "Expect":
		fs.expect = true
		fs.expectBad = fs.expectBad || !equalFold(f.Value, "100-continue")
	}
	return nil
}

// addHost takes a Host field: one at most, with a valid value (RFC 9112 3.2).
func (fs *fieldSemantics) addHost(v string) *Error {
	if fs.hosts++; fs.hosts > 1 {
		return errTwoHosts
	}
	if !validHost(v) {
		return errHost
	}
	fs.host = v
	return nil
}

// addLength takes a Content-Length field: a list of one or more lengths, all
// the same number as every other (RFC 9110 8.6, RFC 9112 6.3).
func (fs *fieldSemantics) addLength(v string) *Error {
	var e *Error
	eachElement(v, func(elem string) bool {
		n, ok := parseLength(elem)
		switch {
		case !ok:
			e = errLength
		case fs.lengths > 0 && n != fs.length:
			e = errLengths
		}
		fs.lengths++
		fs.length = n
		return e == nil
	})
	return e
}

// parseLength parses 1 to 18 decimal digits.
func parseLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := range len(s) {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

// addConnection takes the options of a Connection field (RFC 9110 7.6.1).
func (fs *fieldSemantics) addConnection(v string) {
	eachElement(v, func(opt string) bool {
		fs.close = fs.close || equalFold(opt, "close")
		fs.keepAlive = fs.keepAlive || equalFold(opt, "keep-alive")
		return true
	})
}

// apply checks the request as a whole and sets r's Host, framing and
// connection fields. Errors of status 400 come before 501 and 417.
func (fs *fieldSemantics) apply(r *Request) *Error {
	if e := fs.applyHost(r); e != nil {
		return e
	}
	if e := fs.applyFraming(r); e != nil {
		return e
	}
	if fs.expectBad {
		return errExpect
	}
	// RFC 9110 10.1.1: a 100-continue expectation in HTTP/1.0 is ignored.
	r.Continue = fs.expect && r.Minor == 1
	r.Close = fs.close || r.Minor == 0 && !fs.keepAlive
	return nil
}

// applyHost requires a Host field in HTTP/1.1 and sets r.Host, unless an
// absolute-form target set it already.
func (fs *fieldSemantics) applyHost(r *Request) *Error {
	if fs.hosts == 0 && r.Minor == 1 {
		return errNoHost
	}
	if r.Host == "" {
		r.Host = fs.host
	}
	return nil
}

// applyFraming sets the body's length (RFC 9112 6.3), refusing a
// Transfer-Encoding in HTTP/1.0 or next to a Content-Length.
func (fs *fieldSemantics) applyFraming(r *Request) *Error {
	if !fs.codings.seen {
		r.Length = fs.length
		return nil
	}
	switch {
	case r.Minor == 0:
		return errCodingOldVersion
	case fs.lengths > 0:
		return errCodingAndLength
	}
	if e := fs.codings.check(); e != nil {
		return e
	}
	r.Chunked, r.Length = true, -1
	return nil
}
