package h1

import "strings"

// parseRequestLine parses "method SP request-target SP HTTP-version"
// (RFC 9112 3) into r.
func (r *Request) parseRequestLine(line string) *Error {
	method, rest, ok := strings.Cut(line, " ")
	if !ok {
		return errRequestLine
	}
	if !isToken(method) {
		return errMethod
	}
	target, version, ok := strings.Cut(rest, " ")
	if !ok || target == "" {
		return errRequestLine
	}
	minor, e := parseVersion(version)
	if e != nil {
		return e
	}
	r.Method, r.Target, r.Minor = method, target, minor
	return r.parseTarget()
}

// parseVersion returns the minor version of HTTP/1.x: 0 for HTTP/1.0, 1 for
// HTTP/1.1 to HTTP/1.9 (RFC 9110 2.5: a higher minor version is served as the
// highest one known).
func parseVersion(v string) (int, *Error) {
	if len(v) != len("HTTP/1.1") || v[:5] != "HTTP/" || !isDigit(v[5]) || v[6] != '.' || !isDigit(v[7]) {
		return 0, errVersion
	}
	if v[5] != '1' {
		return 0, errVersionMajor
	}
	if v[7] == '0' {
		return 0, nil
	}
	return 1, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
