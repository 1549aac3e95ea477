package h1

import (
	"net/netip"
	"strings"
)

// validHost reports whether s is a valid Host field value or authority:
// uri-host [ ":" port ] (RFC 9110 7.2, RFC 3986 3.2.2), where uri-host is a
// non-empty reg-name or IPv4 address, or an IPv6 address in brackets, and port
// is zero or more digits. The empty string is valid too (a Host field may be
// empty); callers that need an authority check for it.
func validHost(s string) bool {
	if s == "" {
		return true
	}
	host, port, _ := splitHostPort(s)
	if !allDigits(port) {
		return false
	}
	if host != "" && host[0] == '[' {
		return validIPLiteral(host)
	}
	return validRegName(host)
}

// splitHostPort splits s at the colon after its host: the first colon, or the
// first after a leading bracketed IP literal. A host of "[" without a "]" is
// returned whole.
func splitHostPort(s string) (host, port string, hasPort bool) {
	from := 0
	if s[0] == '[' {
		from = strings.IndexByte(s, ']') + 1
		if from == 0 {
			return s, "", false
		}
	}
	i := strings.IndexByte(s[from:], ':')
	if i < 0 {
		return s, "", false
	}
	return s[:from+i], s[from+i+1:], true
}

// validRegName reports whether s is a non-empty reg-name (which includes IPv4
// addresses): unreserved characters, sub-delims and valid pct-encodings.
func validRegName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return false
			}
			i += 2
		} else if !hostChars[s[i]] {
			return false
		}
	}
	return true
}

// validIPLiteral reports whether s is an IPv6 address in brackets, without a
// zone (RFC 3986 3.2.2; IPvFuture is not accepted).
func validIPLiteral(s string) bool {
	if len(s) < 2 || s[len(s)-1] != ']' {
		return false
	}
	inner := s[1 : len(s)-1]
	if strings.IndexByte(inner, '%') >= 0 {
		return false
	}
	ip, err := netip.ParseAddr(inner)
	return err == nil && ip.Is6()
}

// validPort reports whether s is a TCP port number, 1 to 65535, in at most
// five digits.
func validPort(s string) bool {
	if s == "" || len(s) > 5 || !allDigits(s) {
		return false
	}
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return 1 <= n && n <= 65535
}
