package h1

import (
	"encoding/binary"
	"strings"
)

const (
	digits = "0123456789"
	alpha  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// tchars holds the bytes of a token (RFC 9110 5.6.2).
var tchars = byteSet("!#$%&'*+-.^_`|~" + digits + alpha)

// hostChars holds the bytes of a reg-name or IPv4 address besides the '%' of a
// pct-encoding: unreserved and sub-delims (RFC 3986 3.2.2).
var hostChars = byteSet("-._~!$&'()*+,;=" + digits + alpha)

func byteSet(s string) (set [256]bool) {
	for i := range len(s) {
		set[s[i]] = true
	}
	return set
}

// isToken reports whether s is a token: one or more tchar.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !tchars[s[i]] {
			return false
		}
	}
	return true
}

// validValue reports whether s holds no control byte but HTAB (RFC 9110 5.5):
// visible ASCII, space, tab and the bytes from 0x80 up (obs-text). It tests
// eight bytes at a time, and byte by byte only the eight that may hold a
// control byte or a tab.
func validValue(s []byte) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if mayHoldCTL(binary.LittleEndian.Uint64(s[i:])) && !validBytes(s[i:i+8]) {
			return false
		}
	}
	return validBytes(s[i:])
}

// validBytes is validValue byte by byte, for bytes or a string.
func validBytes[T string | []byte](s T) bool {
	for i := range len(s) {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

const (
	ones  = 0x0101010101010101 // 0x01 in every byte
	highs = 0x8080808080808080 // 0x80 in every byte
)

// mayHoldCTL reports whether one of the eight bytes in x may be below 0x20 or
// 0x7F: it is true whenever one is (and sometimes otherwise).
func mayHoldCTL(x uint64) bool {
	del := x ^ 0x7f*ones
	return ((x-0x20*ones)&^x|(del-ones)&^del)&highs != 0
}

// trimOWS returns s without leading and trailing spaces and tabs.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// equalFold reports whether s equals the lower-case ASCII word lower, ignoring
// the case of s.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word
// lower, ignoring the case of s.
func hasPrefixFold(s, lower string) bool {
	return len(s) >= len(lower) && equalFold(s[:len(lower)], lower)
}

// allDigits reports whether s holds nothing but decimal digits.
func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unhex returns the value of the hexadecimal digit c, or -1.
func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// eachElement calls f with each element of the comma-separated list s,
// without its surrounding spaces and tabs (empty elements included), until f
// returns false.
func eachElement(s string, f func(string) bool) {
	for {
		elem, rest, more := strings.Cut(s, ",")
		if !f(trimOWS(elem)) || !more {
			return
		}
		s = rest
	}
}
