package h1

import "strings"

// parseTarget checks r.Target (RFC 9112 3.2) and sets r.URI and r.Path, and
// r.Host to the authority of an absolute-form target.
func (r *Request) parseTarget() *Error {
	t := r.Target
	if !validTarget(t) {
		return errTarget
	}
	switch {
	case r.Method == "CONNECT":
		return r.authorityForm(t)
	case t[0] == '/':
		return r.originForm(t)
	case t == "*":
		if r.Method != "OPTIONS" {
			return errTarget
		}
		r.URI = t
		return nil
	case hasPrefixFold(t, "http://"), hasPrefixFold(t, "https://"):
		return r.absoluteForm(t)
	}
	return errTarget
}

// validTarget reports whether t holds no control byte, space, DEL or '#'
// (a fragment is never sent: RFC 9112 3.2).
func validTarget(t string) bool {
	for i := range len(t) {
		if c := t[i]; c <= ' ' || c == 0x7f || c == '#' {
			return false
		}
	}
	return true
}

// originForm takes t, which starts with "/", as the URI.
func (r *Request) originForm(t string) *Error {
	r.URI = t
	path, _, _ := strings.Cut(t, "?")
	var ok bool
	if r.Path, ok = decodePath(path); !ok {
		return errPath
	}
	return nil
}

// absoluteForm takes t apart into its authority, which becomes the host, and
// its path and query, which become the URI (RFC 9112 3.2.2): "/" for an empty
// path, or "*" for an OPTIONS without path or query (RFC 9112 3.2.4).
func (r *Request) absoluteForm(t string) *Error {
	rest := t[strings.IndexByte(t, ':')+len("://"):]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, uri := rest[:end], rest[end:]
	if authority == "" || !validHost(authority) {
		return errTarget
	}
	r.Host = authority
	switch {
	case uri == "" && r.Method == "OPTIONS":
		r.URI = "*" // RFC 9112 3.2.4: an empty path becomes "*" for OPTIONS
		return nil
	case uri == "":
		uri = "/"
	case uri[0] == '?':
		uri = "/" + uri
	}
	return r.originForm(uri)
}

// authorityForm takes t, the target of a CONNECT, as "host:port" with a port
// in 1..65535 (RFC 9112 3.2.3, RFC 9110 9.3.6).
func (r *Request) authorityForm(t string) *Error {
	host, port, hasPort := splitHostPort(t)
	if !hasPort || !validPort(port) || host == "" || !validHost(t) {
		return errTarget
	}
	r.URI = t
	return nil
}

// decodePath returns the percent-decoded path p, or false when p holds an
// invalid escape or one that decodes to NUL. It allocates only when p holds a
// '%'.
func decodePath(p string) (string, bool) {
	i := strings.IndexByte(p, '%')
	if i < 0 {
		return p, true
	}
	var b strings.Builder
	b.Grow(len(p))
	b.WriteString(p[:i])
	for ; i < len(p); i++ {
		c := p[i]
		if c == '%' {
			if i+2 >= len(p) {
				return "", false
			}
			hi, lo := unhex(p[i+1]), unhex(p[i+2])
			if hi < 0 || lo < 0 || hi == 0 && lo == 0 {
				return "", false
			}
			c = byte(hi<<4 | lo)
			i += 2
		}
		b.WriteByte(c)
	}
	return b.String(), true
}
